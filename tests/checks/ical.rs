//! A small RFC 5545 reader: CRLF lines, unfolding, properties with parameters, VEVENTs, and the
//! checks our calendar promises (required properties, unique UIDs, TZID with a VTIMEZONE).

use std::collections::HashSet;

/// One content line: `NAME;PARAM=VALUE:value` after unfolding.
#[derive(Debug, Clone)]
pub struct Property {
    /// Upper-cased name.
    pub name: String,
    /// Parameters (upper-cased names, values without quotes).
    pub params: Vec<(String, String)>,
    /// The raw value (escapes left as written).
    pub value: String,
}

impl Property {
    /// The parameter called `name`, if any.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// One VEVENT.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// Its properties in order.
    pub properties: Vec<Property>,
}

impl Event {
    /// The first property called `name`.
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// The unescaped text value of `name` (empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.get(name)
            .map(|p| unescape(&p.value))
            .unwrap_or_default()
    }

    /// DTSTART as an instant: local time in its TZID, or UTC with a trailing `Z`.
    pub fn start(&self) -> anyhow::Result<jiff::ZonedDateTime> {
        let property = self
            .get("DTSTART")
            .ok_or_else(|| anyhow::anyhow!("no DTSTART"))?;
        parse_date_time(property)
    }
}

/// A parsed calendar.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Properties of the VCALENDAR itself.
    pub properties: Vec<Property>,
    /// Its VEVENTs.
    pub events: Vec<Event>,
    /// TZIDs of its VTIMEZONE components.
    pub time_zones: Vec<String>,
}

/// Parses and checks an iCalendar file; returns the problems (empty = valid) and what was read.
pub fn check_calendar(name: &str, text: &str) -> (Vec<String>, Calendar) {
    let mut problems = Vec::new();
    let mut calendar = Calendar::default();
    if text.contains('\n')
        && text
            .split('\n')
            .any(|line| !line.is_empty() && !line.ends_with('\r'))
    {
        problems.push(format!("{name}: lines must end with CRLF (RFC 5545 3.1)"));
    }
    for (number, line) in text.split("\r\n").enumerate() {
        if line.len() > 75 {
            problems.push(format!(
                "{name}: line {} is {} octets; fold lines longer than 75 (RFC 5545 3.1)",
                number + 1,
                line.len()
            ));
        }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut event: Option<Event> = None;
    for line in unfold(text) {
        let Some(property) = parse_line(&line) else {
            problems.push(format!("{name}: not a content line: {line:?}"));
            continue;
        };
        match property.name.as_str() {
            "BEGIN" => {
                if property.value == "VEVENT" {
                    event = Some(Event::default());
                }
                stack.push(property.value.clone());
            }
            "END" => {
                if stack.pop().as_deref() != Some(property.value.as_str()) {
                    problems.push(format!(
                        "{name}: END:{} does not match its BEGIN",
                        property.value
                    ));
                }
                if property.value == "VEVENT" {
                    calendar.events.extend(event.take());
                }
            }
            _ => match stack.last().map(String::as_str) {
                Some("VEVENT") => event
                    .get_or_insert_with(Event::default)
                    .properties
                    .push(property),
                Some("VCALENDAR") => calendar.properties.push(property),
                Some("VTIMEZONE") if property.name == "TZID" => {
                    calendar.time_zones.push(property.value.clone())
                }
                Some(_) => {}
                None => problems.push(format!("{name}: {} outside VCALENDAR", property.name)),
            },
        }
    }
    if !stack.is_empty() {
        problems.push(format!("{name}: unterminated {}", stack.join(" > ")));
    }
    let has = |name: &str| calendar.properties.iter().any(|p| p.name == name);
    if !has("VERSION")
        || !calendar
            .properties
            .iter()
            .any(|p| p.name == "VERSION" && p.value == "2.0")
    {
        problems.push(format!("{name}: VCALENDAR needs VERSION:2.0"));
    }
    if !has("PRODID") {
        problems.push(format!("{name}: VCALENDAR needs PRODID"));
    }
    let mut uids = HashSet::new();
    for (index, event) in calendar.events.iter().enumerate() {
        let label = format!("{name}: event {} ({:?})", index + 1, event.text("SUMMARY"));
        for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
            if event.get(required).is_none() {
                problems.push(format!("{label} has no {required}"));
            }
        }
        let uid = event.text("UID");
        if !uid.is_empty() && !uids.insert(uid.clone()) {
            problems.push(format!("{label} repeats UID {uid:?}"));
        }
        for property in event
            .properties
            .iter()
            .filter(|p| matches!(p.name.as_str(), "DTSTART" | "DTEND" | "DTSTAMP"))
        {
            if let Err(e) = parse_date_time(property) {
                problems.push(format!("{label} {}: {e}", property.name));
            }
            if let Some(tzid) = property.param("TZID")
                && !calendar.time_zones.iter().any(|tz| tz == tzid)
            {
                problems.push(format!(
                    "{label} {} uses TZID={tzid} but the calendar has no VTIMEZONE for it (RFC 5545 3.2.19)",
                    property.name
                ));
            }
        }
    }
    (problems, calendar)
}

