//! The counters and metrics of score.py, ported one for one (see its docstring for the
//! definitions; the comments here name score.py's sections).

use super::predictions::PredDoc;
use super::tokens::{TokenMap, TokenSet};
use crate::corpus::{GoldAttribution, GoldDoc};
use serde::Serialize;
use std::collections::BTreeMap;

/// The roles, in score.py's order.
pub const ROLES: [&str; 3] = ["source", "cue", "content"];
const SOURCE: usize = 0;
const CUE: usize = 1;
const CONTENT: usize = 2;

/// The metric families of the table, with score.py's key prefix.
pub const FAMILIES: [&str; 4] = ["exact", "overlap", "spanovl", "token"];

/// Characters that make a gold content a direct-quote candidate.
const DQUOTES: [char; 8] = [
    '"', '\u{201c}', '\u{201d}', '\u{201e}', '\u{201f}', '\u{ab}', '\u{bb}', '\u{2033}',
];

/// Precision, recall and F1, as fractions in `[0, 1]` (score.py's `(P, R, F)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// score.py's `prf_counts`: a zero denominator gives 0.
    pub fn from_counts(tp_pred: u64, n_pred: u64, tp_gold: u64, n_gold: u64) -> Prf {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp_pred, n_pred);
        let recall = ratio(tp_gold, n_gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// The scores of a corpus: score.py's counters (only those it would have touched, so the
/// `counts` object of [`Scores::to_json`] has the same keys) and the warnings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    counts: BTreeMap<String, u64>,
    warnings: Vec<String>,
}

impl Scores {
    /// Every metric key [`Scores::get`] knows, in table order.
    pub fn metric_names() -> Vec<String> {
        let mut names = Vec::new();
        for family in FAMILIES {
            for role in ROLES.iter().chain(&["all"]) {
                names.push(format!("{family}/{role}"));
            }
        }
        names.push("attribution/cue+content".into());
        names.push("attribution/+source".into());
        names
    }

    /// A counter by score.py's name (`"ex_cue_tp"`, `"gold_attr"`, ...); 0 when untouched.
    pub fn count(&self, key: &str) -> u64 {
        self.counts.get(key).copied().unwrap_or(0)
    }

    /// All counters that score.py would have set.
    pub fn counts(&self) -> &BTreeMap<String, u64> {
        &self.counts
    }

    pub fn n_gold(&self) -> u64 {
        self.count("gold_attr")
    }

    pub fn n_pred(&self) -> u64 {
        self.count("pred_attr")
    }

    /// The number of gold attributions whose content holds or touches a double quote mark.
    pub fn n_quoted_gold(&self) -> u64 {
        self.count("q_gold")
    }

    /// Attribution-level recall on the quoted gold subset; `plus_source` also requires the
    /// sources to match.
    pub fn quoted_recall(&self, plus_source: bool) -> f64 {
        let matched = self.count(if plus_source {
            "q_att_src_tpg"
        } else {
            "q_att_tpg"
        });
        match self.n_quoted_gold() {
            0 => 0.0,
            n => matched as f64 / n as f64,
        }
    }

    /// A metric by score.py's key: `"{exact,overlap,spanovl,token}/{source,cue,content,all}"`,
    /// `"attribution/cue+content"` or `"attribution/+source"`.
    pub fn get(&self, metric: &str) -> Option<Prf> {
        let c = |key: String| self.count(&key);
        let (family, role) = metric.split_once('/')?;
        if family == "attribution" {
            let (tpp, tpg) = match role {
                "cue+content" => ("att_tpp", "att_tpg"),
                "+source" => ("att_src_tpp", "att_src_tpg"),
                _ => return None,
            };
            return Some(Prf::from_counts(
                self.count(tpp),
                self.n_pred(),
                self.count(tpg),
                self.n_gold(),
            ));
        }
        if !(ROLES.contains(&role) || role == "all") {
            return None;
        }
        let roles: &[&str] = if role == "all" { &ROLES } else { &[role] };
        let total = |pattern: &dyn Fn(&str) -> String| -> u64 {
            roles.iter().map(|r| c(pattern(r))).sum::<u64>()
        };
        let prf = match family {
            "exact" => {
                let tp = c(format!("ex_{role}_tp"));
                let fn_ = c(format!("ex_{role}_fn"));
                Prf::from_counts(tp, self.n_pred(), tp, tp + fn_)
            }
            "overlap" => {
                let o = total(&|r| format!("ov_{r}_o"));
                let plen = total(&|r| format!("ov_{r}_plen"));
                let glen = total(&|r| format!("ov_{r}_glen"));
                Prf::from_counts(o, plen, o, glen)
            }
            "spanovl" => Prf::from_counts(
                total(&|r| format!("so_{r}_tpp")),
                total(&|r| format!("so_{r}_np")),
                total(&|r| format!("so_{r}_tpg")),
                total(&|r| format!("so_{r}_ng")),
            ),
            "token" => {
                let tp = total(&|r| format!("tok_{r}_tp"));
                let np = total(&|r| format!("tok_{r}_np"));
                let ng = total(&|r| format!("tok_{r}_ng"));
                Prf::from_counts(tp, np, tp, ng)
            }
            _ => return None,
        };
        Some(prf)
    }

