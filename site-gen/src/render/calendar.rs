//! The iCalendar files (RFC 5545): open opportunities' proposal deadlines, and each
//! opportunity's own calendar: its deadline, then its outcome (award, acceptance, payment) as
//! all-day events on the days they were recorded.
//!
//! Lines end with CRLF and are folded at 75 octets (never inside a UTF-8 character); text values
//! are escaped; the site-wide calendar gives times local to America/Vancouver with a VTIMEZONE
//! block, an opportunity's own calendar (one deadline, thousands of files) gives them in UTC,
//! which needs no zone rules in every file; UIDs are
//! `<slug>-deadline@<host>` (and `<slug>-record_awarded@<host>` and so on, the facts' anchors on
//! the page) so a calendar that subscribed updates events instead of adding copies.
//!
//! Nothing in them is the build's clock, so an hourly rebuild that changed nothing writes the
//! same bytes: without a `METHOD`, RFC 5545 defines `DTSTAMP` as when the event's information
//! was last revised, which is the opportunity's publication or its newest addendum for the
//! deadline, and the day it was recorded for an outcome fact.

use super::cache::{Digest, Key};
use super::feeds::outcome_facts;
use cwu_domain::{Opportunity, urls, when};
use jiff::Timestamp;
use std::borrow::Cow;
use std::io::{self, Write};

/// The Vancouver time zone's rules since 2007 (second Sunday of March, first Sunday of November).
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:America/Vancouver",
    "X-LIC-LOCATION:America/Vancouver",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:-0800",
    "TZOFFSETTO:-0700",
    "TZNAME:PDT",
    "DTSTART:19700308T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:-0700",
    "TZOFFSETTO:-0800",
    "TZNAME:PST",
    "DTSTART:19701101T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// The calendar's name and where its events link to. (A new field goes into [`Calendar::key`]
/// too.)
#[derive(Debug, Clone)]
pub struct Calendar<'a> {
    /// Calendar name, e.g. "Code With Us proposal deadlines".
    pub name: &'a str,
    /// Absolute base URL without a trailing slash.
    pub base_url: &'a str,
    /// The build's now: only a deadline still ahead gets a reminder.
    pub now: Timestamp,
    /// Give each deadline still ahead a reminder a day before (a single opportunity's calendar;
    /// calendar apps drop alarms from subscriptions anyway).
    pub reminder: bool,
    /// Give times in UTC instead of Vancouver local time with its VTIMEZONE (an opportunity's
    /// own calendar: the zone rules would be a third of each file).
    pub utc: bool,
}

impl Calendar<'_> {
    /// The build cache's key of this calendar of `opportunities` (each with a digest of every
    /// field of it, and its date as [`write_ics`] takes it): the clock counts only through
    /// which deadlines get a reminder.
    pub fn key<'a>(
        &self,
        opportunities: impl IntoIterator<Item = (Digest, (&'a Opportunity, Timestamp))>,
    ) -> Digest {
        let mut key = Key::new("calendar");
        key.str(self.name)
            .str(self.base_url)
            .hash(&(self.reminder, self.utc));
        for (digest, (opportunity, public_since)) in opportunities {
            key.digest(digest)
                .hash(&public_since)
                .hash(&self.reminds(opportunity));
        }
        key.finish()
    }

    /// Whether the deadline of `opportunity` gets a reminder: while it is still ahead.
    fn reminds(&self, opportunity: &Opportunity) -> bool {
        self.reminder && opportunity.proposal_deadline > self.now
    }
}

/// When the deadline event of `opportunity`, public since `public_since` (its feed item's
/// date), was last revised: then, or at its newest addendum (changes are announced as addenda).
pub fn revised(opportunity: &Opportunity, public_since: Timestamp) -> Timestamp {
    opportunity
        .addenda
        .iter()
        .map(|addendum| addendum.date)
        .fold(public_since, Timestamp::max)
}

