//! Date rules: everything happens in Vancouver, and a date alone means 4:00 PM there.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// The time zone every Code With Us date is read and shown in.
pub const TIME_ZONE: &str = "America/Vancouver";

/// The local time a date without a time stands for (proposals close at 4:00 PM).
pub const DEFAULT_TIME: Time = Time::constant(16, 0, 0, 0);

/// The Vancouver time zone from the bundled time zone database.
pub fn vancouver() -> TimeZone {
    TimeZone::get(TIME_ZONE).expect("the tz database is bundled with the binary")
}

/// Reads `2027-03-12` (4:00 PM Vancouver), `2027-03-12T09:30` (Vancouver local time) or an
/// RFC 3339 instant such as `2027-03-12T09:30:00-08:00`.
pub fn parse_moment(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    // jiff reads the date part of a date-time as a date, so only bare dates go this way.
    if !text.contains(['T', 't', ' '])
        && let Ok(date) = text.parse::<Date>()
    {
        return local(date.to_datetime(DEFAULT_TIME));
    }
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Ok(instant);
    }
    if let Ok(datetime) = text.replacen(' ', "T", 1).parse::<DateTime>() {
        return local(datetime);
    }
    Err(format!(
        "`{text}` is not a date; write `2027-03-12` (4:00 PM Vancouver time), \
         `2027-03-12T09:30` or `2027-03-12T09:30:00-08:00`"
    ))
}

fn local(datetime: DateTime) -> Result<Timestamp, String> {
    datetime
        .to_zoned_datetime(vancouver())
        .map(|zoned| zoned.timestamp())
        .map_err(|e| e.to_string())
}

/// The instant seen on a Vancouver wall clock.
pub fn in_vancouver(instant: Timestamp) -> ZonedDateTime {
    instant.to_zoned_datetime(vancouver())
}

/// A deadline as people read it: `Friday, March 12, 2027, 4:00 PM PST`.
pub fn display(instant: Timestamp) -> String {
    in_vancouver(instant)
        .strftime("%A, %B %-d, %Y, %-I:%M %p %Z")
        .to_string()
}

/// A date as people read it: `March 12, 2027`.
pub fn display_date(instant: Timestamp) -> String {
    in_vancouver(instant).strftime("%B %-d, %Y").to_string()
}

/// How long is left before `deadline` as pages say it without JavaScript, in words that change
/// at most once a day, so an hourly rebuild rewrites a page only when its text really moved:
/// whole days while a day or more is left (`3 days left`), whole hours in the last day
/// (`5 hours left`), then `less than an hour left`. Rounded down, so at the build it never
/// promises more time than there is. A day is 24 hours, as in [`time_left`] (which
/// `time-left.js` shows once it runs): across a daylight saving change the count follows the
/// hours that really remain, and both texts agree on the days. `None` once the deadline has
/// passed.
pub fn time_left_static(now: Timestamp, deadline: Timestamp) -> Option<String> {
    let seconds = deadline.as_second() - now.as_second();
    if seconds <= 0 {
        return None;
    }
    let (days, hours) = (seconds / 86_400, seconds / 3_600);
    Some(match (days, hours) {
        (0, 0) => "less than an hour left".to_owned(),
        (0, hours) => format!("{} left", unit(hours, "hour")),
        (days, _) => format!("{} left", unit(days, "day")),
    })
}

/// `1 day`, `3 days`.
fn unit(n: i64, name: &str) -> String {
    format!("{n} {name}{}", if n == 1 { "" } else { "s" })
}

