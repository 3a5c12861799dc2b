//! Dates, times and time zones as news sites and feeds write them.
//!
//! Accepted (the whole string must be a date, nothing else):
//! ISO 8601 / RFC 3339 (`2016-09-12`, `2016-09-12T10:00:00Z`, `2016-09-12T10:00:00.5-04:00`,
//! `2016-09-12 10:00:00`, `+0530`), and human dates: an optional weekday, then
//! `Sep 12, 2016` / `Sept. 12 2016` / `September 12th, 2016` / `12 September 2016`, then an
//! optional time (`11:20`, `11:20:05`, `11 a.m.`, `11:20pm`, optionally after `at` or `,`) and
//! zone (`IST`, `EDT`, `GMT+5:30`, `+05:30`, ...). The time may also come first
//! (`11:20 AM EDT, Aug 23, 2017`). A date without a year is not a [`Timestamp`]; see
//! [`parse_month_day`].

use crate::article::{TimeOfDay, Timestamp};

/// Parses a whole string as a date or date-time.
pub(crate) fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Some(t) = parse_iso(s) {
        return Some(t);
    }
    let toks = tokenize(s);
    let mut p = Parser {
        toks: &toks,
        pos: 0,
    };
    let t = p.human()?;
    p.skip_filler();
    (p.pos == toks.len()).then_some(t)
}

/// A date without a required year (`Mar. 3`, `3 March`, `March 3, 2017`) as
/// `(year, month, day)`; the whole string must be the date.
pub(crate) fn parse_month_day(s: &str) -> Option<(Option<i32>, u8, u8)> {
    let toks = tokenize(s.trim());
    let mut p = Parser {
        toks: &toks,
        pos: 0,
    };
    let (year, month, day) = p.date_parts()?;
    p.skip_filler();
    if p.pos != toks.len() || day == 0 || day > 31 {
        return None;
    }
    Some((year, month, day))
}

/// The month a word names: `Sep`, `Sept.`, `September`, `SEPT` (any case).
pub(crate) fn month(word: &str) -> Option<u8> {
    let w = word.strip_suffix('.').unwrap_or(word).to_ascii_lowercase();
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if let Some(i) = NAMES.iter().position(|n| *n == w) {
        return Some(i as u8 + 1);
    }
    if w == "sept" {
        return Some(9);
    }
    if w.len() == 3 {
        return NAMES
            .iter()
            .position(|n| n.starts_with(&w))
            .map(|i| i as u8 + 1);
    }
    None
}

fn is_weekday(word: &str) -> bool {
    let w = word.trim_end_matches([',', '.']).to_ascii_lowercase();
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    DAYS.iter()
        .any(|d| *d == w || (w.len() == 3 && d.starts_with(&w)))
        || matches!(w.as_str(), "tues" | "wed" | "thur" | "thurs")
}

/// Minutes east of UTC for a zone abbreviation, or a numeric offset (`+0530`, `+05:30`,
/// `-4`, `GMT+5:30`, `UTC-04:00`). `Some(None)` for a zone word whose offset depends on the
/// date (`ET`, `PT`, `CT`, `MT`): accepted, but no offset is invented.
pub(crate) fn zone(word: &str) -> Option<Option<i32>> {
    let w = word
        .trim_matches(|c| c == '(' || c == ')')
        .to_ascii_uppercase();
    let named = match w.as_str() {
        "IST" => 330,
        "EST" => -300,
        "EDT" => -240,
        "CST" => -360,
        "CDT" => -300,
        "MST" => -420,
        "MDT" => -360,
        "PST" => -480,
        "PDT" => -420,
        "GMT" | "UTC" | "Z" | "UT" => 0,
        "BST" => 60,
        "CET" => 60,
        "CEST" => 120,
        "EET" => 120,
        "EEST" => 180,
        "JST" | "KST" => 540,
        "AEST" => 600,
        "AEDT" => 660,
        "HKT" | "SGT" => 480,
        "PKT" => 300,
        "ET" | "PT" | "CT" | "MT" => return Some(None),
        _ => {
            let rest = w
                .strip_prefix("GMT")
                .or_else(|| w.strip_prefix("UTC"))
                .unwrap_or(&w);
            return numeric_offset(rest).map(Some);
        }
    };
    Some(Some(named))
}

/// `+0530`, `+05:30`, `+05`, `-4`, `+5:30`.
fn numeric_offset(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &s[1..];
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if body.len() == 4 => body.split_at(2),
        None => (body, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && all_digits(s))
        .then(|| s.parse().ok())
        .flatten()
}