/// Writes the calendar with, per opportunity in `opportunities` (each with the date it became
/// public, see [`revised`]), its proposal deadline and the recorded facts of its outcome.
pub fn write_ics<'a>(
    calendar: &Calendar,
    opportunities: impl IntoIterator<Item = (&'a Opportunity, Timestamp)>,
    out: &mut impl Write,
) -> io::Result<()> {
    let host = calendar
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or(calendar.base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost");
    let stamp = |instant: Timestamp| format!("DTSTAMP:{}", instant.strftime("%Y%m%dT%H%M%SZ"));
    let mut line = |text: &str| write_folded(out, text);
    line("BEGIN:VCALENDAR")?;
    line("VERSION:2.0")?;
    line("PRODID:-//Code With Us//site-gen//EN")?;
    line("CALSCALE:GREGORIAN")?;
    line(&format!("X-WR-CALNAME:{}", escape_text(calendar.name)))?;
    if !calendar.utc {
        line("X-WR-TIMEZONE:America/Vancouver")?;
        for l in VTIMEZONE {
            line(l)?;
        }
    }
    for (opportunity, public_since) in opportunities {
        let url = urls::absolute(calendar.base_url, &urls::opportunity(&opportunity.slug));
        let start = if calendar.utc {
            opportunity
                .proposal_deadline
                .strftime(":%Y%m%dT%H%M%SZ")
                .to_string()
        } else {
            when::in_vancouver(opportunity.proposal_deadline)
                .strftime(";TZID=America/Vancouver:%Y%m%dT%H%M%S")
                .to_string()
        };
        line("BEGIN:VEVENT")?;
        line(&format!("UID:{}-deadline@{host}", opportunity.slug))?;
        line(&stamp(revised(opportunity, public_since)))?;
        line(&format!("DTSTART{start}"))?;
        line(&format!("DTEND{start}"))?;
        line(&format!(
            "SUMMARY:{}",
            escape_text(&format!("Proposal deadline: {}", opportunity.title))
        ))?;
        line(&format!(
            "DESCRIPTION:{}",
            escape_text(&format!(
                "{}\n{} · {}\nProposals close {}.\n{url}",
                opportunity.teaser,
                opportunity.organization,
                opportunity.reward,
                when::display(opportunity.proposal_deadline)
            ))
        ))?;
        line(&format!("URL:{url}"))?;
        line("TRANSP:TRANSPARENT")?;
        if calendar.reminds(opportunity) {
            line("BEGIN:VALARM")?;
            line("ACTION:DISPLAY")?;
            line(&format!(
                "DESCRIPTION:{}",
                escape_text(&format!(
                    "Proposals for {} are due tomorrow",
                    opportunity.title
                ))
            ))?;
            line("TRIGGER:-P1D")?;
            line("END:VALARM")?;
        }
        line("END:VEVENT")?;
        for fact in outcome_facts(opportunity) {
            let day = when::in_vancouver(fact.date).date();
            let next = day.tomorrow().unwrap_or(day);
            line("BEGIN:VEVENT")?;
            line(&format!("UID:{}-{}@{host}", opportunity.slug, fact.anchor))?;
            line(&stamp(fact.date))?;
            line(&format!("DTSTART;VALUE=DATE:{}", day.strftime("%Y%m%d")))?;
            line(&format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")))?;
            line(&format!(
                "SUMMARY:{}",
                escape_text(&format!("{}: {}", fact.what, opportunity.title))
            ))?;
            line(&format!(
                "DESCRIPTION:{}",
                escape_text(&format!("{}\n{url}#{}", fact.text, fact.anchor))
            ))?;
            line(&format!("URL:{url}#{}", fact.anchor))?;
            line("TRANSP:TRANSPARENT")?;
            line("END:VEVENT")?;
        }
    }
    line("END:VCALENDAR")
}

/// Escapes a TEXT value: backslash, semicolon, comma and newlines.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| matches!(c, '\\' | ';' | ',') || c.is_control())
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One content line, folded to at most 75 octets per physical line, ending with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = Vec::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    write_folded(&mut out, line).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("folded between characters")
}

/// Writes `line` folded as [`fold`] does.
fn write_folded(out: &mut impl Write, line: &str) -> io::Result<()> {
    let mut rest = line;
    let mut width = 75;
    while rest.len() > width {
        let mut cut = width;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.write_all(&rest.as_bytes()[..cut])?;
        out.write_all(b"\r\n ")?;
        rest = &rest[cut..];
        width = 74; // the leading space counts
    }
    out.write_all(rest.as_bytes())?;
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
        // Greedy: each physical line as long as it may be.
        let lengths: Vec<usize> = fold(&"a".repeat(200))
            .trim_end_matches("\r\n")
            .split("\r\n")
            .map(str::len)
            .collect();
        assert_eq!(lengths, [75, 75, 52]);
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
