//! The article-extraction benchmark's body metric (scrapinghub/article-extraction-benchmark),
//! implemented exactly as its README defines it, so numbers compare with published ones.
//!
//! Per page both texts are tokenised as `\w+` runs (Unicode word characters: letters, digits,
//! marks, `_`; case kept) and cut into 4-token shingles (a text of fewer than 4 tokens is one
//! shingle of all its tokens; an empty text has none). With multiset counts, tp = Σ min(true,
//! pred), fp = Σ max(0, pred − true), fn = Σ max(0, true − pred), normalised to sum to 1.
//! Page precision = tp/(tp+fp), recall = tp/(tp+fn), where fp = fn = 0 gives 1 and tp = fp = 0
//! (precision) or tp = fn = 0 (recall) gives 0. The corpus precision is the mean page
//! precision over pages with tp+fp > 0, recall likewise over tp+fn > 0; F1 is the harmonic
//! mean of the two means. Accuracy is the share of pages whose token sequences are identical.
//!
//! ```
//! use verbatim_core::eval::aeb::{page_score, AebScores};
//! let page = page_score("The cat sat on the mat", "The cat sat on the mat");
//! assert_eq!((page.precision, page.recall, page.exact), (Some(1.0), Some(1.0), true));
//! let scores = AebScores::from_pages(&[page]);
//! assert_eq!(scores.f1, 1.0);
//! ```

use std::collections::BTreeMap;

/// `\w+` tokens: maximal runs of alphanumeric characters, marks and `_`.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_mark(c)
}

/// Combining marks in the common blocks (Python's `\w` keeps most of them inside words, e.g.
/// Devanagari vowel signs and decomposed accents).
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957
        | 0x0962..=0x0963 | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x302A..=0x302F
        | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// 4-token shingles with their counts.
pub fn shingles<'a>(tokens: &[&'a str]) -> BTreeMap<Vec<&'a str>, usize> {
    let mut out = BTreeMap::new();
    if tokens.is_empty() {
        return out;
    }
    if tokens.len() < 4 {
        out.insert(tokens.to_vec(), 1);
        return out;
    }
    for w in tokens.windows(4) {
        *out.entry(w.to_vec()).or_insert(0) += 1;
    }
    out
}

/// One page's scores: `None` when the page does not count for that mean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageScore {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    /// The `\w+` token sequences are identical.
    pub exact: bool,
}

/// Scores a predicted body against the true one.
pub fn page_score(truth: &str, pred: &str) -> PageScore {
    let t_tokens = tokens(truth);
    let p_tokens = tokens(pred);
    let t = shingles(&t_tokens);
    let p = shingles(&p_tokens);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (s, &n) in &t {
        let m = p.get(s).copied().unwrap_or(0);
        tp += n.min(m);
        fn_ += n.saturating_sub(m);
    }
    for (s, &m) in &p {
        let n = t.get(s).copied().unwrap_or(0);
        fp += m.saturating_sub(n);
    }
    let total = (tp + fp + fn_) as f64;
    let (tp, fp, fn_) = if total > 0.0 {
        (tp as f64 / total, fp as f64 / total, fn_ as f64 / total)
    } else {
        (0.0, 0.0, 0.0)
    };
    let ratio = |a: f64, b: f64| -> Option<f64> {
        if b == 0.0 && a > 0.0 {
            Some(1.0)
        } else if a + b > 0.0 {
            Some(a / (a + b))
        } else {
            None
        }
    };
    PageScore {
        precision: ratio(tp, fp),
        recall: ratio(tp, fn_),
        exact: t_tokens == p_tokens,
    }
}

/// Corpus-level scores.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AebScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
    pub pages: usize,
}

impl AebScores {
    pub fn from_pages(pages: &[PageScore]) -> AebScores {
        let mean = |xs: Vec<f64>| {
            if xs.is_empty() {
                0.0
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        };
        let precision = mean(pages.iter().filter_map(|p| p.precision).collect());
        let recall = mean(pages.iter().filter_map(|p| p.recall).collect());
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        let accuracy = if pages.is_empty() {
            0.0
        } else {
            pages.iter().filter(|p| p.exact).count() as f64 / pages.len() as f64
        };
        AebScores {
            precision,
            recall,
            f1,
            accuracy,
            pages: pages.len(),
        }
    }
}

/// How often an extracted field agrees with what the page itself shows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Agreement {
    /// Pages that show the reference value.
    pub shown: usize,
    /// Of those, pages where a value was extracted.
    pub extracted: usize,
    /// Of those, pages where it agrees.
    pub agree: usize,
}