/// Joins folded lines (a CRLF followed by a space or tab continues the previous line).
pub fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.push_str(rest);
            continue;
        }
        if !raw.is_empty() {
            lines.push(raw.to_string());
        }
    }
    lines
}

/// Splits a content line into name, parameters and value (quoted parameter values may hold
/// `:` and `;`).
fn parse_line(line: &str) -> Option<Property> {
    let mut in_quotes = false;
    let mut value_at = None;
    for (index, ch) in line.char_indices() {
        match ch {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                value_at = Some(index);
                break;
            }
            _ => {}
        }
    }
    let value_at = value_at?;
    let mut head = line[..value_at].split(';');
    let name = head.next()?.to_ascii_uppercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    let params = head
        .map(|param| {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            (
                key.to_ascii_uppercase(),
                value.trim_matches('"').to_string(),
            )
        })
        .collect();
    Some(Property {
        name,
        params,
        value: line[value_at + 1..].to_string(),
    })
}

/// Parses a DATE-TIME value: `19980119T020000` with TZID, or `19980119T070000Z` in UTC.
fn parse_date_time(property: &Property) -> anyhow::Result<jiff::ZonedDateTime> {
    let value = property.value.as_str();
    let (local, utc) = match value.strip_suffix('Z') {
        Some(local) => (local, true),
        None => (value, false),
    };
    let civil = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", local)
        .map_err(|e| anyhow::anyhow!("{value:?} is not an RFC 5545 DATE-TIME: {e}"))?;
    let zone = match (utc, property.param("TZID")) {
        (true, None) => "UTC",
        (false, Some(tzid)) => tzid,
        (true, Some(_)) => anyhow::bail!("{value:?} is UTC but also has a TZID"),
        (false, None) => anyhow::bail!("{value:?} is a floating time: give a TZID or UTC"),
    };
    Ok(civil.in_tz(zone)?)
}

/// Undoes RFC 5545 TEXT escapes.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_reads_tzid_deadlines() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VTIMEZONE\r\nTZID:America/Vancouver\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20261124T200000Z\r\nDTSTART;TZID=America/Vancouver:20270312T160000\r\nSUMMARY:Proposal deadline: Permit\r\n  status API\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (problems, calendar) = check_calendar("ok.ics", text);
        assert_eq!(problems, Vec::<String>::new());
        let event = &calendar.events[0];
        assert_eq!(
            event.text("SUMMARY"),
            "Proposal deadline: Permit status API"
        );
        assert_eq!(
            event.start().unwrap().timestamp().to_string(),
            "2027-03-13T00:00:00Z"
        );
    }
}
