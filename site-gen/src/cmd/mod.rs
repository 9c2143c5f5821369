//! The `site-gen` commands, each a plain function over plain options (as Zola's `src/cmd/`):
//! [`build`], [`check`], [`serve`] and [`new`]. Only [`crate::cli`] knows the command line; the
//! commands sit on the renderer ([`crate::render`]), which sits on content loading
//! ([`crate::content`]).

pub mod build;
pub mod check;
pub mod new;
pub mod questions;
pub mod serve;

use jiff::Timestamp;

/// "Now" for a build: `flag` (`--now`), else `SOURCE_DATE_EPOCH` (seconds), else the clock.
pub fn build_now(flag: Option<Timestamp>) -> anyhow::Result<Timestamp> {
    if let Some(now) = flag {
        return Ok(now);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => {
            let seconds: i64 = text.trim().parse().map_err(|_| {
                anyhow::anyhow!("SOURCE_DATE_EPOCH={text:?} is not a number of seconds")
            })?;
            Ok(Timestamp::from_second(seconds)?)
        }
        _ => Ok(Timestamp::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_now_flag_wins() {
        let now: Timestamp = "2026-11-24T20:00:00Z".parse().unwrap();
        assert_eq!(build_now(Some(now)).unwrap(), now);
    }
}
