//! Query-string parameters: each endpoint names the parameters it knows; an unknown or
//! repeated parameter, or a value of the wrong form, is a `bad_parameter` error naming it.
//! Empty values count as absent (an HTML form sends every field).

use crate::error::ApiError;
use std::collections::BTreeMap;

pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// Checks `pairs` (decoded `name=value` pairs in order) against `known`.
    pub fn new(pairs: Vec<(String, String)>, known: &[&str]) -> Result<Params, ApiError> {
        let mut values = BTreeMap::new();
        for (name, value) in pairs {
            if !known.contains(&name.as_str()) {
                let shown: String = name.chars().take(40).collect();
                return Err(ApiError::bad_parameter(if known.is_empty() {
                    format!("unknown parameter {shown:?}: this endpoint takes none")
                } else {
                    format!("unknown parameter {shown:?} (known: {})", known.join(", "))
                }));
            }
            if values.contains_key(&name) {
                return Err(ApiError::bad_parameter(format!(
                    "parameter {name:?} given twice"
                )));
            }
            let value = value.trim().to_string();
            if !value.is_empty() {
                values.insert(name, value);
            }
        }
        Ok(Params { values })
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    /// A comma-separated list (`cue_class=speech,writing`), empty when not given.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.values
            .get(name)
            .map_or_else(Vec::new, |v| verbatim_store::split_list(v))
    }

    /// An integer in `min..=max`, if given.
    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let Some(v) = self.values.get(name) else {
            return Ok(None);
        };
        match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => {
                let shown: String = v.chars().take(40).collect();
                Err(ApiError::bad_parameter(format!(
                    "{name} {shown:?}: expected an integer from {min} to {max}"
                )))
            }
        }
    }

    /// A number from 0 to 1 (a confidence), if given.
    pub fn fraction(&self, name: &str) -> Result<Option<f64>, ApiError> {
        let Some(v) = self.values.get(name) else {
            return Ok(None);
        };
        match v.parse::<f64>() {
            Ok(x) if (0.0..=1.0).contains(&x) => Ok(Some(x)),
            _ => {
                let shown: String = v.chars().take(40).collect();
                Err(ApiError::bad_parameter(format!(
                    "{name} {shown:?}: expected a number from 0 to 1 (e.g. 0.8)"
                )))
            }
        }
    }

    /// One of `choices`, if given.
    pub fn choice(&self, name: &str, choices: &[&str]) -> Result<Option<String>, ApiError> {
        match self.values.get(name) {
            None => Ok(None),
            Some(v) if choices.contains(&v.as_str()) => Ok(Some(v.clone())),
            Some(v) => {
                let shown: String = v.chars().take(40).collect();
                Err(ApiError::bad_parameter(format!(
                    "{name} {shown:?}: expected one of {}",
                    choices.join(", ")
                )))
            }
        }
    }

    /// `limit` (1..=max, default `default`) and `offset` (0.., default 0).
    pub fn paging(&self, default: u64, max: u64) -> Result<(u64, u64), ApiError> {
        let limit = self
            .int("limit", 1, max.min(i64::MAX as u64) as i64)?
            .map_or(default, |n| n as u64);
        let offset = self.int("offset", 0, i64::MAX)?.unwrap_or(0) as u64;
        Ok((limit, offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &[(&str, &str)], known: &[&str]) -> Result<Params, ApiError> {
        let pairs = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Params::new(pairs, known)
    }

    fn check_paging(query: &[(&str, &str)], expected: Result<(u64, u64), &str>) {
        let got = params(query, &["limit", "offset"]).and_then(|p| p.paging(20, 500));
        match (got, expected) {
            (Ok(g), Ok(w)) => assert_eq!(g, w, "{query:?}"),
            (Err(e), Err(part)) => assert!(e.message.contains(part), "{query:?}: {}", e.message),
            (g, w) => panic!("{query:?}: got {g:?}, want {w:?}"),
        }
    }

    #[test]
    fn paging_is_checked() {
        check_paging(&[], Ok((20, 0)));
        check_paging(&[("limit", "5")], Ok((5, 0)));
        check_paging(&[("limit", "500"), ("offset", "40")], Ok((500, 40)));
        check_paging(&[("limit", "")], Ok((20, 0)));
        check_paging(&[("limit", " 7 ")], Ok((7, 0)));
        check_paging(
            &[("limit", "0")],
            Err("limit \"0\": expected an integer from 1 to 500"),
        );
        check_paging(&[("limit", "501")], Err("from 1 to 500"));
        check_paging(&[("limit", "abc")], Err("limit \"abc\""));
        check_paging(&[("limit", "1e3")], Err("limit"));
        check_paging(&[("offset", "-1")], Err("offset \"-1\""));
        check_paging(&[("offset", "99999999999999999999")], Err("offset"));
        check_paging(&[("limit", "1"), ("limit", "2")], Err("given twice"));
        check_paging(
            &[("lim", "1")],
            Err("unknown parameter \"lim\" (known: limit, offset)"),
        );
    }

    #[test]
    fn fractions_are_numbers_from_0_to_1() {
        let p = params(&[("c", "0.8"), ("d", "1")], &["c", "d", "e"]).unwrap();
        assert_eq!(p.fraction("c").unwrap(), Some(0.8));
        assert_eq!(p.fraction("d").unwrap(), Some(1.0));
        assert_eq!(p.fraction("e").unwrap(), None);
        for bad in ["1.5", "-0.1", "high", "NaN"] {
            let p = params(&[("c", bad)], &["c"]).unwrap();
            let e = p.fraction("c").unwrap_err();
            assert!(e.message.contains("expected a number from 0 to 1"), "{bad}");
        }
    }

    #[test]
    fn choices_and_texts() {
        let p = params(&[("sort", "date"), ("q", "  <b> ")], &["sort", "q", "x"]).unwrap();
        assert_eq!(
            p.choice("sort", &["date", "relevance"]).unwrap(),
            Some("date".into())
        );
        assert_eq!(p.text("q"), Some("<b>".into()));
        assert_eq!(p.text("x"), None);
        let p = params(&[("sort", "best")], &["sort"]).unwrap();
        let e = p.choice("sort", &["date", "relevance"]).unwrap_err();
        assert_eq!(e.message, "sort \"best\": expected one of date, relevance");
        let e = params(&[("a", "1")], &[]).err().unwrap();
        assert!(e.message.contains("takes none"));
    }
}