    /// A single number per key, for baselines: the F1 of a [`Scores::get`] metric, or a
    /// quoted-subset recall (`"quoted_subset/recall_cue+content"`,
    /// `"quoted_subset/recall_+source"`). A fraction in `[0, 1]`.
    pub fn value(&self, metric: &str) -> Option<f64> {
        match metric {
            "quoted_subset/recall_cue+content" => Some(self.quoted_recall(false)),
            "quoted_subset/recall_+source" => Some(self.quoted_recall(true)),
            _ => self.get(metric).map(|prf| prf.f1),
        }
    }

    /// Messages about the inputs, without the `warning: ` prefix score.py prints.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The table score.py prints (without a title), lines joined by `\n`, no final newline.
    pub fn table(&self) -> String {
        let mut lines = Vec::new();
        lines.push(format!(
            "gold attributions: {}   predicted: {}",
            self.n_gold(),
            self.n_pred()
        ));
        let header = format!(
            "{:8} | {:>7} {:>5} {:>5} | {:>9} {:>5} {:>5} | {:>10} {:>5} {:>5} | {:>7} {:>5} {:>5}",
            "role",
            "exact P",
            "R",
            "F1",
            "overlap P",
            "R",
            "F1",
            "span-ovl P",
            "R",
            "F1",
            "token P",
            "R",
            "F1"
        );
        let width = header.chars().count();
        lines.push(header);
        lines.push("-".repeat(width));
        for role in ROLES.iter().chain(&["all"]) {
            let cells: Vec<String> = FAMILIES
                .iter()
                .zip([7, 9, 10, 7])
                .map(|(family, w)| {
                    let prf = self.get(&format!("{family}/{role}")).unwrap_or_default();
                    format!(
                        "{:w$.1} {:5.1} {:5.1}",
                        100.0 * prf.precision,
                        100.0 * prf.recall,
                        100.0 * prf.f1
                    )
                })
                .collect();
            lines.push(format!("{role:8} | {}", cells.join(" | ")));
        }
        lines.push(String::new());
        for key in ["attribution/cue+content", "attribution/+source"] {
            let prf = self.get(key).unwrap_or_default();
            lines.push(format!(
                "{key:26} P {:5.1}  R {:5.1}  F1 {:5.1}",
                100.0 * prf.precision,
                100.0 * prf.recall,
                100.0 * prf.f1
            ));
        }
        lines.push(format!(
            "quoted-content gold subset (n={}): recall cue+content {:.1}, +source {:.1}",
            self.n_quoted_gold(),
            100.0 * self.quoted_recall(false),
            100.0 * self.quoted_recall(true)
        ));
        lines.join("\n")
    }

    /// The object score.py's `--json` writes: `[P, R, F]` per metric key, the attribution
    /// counts, the quoted subset and `counts`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("n_gold_attributions".into(), self.n_gold().into());
        out.insert("n_pred_attributions".into(), self.n_pred().into());
        for name in Self::metric_names() {
            let prf = self.get(&name).unwrap_or_default();
            out.insert(name, serde_json::json!([prf.precision, prf.recall, prf.f1]));
        }
        out.insert("quoted_subset/n_gold".into(), self.n_quoted_gold().into());
        out.insert(
            "quoted_subset/recall_cue+content".into(),
            self.quoted_recall(false).into(),
        );
        out.insert(
            "quoted_subset/recall_+source".into(),
            self.quoted_recall(true).into(),
        );
        out.insert(
            "counts".into(),
            serde_json::to_value(&self.counts).unwrap_or_default(),
        );
        serde_json::Value::Object(out)
    }

    /// score.py's `c[key] += n`: the key exists from then on, even when `n` is 0.
    fn add(&mut self, key: String, n: u64) {
        *self.counts.entry(key).or_insert(0) += n;
    }
}

/// One attribution as token sets, indexed by [`ROLES`].
type Roles = [TokenSet; 3];

/// A test on a (predicted, gold) pair.
type RolesTest = dyn Fn(&Roles, &Roles) -> bool;

fn to_roles(attribution: &GoldAttribution, map: &TokenMap) -> Roles {
    [
        map.token_set(&attribution.source),
        map.token_set(&attribution.cue),
        map.token_set(&attribution.content),
    ]
}

