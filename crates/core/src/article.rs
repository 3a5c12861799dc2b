//! The article every input format becomes, with the metadata recognised in it.

use std::fmt;

/// One news article: the exact text every span indexes, and its metadata.
///
/// **Invariant:** no stage rewrites `text`; for plain-text and JSONL input it is the input
/// text itself, unchanged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    /// Stable identifier: the JSONL `id`, else the file stem, else a hash of the text.
    pub id: String,
    pub text: String,
    pub meta: Meta,
    /// Where the article came from, for messages: `path`, `path:line`, or `-` for stdin.
    pub origin: String,
}

/// Article metadata. Every field is `None` unless the input states it or the text shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub headline: Option<String>,
    pub published: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    pub dateline: Option<Dateline>,
    pub byline: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
}

/// A wire-story dateline such as `New York [USA], Mar. 3 (ANI):`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dateline {
    pub place: Option<String>,
    pub date: Option<Timestamp>,
    pub agency: Option<String>,
}

/// A calendar date, optionally with a time of day and a UTC offset.
///
/// Printed as ISO 8601: `2017-03-03`, `2017-08-23T11:20:00` (no zone known) or
/// `2017-08-23T11:20:00+05:30` (RFC 3339; UTC is written `+00:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub time: Option<TimeOfDay>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Minutes east of UTC, when the input gave a zone.
    pub offset_minutes: Option<i32>,
}

impl Timestamp {
    /// A date, if it exists in the proleptic Gregorian calendar.
    pub fn date(year: i32, month: u8, day: u8) -> Option<Timestamp> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Timestamp {
            year,
            month,
            day,
            time: None,
        })
    }

    pub fn with_time(self, time: TimeOfDay) -> Timestamp {
        Timestamp {
            time: Some(time),
            ..self
        }
    }

    /// Parses a date or date-time as ingest reads them (ISO 8601 as printed by `Display`,
    /// and the human forms of news text).
    pub fn parse(s: &str) -> Option<Timestamp> {
        crate::ingest::dates::parse_timestamp(s)
    }

    /// Minutes since 1970-01-01 00:00 UTC, for ordering publications across time zones: a
    /// date alone counts as its midnight, a time without a zone as UTC.
    pub fn utc_minutes(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let clock = self.time.map_or(0, |t| {
            i64::from(t.hour) * 60 + i64::from(t.minute) - i64::from(t.offset_minutes.unwrap_or(0))
        });
        days * 24 * 60 + clock
    }
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if let Some(t) = self.time {
            write!(f, "T{:02}:{:02}:{:02}", t.hour, t.minute, t.second)?;
            if let Some(off) = t.offset_minutes {
                let sign = if off < 0 { '-' } else { '+' };
                let off = off.abs();
                write!(f, "{sign}{:02}:{:02}", off / 60, off % 60)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_as_iso_8601() {
        let d = Timestamp::date(2017, 3, 3).unwrap();
        assert_eq!(d.to_string(), "2017-03-03");
        let t = TimeOfDay {
            hour: 11,
            minute: 20,
            second: 0,
            offset_minutes: Some(330),
        };
        assert_eq!(
            Timestamp::date(2017, 8, 23)
                .unwrap()
                .with_time(t)
                .to_string(),
            "2017-08-23T11:20:00+05:30"
        );
        let t = TimeOfDay {
            offset_minutes: Some(-240),
            ..t
        };
        assert_eq!(d.with_time(t).to_string(), "2017-03-03T11:20:00-04:00");
        let t = TimeOfDay {
            offset_minutes: Some(0),
            ..t
        };
        assert_eq!(d.with_time(t).to_string(), "2017-03-03T11:20:00+00:00");
        let t = TimeOfDay {
            offset_minutes: None,
            ..t
        };
        assert_eq!(d.with_time(t).to_string(), "2017-03-03T11:20:00");
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert!(Timestamp::date(2017, 2, 29).is_none());
        assert!(Timestamp::date(2016, 2, 29).is_some());
        assert!(Timestamp::date(2017, 13, 1).is_none());
        assert!(Timestamp::date(2017, 4, 31).is_none());
    }
}