/// ISO 8601 date or date-time; the whole string.
fn parse_iso(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || !s.is_char_boundary(10) {
        return None;
    }
    let date = Timestamp::date(
        num(&s[0..4], 4)? as i32,
        num(&s[5..7], 2)? as u8,
        num(&s[8..10], 2)? as u8,
    )?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(date);
    }
    let rest = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix('t'))
        .or_else(|| rest.strip_prefix(' '))?
        .trim_start();
    // The clock: HH:MM[:SS[.fff]]
    let clock_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(rest.len());
    let (clock, zone_part) = rest.split_at(clock_end);
    let mut parts = clock.split(':');
    let hour = num(parts.next()?, 2)?;
    let minute = num(parts.next()?, 2)?;
    let second = match parts.next() {
        Some(sec) => {
            let whole = sec.split(['.', ',']).next()?;
            let frac = &sec[whole.len()..];
            if frac.len() == 1 || (!frac.is_empty() && !all_digits(&frac[1..])) {
                return None;
            }
            num(whole, 2)?
        }
        None => 0,
    };
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let zone_part = zone_part.trim();
    let offset = if zone_part.is_empty() {
        None
    } else {
        zone(zone_part)?
    };
    Some(date.with_time(TimeOfDay {
        hour: hour as u8,
        minute: minute as u8,
        second: second.min(59) as u8,
        offset_minutes: offset,
    }))
}

/// Splits on whitespace; commas, `|` and `/`-free pieces stay words; a trailing comma becomes
/// its own token.
fn tokenize(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in s.split(|c: char| c.is_whitespace()) {
        let mut w = word;
        let mut tail = 0;
        while let Some(x) = w.strip_suffix(',') {
            w = x;
            tail += 1;
        }
        let mut rest = w;
        while let Some(x) = rest.strip_prefix(',') {
            out.push(",");
            rest = x;
        }
        if !rest.is_empty() {
            out.push(rest);
        }
        out.extend(std::iter::repeat_n(",", tail));
    }
    out
}