/// A gold content with a double quote mark inside it or right next to it: score.py's
/// `text[max(0, s - 1):e + 1]` on the raw (not token-snapped) pieces.
fn is_quoted(attribution: &GoldAttribution, chars: &[char]) -> bool {
    attribution.content.iter().any(|&[start, end]| {
        let from = start.saturating_sub(1).min(chars.len());
        let to = end.saturating_add(1).min(chars.len());
        from < to && chars[from..to].iter().any(|c| DQUOTES.contains(c))
    })
}

/// Scores predictions against gold, exactly as score.py does: articles are matched by id
/// (for repeated ids the last line wins), gold articles without predictions count as
/// predicting nothing, predicted articles not in gold are ignored; both are warned about,
/// as is a predicted text that differs from the gold text.
pub fn score(gold: &[GoldDoc], pred: &[PredDoc]) -> Scores {
    // dict semantics: first position, last value
    let mut gold_order: Vec<&str> = Vec::new();
    let mut gold_by_id: BTreeMap<&str, &GoldDoc> = BTreeMap::new();
    for doc in gold {
        if gold_by_id.insert(&doc.id, doc).is_none() {
            gold_order.push(&doc.id);
        }
    }
    let pred_by_id: BTreeMap<&str, &PredDoc> =
        pred.iter().map(|doc| (doc.id.as_str(), doc)).collect();

    let mut scores = Scores::default();
    let extra = pred_by_id
        .keys()
        .filter(|id| !gold_by_id.contains_key(*id))
        .count();
    if extra > 0 {
        scores
            .warnings
            .push(format!("{extra} predicted articles not in gold (ignored)"));
    }
    let missing = gold_order
        .iter()
        .filter(|id| !pred_by_id.contains_key(*id))
        .count();
    if missing > 0 {
        scores.warnings.push(format!(
            "{missing} gold articles have no prediction line (scored as empty)"
        ));
    }
    for id in gold_order {
        let gold_doc = gold_by_id[id];
        let pred_doc = pred_by_id.get(id);
        if let Some(text) = pred_doc.and_then(|p| p.text.as_ref()) {
            if *text != gold_doc.text {
                scores
                    .warnings
                    .push(format!("text of {id} differs between gold and pred"));
            }
        }
        let chars: Vec<char> = gold_doc.text.chars().collect();
        let map = TokenMap::new(&gold_doc.text);
        let gold_roles: Vec<Roles> = gold_doc
            .attributions
            .iter()
            .map(|a| to_roles(a, &map))
            .collect();
        let quoted: Vec<bool> = gold_doc
            .attributions
            .iter()
            .map(|a| is_quoted(a, &chars))
            .collect();
        let pred_roles: Vec<Roles> = pred_doc
            .map(|p| p.attributions.iter().map(|a| to_roles(a, &map)).collect())
            .unwrap_or_default();
        add_doc(&mut scores, &gold_roles, &quoted, &pred_roles);
    }
    scores
}

/// score.py's `match`: cue and content overlap, and with `with_source` the sources overlap
/// or are both empty.
fn matches(p: &Roles, g: &Roles, with_source: bool) -> bool {
    if !(p[CUE].intersects(&g[CUE]) && p[CONTENT].intersects(&g[CONTENT])) {
        return false;
    }
    !with_source
        || p[SOURCE].intersects(&g[SOURCE])
        || (p[SOURCE].is_empty() && g[SOURCE].is_empty())
}

