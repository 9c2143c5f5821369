//! Rewards: whole Canadian dollars, capped by the Code With Us limit.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest reward a Code With Us opportunity may offer, in dollars.
pub const MAX_REWARD: u32 = 70_000;

/// A fixed price in whole Canadian dollars, 1 to [`MAX_REWARD`]. One type from the validated
/// front matter to the functions: the registry stores it as a JSON number (`u32`), checked
/// again by the same rule when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Reward(u32);

impl Reward {
    /// Checks the amount as written in front matter (any YAML integer) against the Code With Us
    /// limits.
    pub fn new(dollars: i64) -> Result<Self, String> {
        match u32::try_from(dollars) {
            Ok(d) if (1..=MAX_REWARD).contains(&d) => Ok(Reward(d)),
            _ if dollars < 0 => Err("the reward cannot be negative".into()),
            _ if dollars == 0 => Err("the reward must be at least $1".into()),
            _ => Err(format!(
                "the reward ${dollars} is over the Code With Us limit of $70,000"
            )),
        }
    }

    /// The amount in dollars.
    pub fn dollars(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Reward {
    type Error = String;
    fn try_from(dollars: u32) -> Result<Self, String> {
        Reward::new(dollars.into())
    }
}

impl From<Reward> for u32 {
    fn from(reward: Reward) -> u32 {
        reward.0
    }
}

/// Formats as `$25,000`.
impl fmt::Display for Reward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        write!(f, "${out}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert!(Reward::new(0).is_err());
        assert!(Reward::new(70_001).is_err());
        assert!(Reward::new(i64::MAX).is_err());
        assert!(Reward::new(-5).is_err());
        assert_eq!(Reward::new(1).unwrap().dollars(), 1);
        assert_eq!(Reward::new(70_000).unwrap().dollars(), 70_000);
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(Reward::new(7).unwrap().to_string(), "$7");
        assert_eq!(Reward::new(1_500).unwrap().to_string(), "$1,500");
        assert_eq!(Reward::new(70_000).unwrap().to_string(), "$70,000");
    }
}