/// The benchmark run: body scores, metadata agreement and coverage, speed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AebReport {
    pub body: AebScores,
    /// Pages with no article text found (scored as empty predictions).
    pub failed: usize,
    /// Headline vs the page's `<h1>` (same `\w+` tokens, case ignored).
    pub title_vs_h1: Agreement,
    /// Headline vs the page's `og:title` (same tokens, case ignored, site name cut).
    pub title_vs_og: Agreement,
    /// Published date vs a date in the page's URL (within a day: a UTC time stamp of an
    /// evening story falls on the next day).
    pub date_vs_url: Agreement,
    /// Published date vs the page's JSON-LD `datePublished` / `article:published_time` (same
    /// day; a check of time-zone handling rather than an independent source).
    pub date_vs_declared: Agreement,
    /// Pages with each metadata field found: headline, published, byline, outlet, url.
    pub coverage: [(&'static str, usize); 5],
    /// Seconds spent decoding and extracting (one thread; reading the files excluded).
    pub seconds: f64,
}

/// Runs HTML extraction on the benchmark folder (`ground-truth.json`, `html/ID.html.gz`) and
/// scores it.
#[cfg(feature = "html")]
pub fn evaluate_dir(dir: &std::path::Path) -> Result<AebReport, String> {
    use crate::ingest::html::{self, Declared, HtmlPage};
    use std::io::Read;
    #[derive(serde::Deserialize)]
    struct Truth {
        #[serde(rename = "articleBody")]
        body: String,
        url: Option<String>,
    }
    let gt_path = dir.join("ground-truth.json");
    let gt =
        std::fs::read_to_string(&gt_path).map_err(|e| format!("{}: {e}", gt_path.display()))?;
    let gt: BTreeMap<String, Truth> =
        serde_json::from_str(&gt).map_err(|e| format!("{}: {e}", gt_path.display()))?;
    let mut report = AebReport {
        coverage: [
            ("headline", 0),
            ("published", 0),
            ("byline", 0),
            ("outlet", 0),
            ("url", 0),
        ],
        ..AebReport::default()
    };
    let mut pages = Vec::new();
    let same_tokens = |a: &str, b: &str| {
        let (a, b) = (a.to_lowercase(), b.to_lowercase());
        let (ta, tb) = (tokens(&a), tokens(&b));
        !ta.is_empty() && ta == tb
    };
    let count = |ag: &mut Agreement, reference: bool, found: bool, agree: bool| {
        if reference {
            ag.shown += 1;
            if found {
                ag.extracted += 1;
                ag.agree += usize::from(agree);
            }
        }
    };
    for (id, truth) in &gt {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        flate2::read::MultiGzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let start = std::time::Instant::now();
        let page = HtmlPage {
            bytes,
            origin: path.display().to_string(),
            id: Some(id.clone()),
            url: truth.url.clone(),
            charset: None,
            max_text_bytes: None,
            screen: Default::default(),
        };
        let article = page.to_article();
        report.seconds += start.elapsed().as_secs_f64();
        let (text, meta) = match article {
            Ok(a) => (a.text, a.meta),
            Err(_) => {
                report.failed += 1;
                (String::new(), crate::Meta::default())
            }
        };
        pages.push(page_score(&truth.body, &text));
        let found = [
            meta.headline.is_some(),
            meta.published.is_some(),
            meta.byline.is_some(),
            meta.outlet.is_some(),
            meta.url.is_some(),
        ];
        for (slot, f) in report.coverage.iter_mut().zip(found) {
            slot.1 += usize::from(f);
        }
        let (page_html, _) = html::decode(&page.bytes, None);
        let declared = Declared::scan(&page_html);
        let headline = meta.headline.as_deref().unwrap_or("");
        count(
            &mut report.title_vs_h1,
            declared.h1.is_some(),
            meta.headline.is_some(),
            same_tokens(headline, declared.h1.as_deref().unwrap_or("")),
        );
        let og = declared
            .meta
            .iter()
            .find(|(k, _)| k == "og:title")
            .map(|(_, v)| html::strip_site_name(v, meta.outlet.as_deref()));
        count(
            &mut report.title_vs_og,
            og.is_some(),
            meta.headline.is_some(),
            same_tokens(headline, og.as_deref().unwrap_or("")),
        );
        let day = |t: &crate::Timestamp| (t.year, t.month, t.day);
        let url_day = truth.url.as_deref().and_then(html::url_date);
        let within_a_day = match (meta.published, url_day) {
            (Some(p), Some(u)) => days_apart(&p, &u) <= 1,
            _ => false,
        };
        count(
            &mut report.date_vs_url,
            url_day.is_some(),
            meta.published.is_some(),
            within_a_day,
        );
        let declared_day = html::page_meta(&declared, None).published.filter(|_| {
            declared
                .json_ld
                .iter()
                .any(|v| v.get("datePublished").is_some())
                || declared
                    .meta
                    .iter()
                    .any(|(k, _)| k == "article:published_time")
        });
        count(
            &mut report.date_vs_declared,
            declared_day.is_some(),
            meta.published.is_some(),
            meta.published.map(|t| day(&t)) == declared_day.map(|t| day(&t)),
        );
    }
    report.body = AebScores::from_pages(&pages);
    Ok(report)
}

/// Days between the calendar dates of two time stamps.
pub fn days_apart(a: &crate::Timestamp, b: &crate::Timestamp) -> i64 {
    // Days from civil (Howard Hinnant).
    let days = |t: &crate::Timestamp| {
        let (m, d) = (i64::from(t.month), i64::from(t.day));
        let y = i64::from(t.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe
    };
    (days(a) - days(b)).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(truth: &str, pred: &str, precision: Option<f64>, recall: Option<f64>, exact: bool) {
        let s = page_score(truth, pred);
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        assert!(
            close(s.precision, precision) && close(s.recall, recall) && s.exact == exact,
            "{truth:?} vs {pred:?}: {s:?}"
        );
    }

    #[test]
    fn tokens_are_word_runs() {
        assert_eq!(tokens("Hello, world!"), ["Hello", "world"]);
        assert_eq!(tokens("it's a_b 3.5"), ["it", "s", "a_b", "3", "5"]);
        assert_eq!(tokens("  "), Vec::<&str>::new());
        assert_eq!(tokens("Привет мир"), ["Привет", "мир"]);
        assert_eq!(tokens("नमस्ते"), ["नमस्ते"]);
        assert_eq!(tokens("—x—"), ["x"]);
    }

    #[test]
    fn shingles_of_short_and_long_texts() {
        assert!(shingles(&[]).is_empty());
        let s = shingles(&["a", "b"]);
        assert_eq!(s.into_iter().collect::<Vec<_>>(), [(vec!["a", "b"], 1)]);
        let s = shingles(&["a", "b", "c", "d", "a", "b", "c", "d"]);
        assert_eq!(s.len(), 4);
        assert_eq!(s[&vec!["a", "b", "c", "d"]], 2);
    }

    #[test]
    fn page_scores() {
        let text = "one two three four five six";
        check(text, text, Some(1.0), Some(1.0), true);
        // Punctuation and spacing do not matter.
        check(
            text,
            " one, two; three four five six!",
            Some(1.0),
            Some(1.0),
            true,
        );
        // Nothing predicted: precision undefined, recall 0.
        check(text, "", None, Some(0.0), false);
        // Nothing true, something predicted: precision 0, recall undefined.
        check("", text, Some(0.0), None, false);
        // Both empty: neither counts.
        check("", "", None, None, true);
        // Prediction is half of the truth: 3 true shingles of 6 tokens, 1 predicted of 4.
        check(
            text,
            "one two three four",
            Some(1.0),
            Some(1.0 / 3.0),
            false,
        );
        // Extra boilerplate: 3 true, 5 predicted, all true ones found.
        check(
            text,
            "one two three four five six seven eight",
            Some(0.6),
            Some(1.0),
            false,
        );
        // Disjoint.
        check("a b c d", "e f g h", Some(0.0), Some(0.0), false);
        // Short texts are one shingle.
        check("a b", "a b", Some(1.0), Some(1.0), true);
        check("a b", "a c", Some(0.0), Some(0.0), false);
        // Case is kept.
        check("a b c d", "A b c d", Some(0.0), Some(0.0), false);
    }

    #[test]
    fn days_between_dates() {
        let d = |y, m, day| crate::Timestamp::date(y, m, day).unwrap();
        let check = |a, b, n| assert_eq!(days_apart(&a, &b), n, "{a} {b}");
        check(d(2019, 11, 19), d(2019, 11, 19), 0);
        check(d(2019, 11, 19), d(2019, 11, 20), 1);
        check(d(2019, 12, 31), d(2020, 1, 1), 1);
        check(d(2020, 2, 28), d(2020, 3, 1), 2);
        check(d(2019, 2, 28), d(2019, 3, 1), 1);
        check(d(2000, 1, 1), d(2001, 1, 1), 366);
    }

    #[test]
    fn corpus_means_skip_undefined_pages() {
        let pages = [
            page_score("a b c d", "a b c d"),
            page_score("a b c d", ""),
            page_score("", ""),
        ];
        let s = AebScores::from_pages(&pages);
        assert_eq!(s.precision, 1.0);
        assert_eq!(s.recall, 0.5);
        assert!((s.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.accuracy - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.pages, 3);
        assert_eq!(AebScores::from_pages(&[]), AebScores::default());
    }
}