/// score.py's `Scorer.add_doc`. Each counter is added once per document, and only when
/// score.py's loop would have touched it.
fn add_doc(scores: &mut Scores, gold: &[Roles], quoted: &[bool], pred: &[Roles]) {
    let count = |n: usize| n as u64;
    let some_pred = !pred.is_empty();
    let some_gold = !gold.is_empty();
    let mut add_if = |touched: bool, key: String, n: u64| {
        if touched {
            scores.add(key, n);
        }
    };
    add_if(true, "gold_attr".into(), count(gold.len()));
    add_if(true, "pred_attr".into(), count(pred.len()));

    // (a) exact, Citron style
    let cue_equal = |p: &Roles, g: &Roles| p[CUE] == g[CUE];
    let role_equal =
        |r: usize| move |p: &Roles, g: &Roles| p[CUE].intersects(&g[CUE]) && p[r] == g[r];
    let all_equal = |p: &Roles, g: &Roles| p == g;
    let exact_tests: [(&str, &RolesTest); 4] = [
        ("cue", &cue_equal),
        ("source", &role_equal(SOURCE)),
        ("content", &role_equal(CONTENT)),
        ("all", &all_equal),
    ];
    for (name, equal) in exact_tests {
        let tp = pred
            .iter()
            .filter(|p| gold.iter().any(|g| equal(p, g)))
            .count();
        let fn_ = gold
            .iter()
            .filter(|g| !pred.iter().any(|p| equal(p, g)))
            .count();
        add_if(some_pred, format!("ex_{name}_tp"), count(tp));
        add_if(some_gold, format!("ex_{name}_fn"), count(fn_));
    }

    // (b) overlap, Citron style: sums over all pairs
    for (r, name) in ROLES.iter().enumerate() {
        let o: usize = pred
            .iter()
            .flat_map(|p| gold.iter().map(move |g| p[r].intersection_len(&g[r])))
            .sum();
        add_if(true, format!("ov_{name}_o"), count(o));
        let plen: usize = pred.iter().map(|p| p[r].len()).sum();
        add_if(true, format!("ov_{name}_plen"), count(plen));
        let glen: usize = gold.iter().map(|g| g[r].len()).sum();
        add_if(true, format!("ov_{name}_glen"), count(glen));
    }

    // (s) span-overlap match
    for (r, name) in ROLES.iter().enumerate() {
        let pred_with: Vec<&Roles> = pred.iter().filter(|p| !p[r].is_empty()).collect();
        let tpp = pred_with
            .iter()
            .filter(|p| gold.iter().any(|g| p[r].intersects(&g[r])))
            .count();
        add_if(
            !pred_with.is_empty(),
            format!("so_{name}_np"),
            count(pred_with.len()),
        );
        add_if(!pred_with.is_empty(), format!("so_{name}_tpp"), count(tpp));
        let gold_with: Vec<&Roles> = gold.iter().filter(|g| !g[r].is_empty()).collect();
        let tpg = gold_with
            .iter()
            .filter(|g| pred.iter().any(|p| p[r].intersects(&g[r])))
            .count();
        add_if(
            !gold_with.is_empty(),
            format!("so_{name}_ng"),
            count(gold_with.len()),
        );
        add_if(!gold_with.is_empty(), format!("so_{name}_tpg"), count(tpg));
    }

    // (c) token labelling
    for (r, name) in ROLES.iter().enumerate() {
        let gold_tokens = TokenSet::union(gold.iter().map(|g| &g[r]));
        let pred_tokens = TokenSet::union(pred.iter().map(|p| &p[r]));
        add_if(
            true,
            format!("tok_{name}_tp"),
            count(pred_tokens.intersection_len(&gold_tokens)),
        );
        add_if(true, format!("tok_{name}_np"), count(pred_tokens.len()));
        add_if(true, format!("tok_{name}_ng"), count(gold_tokens.len()));
    }

    // (d) attribution level, not one-to-one
    let tpp = |src: bool| {
        pred.iter()
            .filter(|p| gold.iter().any(|g| matches(p, g, src)))
            .count()
    };
    add_if(some_pred, "att_tpp".into(), count(tpp(false)));
    add_if(some_pred, "att_src_tpp".into(), count(tpp(true)));
    let (mut tpg, mut src_tpg, mut q_gold, mut q_tpg, mut q_src_tpg) = (0, 0, 0, 0, 0);
    for (g, &is_quoted) in gold.iter().zip(quoted) {
        let m1 = pred.iter().any(|p| matches(p, g, false));
        let m2 = pred.iter().any(|p| matches(p, g, true));
        tpg += m1 as usize;
        src_tpg += m2 as usize;
        if is_quoted {
            q_gold += 1;
            q_tpg += m1 as usize;
            q_src_tpg += m2 as usize;
        }
    }
    add_if(some_gold, "att_tpg".into(), count(tpg));
    add_if(some_gold, "att_src_tpg".into(), count(src_tpg));
    add_if(q_gold > 0, "q_gold".into(), count(q_gold));
    add_if(q_gold > 0, "q_att_tpg".into(), count(q_tpg));
    add_if(q_gold > 0, "q_att_src_tpg".into(), count(q_src_tpg));
}

/// Compares scores with a baseline `{"metric": f1_percent, ...}` (keys as for
/// [`Scores::value`]): every metric that fell more than `tolerance_points` below its baseline,
/// and every key that is not a known metric or whose value is not a number, is listed.
pub fn check_baseline(
    scores: &Scores,
    baseline: &serde_json::Value,
    tolerance_points: f64,
) -> Result<(), Vec<String>> {
    let Some(object) = baseline.as_object() else {
        return Err(vec!["baseline is not a JSON object".into()]);
    };
    let mut failures = Vec::new();
    for (metric, expected) in object {
        let Some(expected) = expected.as_f64() else {
            failures.push(format!(
                "{metric}: baseline value {expected} is not a number"
            ));
            continue;
        };
        let Some(value) = scores.value(metric) else {
            failures.push(format!("{metric}: unknown metric"));
            continue;
        };
        let points = 100.0 * value;
        if points < expected - tolerance_points {
            failures.push(format!(
                "{metric}: {points:.1} is {:.1} points below the baseline {expected:.1}",
                expected - points
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}