struct Parser<'a> {
    toks: &'a [&'a str],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.pos).copied()
    }

    fn eat(&mut self, f: impl Fn(&str) -> bool) -> bool {
        match self.peek() {
            Some(t) if f(t) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn skip_filler(&mut self) {
        while self.eat(|t| matches!(t, "," | "|" | "-" | "–" | "—" | "/")) {}
    }

    fn human(&mut self) -> Option<Timestamp> {
        let start = self.pos;
        // Time first, then date.
        if let Some(time) = self.time() {
            self.skip_filler();
            self.eat(|t| t.eq_ignore_ascii_case("on"));
            if let Some(d) = self.full_date() {
                return Some(d.with_time(time));
            }
            self.pos = start;
        }
        let date = self.full_date()?;
        let before_time = self.pos;
        self.skip_filler();
        self.eat(|t| t.eq_ignore_ascii_case("at"));
        match self.time() {
            Some(time) => Some(date.with_time(time)),
            None => {
                self.pos = before_time;
                Some(date)
            }
        }
    }

    fn full_date(&mut self) -> Option<Timestamp> {
        let start = self.pos;
        match self.date_parts() {
            Some((Some(y), m, d)) => Timestamp::date(y, m, d),
            _ => {
                self.pos = start;
                None
            }
        }
    }

    /// `[Weekday[,]] (Month Day | Day Month) [[,] Year]`
    fn date_parts(&mut self) -> Option<(Option<i32>, u8, u8)> {
        let start = self.pos;
        if self.eat(is_weekday) {
            self.eat(|t| t == ",");
        }
        let r = self.month_day().or_else(|| self.day_month());
        let Some((m, d)) = r else {
            self.pos = start;
            return None;
        };
        let before_year = self.pos;
        self.eat(|t| t == ",");
        let year = match self.peek().and_then(|t| num(t.trim_end_matches('.'), 4)) {
            Some(y) => {
                self.pos += 1;
                Some(y as i32)
            }
            None => {
                self.pos = before_year;
                None
            }
        };
        Some((year, m, d))
    }

    fn month_day(&mut self) -> Option<(u8, u8)> {
        let m = month(self.peek()?)?;
        let d = day(self.toks.get(self.pos + 1)?)?;
        self.pos += 2;
        Some((m, d))
    }

    fn day_month(&mut self) -> Option<(u8, u8)> {
        let d = day(self.peek()?)?;
        let m = month(self.toks.get(self.pos + 1)?)?;
        self.pos += 2;
        Some((m, d))
    }

    /// `11:20`, `11:20:05`, `11:20am`, `11 a.m.`, `11:20 PM`, then an optional zone.
    fn time(&mut self) -> Option<TimeOfDay> {
        let start = self.pos;
        let tok = self.peek()?;
        let digits_end = tok
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(tok.len());
        let (clock, suffix) = tok.split_at(digits_end);
        let mut parts = clock.split(':');
        let h = parts.next()?;
        if h.is_empty() || h.len() > 2 || !all_digits(h) {
            return None;
        }
        let mut hour: u32 = h.parse().ok()?;
        let minute = match parts.next() {
            Some(m) => num(m, 2)?,
            None => 0,
        };
        let second = match parts.next() {
            Some(s) => num(s, 2)?,
            None => 0,
        };
        if parts.next().is_some() || minute > 59 || second > 59 {
            return None;
        }
        let has_colon = clock.contains(':');
        self.pos += 1;
        let meridiem = if suffix.is_empty() {
            match self.peek().and_then(meridiem) {
                Some(pm) => {
                    self.pos += 1;
                    Some(pm)
                }
                None => None,
            }
        } else {
            Some(meridiem(suffix)?)
        };
        match meridiem {
            Some(pm) => {
                if hour == 0 || hour > 12 {
                    self.pos = start;
                    return None;
                }
                hour = match (hour, pm) {
                    (12, false) => 0,
                    (12, true) => 12,
                    (h, true) => h + 12,
                    (h, false) => h,
                };
            }
            None if !has_colon || hour > 23 => {
                self.pos = start;
                return None;
            }
            None => {}
        }
        let offset = match self.peek().and_then(zone) {
            Some(z) => {
                self.pos += 1;
                z
            }
            None => None,
        };
        Some(TimeOfDay {
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            offset_minutes: offset,
        })
    }
}

/// `am`, `a.m.`, `AM`, `A.M.` → false; the pm forms → true.
fn meridiem(s: &str) -> Option<bool> {
    let w: String = s
        .chars()
        .filter(|c| *c != '.')
        .collect::<String>()
        .to_ascii_lowercase();
    match w.as_str() {
        "am" => Some(false),
        "pm" => Some(true),
        _ => None,
    }
}

/// `3`, `03`, `3rd`, `23.` as a day of month.
fn day(tok: &str) -> Option<u8> {
    let t = tok.trim_end_matches('.');
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (d, suffix) = t.split_at(digits_end);
    if d.is_empty() || d.len() > 2 {
        return None;
    }
    if !suffix.is_empty()
        && !matches!(
            suffix.to_ascii_lowercase().as_str(),
            "st" | "nd" | "rd" | "th"
        )
    {
        return None;
    }
    let d: u8 = d.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

/// The UTC date and time of a Unix time in seconds.
pub(crate) fn from_unix_seconds(secs: i64) -> Option<Timestamp> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days_from_civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    let y = i32::try_from(y).ok()?;
    Some(Timestamp::date(y, m, d)?.with_time(TimeOfDay {
        hour: (rem / 3600) as u8,
        minute: (rem % 3600 / 60) as u8,
        second: (rem % 60) as u8,
        offset_minutes: Some(0),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        let got = parse_timestamp(input).map(|t| t.to_string());
        assert_eq!(got.as_deref(), expected, "input {input:?}");
    }

    #[test]
    fn iso_dates() {
        check("2016-09-12", Some("2016-09-12"));
        check(" 2016-09-12 ", Some("2016-09-12"));
        check("2016-09-12T10:00:00Z", Some("2016-09-12T10:00:00+00:00"));
        check(
            "2016-09-12T10:00:00-04:00",
            Some("2016-09-12T10:00:00-04:00"),
        );
        check(
            "2016-09-12T10:00:00+0530",
            Some("2016-09-12T10:00:00+05:30"),
        );
        check("2016-09-12 10:00:00", Some("2016-09-12T10:00:00"));
        check("2016-09-12T10:00", Some("2016-09-12T10:00:00"));
        check(
            "2016-09-12T10:00:00.123Z",
            Some("2016-09-12T10:00:00+00:00"),
        );
        check("2016-09-12 10:00:00 EDT", Some("2016-09-12T10:00:00-04:00"));
        check("2016-02-30", None);
        check("2016-13-01", None);
        check("2016-09-12T25:00:00", None);
        check("2016-09-12T10:00:00+99:00", None);
        check("2016-09-12T10", None);
        check("2016-9-12", None);
        check("2016-09-12x", None);
    }

    #[test]
    fn human_dates() {
        check("Sep 12, 2016", Some("2016-09-12"));
        check("Sept. 12, 2016", Some("2016-09-12"));
        check("September 12 2016", Some("2016-09-12"));
        check("September 12th, 2016", Some("2016-09-12"));
        check("12 September 2016", Some("2016-09-12"));
        check("23 August 2017", Some("2017-08-23"));
        check("August 23, 2017", Some("2017-08-23"));
        check("Monday, September 12, 2016", Some("2016-09-12"));
        check("Mon Sep 12 2016", Some("2016-09-12"));
        check("SEPT 12, 2016", Some("2016-09-12"));
        check("Sep 31, 2016", None);
        check("Sep 12", None);
        check("Smarch 12, 2016", None);
        check("yesterday", None);
        check("", None);
        check("12, 2016", None);
        check("Sep 12, 2016 and more", None);
    }

    #[test]
    fn times_and_zones() {
        check("Aug 23, 2017 11:20 IST", Some("2017-08-23T11:20:00+05:30"));
        check(
            "Aug 23, 2017, 11:20 a.m. EDT",
            Some("2017-08-23T11:20:00-04:00"),
        );
        check(
            "Aug 23, 2017 at 11:20 p.m. EST",
            Some("2017-08-23T23:20:00-05:00"),
        );
        check(
            "Aug 23, 2017 11:20pm PDT",
            Some("2017-08-23T23:20:00-07:00"),
        );
        check("Aug 23, 2017 11 am", Some("2017-08-23T11:00:00"));
        check(
            "Aug 23, 2017 12:05 AM GMT",
            Some("2017-08-23T00:05:00+00:00"),
        );
        check(
            "Aug 23, 2017 12:05 PM UTC",
            Some("2017-08-23T12:05:00+00:00"),
        );
        check(
            "Aug 23, 2017 11:20 GMT+5:30",
            Some("2017-08-23T11:20:00+05:30"),
        );
        check(
            "Aug 23, 2017 11:20 +0530",
            Some("2017-08-23T11:20:00+05:30"),
        );
        check(
            "Aug 23, 2017 11:20 +05:30",
            Some("2017-08-23T11:20:00+05:30"),
        );
        check(
            "Aug 23, 2017 11:20 UTC-4",
            Some("2017-08-23T11:20:00-04:00"),
        );
        check("Aug 23, 2017 11:20 ET", Some("2017-08-23T11:20:00"));
        check(
            "Aug 23, 2017 11:20:15 CEST",
            Some("2017-08-23T11:20:15+02:00"),
        );
        check(
            "Aug 23, 2017 11:20 (BST)",
            Some("2017-08-23T11:20:00+01:00"),
        );
        check(
            "11:20 AM EDT, Aug 23, 2017",
            Some("2017-08-23T11:20:00-04:00"),
        );
        check(
            "11:20 AM ET, Wed August 23, 2017",
            Some("2017-08-23T11:20:00"),
        );
        for (z, off) in [
            ("CST", "-06:00"),
            ("CDT", "-05:00"),
            ("MST", "-07:00"),
            ("MDT", "-06:00"),
            ("PST", "-08:00"),
            ("CET", "+01:00"),
            ("EET", "+02:00"),
            ("EEST", "+03:00"),
            ("JST", "+09:00"),
            ("KST", "+09:00"),
            ("AEST", "+10:00"),
            ("AEDT", "+11:00"),
            ("HKT", "+08:00"),
            ("SGT", "+08:00"),
            ("PKT", "+05:00"),
            ("Z", "+00:00"),
        ] {
            check(
                &format!("1 May 2017 09:30 {z}"),
                Some(&format!("2017-05-01T09:30:00{off}")),
            );
        }
        check("Aug 23, 2017 13:20 pm", None);
        check("Aug 23, 2017 24:20", None);
        check("Aug 23, 2017 11:20 XYZ", None);
        check("Aug 23, 2017 11", None);
    }

    #[test]
    fn month_day_without_year() {
        let c = |s: &str| parse_month_day(s);
        assert_eq!(c("Mar. 3"), Some((None, 3, 3)));
        assert_eq!(c("March 3"), Some((None, 3, 3)));
        assert_eq!(c("3 March"), Some((None, 3, 3)));
        assert_eq!(c("March 3, 2017"), Some((Some(2017), 3, 3)));
        assert_eq!(c("Sept. 30"), Some((None, 9, 30)));
        assert_eq!(c("March"), None);
        assert_eq!(c("March 32"), None);
        assert_eq!(c("Lebanon"), None);
        assert_eq!(c("March 3 Lebanon"), None);
    }

    #[test]
    fn unix_seconds() {
        let c = |s: i64| from_unix_seconds(s).map(|t| t.to_string());
        assert_eq!(c(0).as_deref(), Some("1970-01-01T00:00:00+00:00"));
        assert_eq!(
            c(1_473_674_400).as_deref(),
            Some("2016-09-12T10:00:00+00:00")
        );
        assert_eq!(c(-86_400).as_deref(), Some("1969-12-31T00:00:00+00:00"));
        assert_eq!(c(951_782_400).as_deref(), Some("2000-02-29T00:00:00+00:00"));
        assert_eq!(c(i64::MAX), None);
    }

    #[test]
    fn odd_text_never_panics() {
        for s in [
            "2016-09-1é",
            "２０１６-09-12",
            "é",
            "1:",
            ":",
            "12:3é",
            "+",
            "GMT+",
        ] {
            let _ = parse_timestamp(s);
            let _ = parse_month_day(s);
            let _ = zone(s);
        }
    }
}