/// How long is left before `deadline`, in the two largest units: `3 days 4 hours left`, the
/// live text `time-left.js` keeps current where JavaScript runs (pages carry
/// [`time_left_static`]). `None` once the deadline has passed.
pub fn time_left(now: Timestamp, deadline: Timestamp) -> Option<String> {
    let seconds = deadline.as_second() - now.as_second();
    if seconds <= 0 {
        return None;
    }
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    let text = if days > 0 {
        if hours > 0 {
            format!("{} {}", unit(days, "day"), unit(hours, "hour"))
        } else {
            unit(days, "day")
        }
    } else if hours > 0 {
        format!("{} {}", unit(hours, "hour"), unit(minutes, "minute"))
    } else {
        unit(minutes.max(1), "minute")
    };
    Some(format!("{text} left"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn bare_date_is_four_pm_vancouver_in_winter_and_summer() {
        assert_eq!(
            parse_moment("2027-01-15").unwrap(),
            ts("2027-01-16T00:00:00Z")
        );
        assert_eq!(
            parse_moment("2027-07-15").unwrap(),
            ts("2027-07-15T23:00:00Z")
        );
    }

    #[test]
    fn dst_change_days_keep_four_pm_local() {
        // 2027-03-14 spring forward, 2026-11-01 fall back: 4 PM is after both changes.
        assert_eq!(
            parse_moment("2027-03-14").unwrap(),
            ts("2027-03-14T23:00:00Z")
        );
        assert_eq!(
            parse_moment("2026-11-01").unwrap(),
            ts("2026-11-02T00:00:00Z")
        );
    }

    #[test]
    fn local_and_offset_times() {
        assert_eq!(
            parse_moment("2027-01-15T09:30").unwrap(),
            ts("2027-01-15T17:30:00Z")
        );
        assert_eq!(
            parse_moment("2027-01-15 09:30").unwrap(),
            ts("2027-01-15T17:30:00Z")
        );
        assert_eq!(
            parse_moment("2027-01-15T09:30:00-05:00").unwrap(),
            ts("2027-01-15T14:30:00Z")
        );
        // A time inside the spring-forward gap moves forward rather than failing.
        assert_eq!(
            parse_moment("2027-03-14T02:30").unwrap(),
            ts("2027-03-14T10:30:00Z")
        );
    }

    #[test]
    fn rejects_non_dates_with_a_hint() {
        let err = parse_moment("next Friday").unwrap_err();
        assert!(err.contains("2027-03-12"), "{err}");
        assert!(parse_moment("2027-02-30").is_err());
    }

    #[test]
    fn display_names_the_zone() {
        let deadline = parse_moment("2027-03-12").unwrap();
        assert_eq!(display(deadline), "Friday, March 12, 2027, 4:00 PM PST");
        assert_eq!(
            display(parse_moment("2027-07-15").unwrap()),
            "Thursday, July 15, 2027, 4:00 PM PDT"
        );
        assert_eq!(display_date(deadline), "March 12, 2027");
    }

    #[test]
    fn time_left_wording() {
        let deadline = ts("2027-01-10T00:00:00Z");
        assert_eq!(time_left(deadline, deadline), None);
        assert_eq!(
            time_left(ts("2027-01-09T23:59:30Z"), deadline).unwrap(),
            "1 minute left"
        );
        assert_eq!(
            time_left(ts("2027-01-09T21:30:00Z"), deadline).unwrap(),
            "2 hours 30 minutes left"
        );
        assert_eq!(
            time_left(ts("2027-01-06T23:00:00Z"), deadline).unwrap(),
            "3 days 1 hour left"
        );
        assert_eq!(
            time_left(ts("2027-01-03T00:00:00Z"), deadline).unwrap(),
            "7 days left"
        );
    }

    #[test]
    fn static_time_left_is_whole_days_then_hours() {
        let deadline = ts("2027-01-10T00:00:00Z");
        let left = |now: &str| time_left_static(ts(now), deadline);
        assert_eq!(left("2027-01-10T00:00:00Z"), None);
        assert_eq!(left("2027-01-10T00:00:01Z"), None);
        assert_eq!(
            left("2027-01-09T23:59:30Z").unwrap(),
            "less than an hour left"
        );
        assert_eq!(left("2027-01-09T23:00:00Z").unwrap(), "1 hour left");
        assert_eq!(left("2027-01-09T21:30:00Z").unwrap(), "2 hours left");
        assert_eq!(left("2027-01-09T00:00:01Z").unwrap(), "23 hours left");
        assert_eq!(left("2027-01-09T00:00:00Z").unwrap(), "1 day left");
        assert_eq!(left("2027-01-06T23:00:00Z").unwrap(), "3 days left");
        assert_eq!(left("2027-01-03T00:00:00Z").unwrap(), "7 days left");
        assert_eq!(left("2026-12-11T00:00:00Z").unwrap(), "30 days left");
    }

    #[test]
    fn static_time_left_changes_once_a_day_until_the_last_day() {
        // Every hour of the ten days before a deadline: the text changes only when a whole day
        // has passed, then every hour of the last day.
        let deadline = parse_moment("2027-01-15").unwrap();
        let mut changes = Vec::new();
        let mut last = None;
        for hours_before in (1..=240).rev() {
            let now = deadline - jiff::SignedDuration::from_hours(hours_before);
            let text = time_left_static(now, deadline);
            if last.as_ref() != Some(&text) {
                changes.push(hours_before);
            }
            last = Some(text);
        }
        // 240 hours before: the first text; then each day as it ends; then each hour.
        let expected: Vec<i64> = [240]
            .into_iter()
            .chain((2..=10).rev().map(|days| days * 24 - 1))
            .chain((1..=23).rev())
            .collect();
        assert_eq!(changes, expected);
    }

    #[test]
    fn static_time_left_counts_real_hours_across_daylight_saving() {
        // Spring forward (2027-03-14, 2 AM → 3 AM): from midnight to 4 PM on the wall clock is
        // 15 hours; the text says what really remains.
        let deadline = parse_moment("2027-03-14").unwrap();
        let midnight = parse_moment("2027-03-14T00:00").unwrap();
        assert_eq!(
            time_left_static(midnight, deadline).unwrap(),
            "15 hours left"
        );
        // Three wall-clock days before that deadline are 71 hours: two whole days, as the live
        // text (`2 days 23 hours left`) says too.
        let thursday = parse_moment("2027-03-11").unwrap();
        assert_eq!(time_left_static(thursday, deadline).unwrap(), "2 days left");
        assert_eq!(
            time_left(thursday, deadline).unwrap(),
            "2 days 23 hours left"
        );
        // Fall back (2026-11-01, 2 AM → 1 AM): the day has 25 hours, so midnight to 4 PM is 17.
        let deadline = parse_moment("2026-11-01").unwrap();
        let midnight = parse_moment("2026-11-01T00:00").unwrap();
        assert_eq!(
            time_left_static(midnight, deadline).unwrap(),
            "17 hours left"
        );
        let day_before = parse_moment("2026-10-31").unwrap();
        assert_eq!(
            time_left_static(day_before, deadline).unwrap(),
            "1 day left"
        );
        assert_eq!(
            time_left(day_before, deadline).unwrap(),
            "1 day 1 hour left"
        );
    }
}
