//! Evaluation: scores predicted attributions against gold in the PolNeAR JSONL format, with
//! exactly the definitions of the project's reference scorer `shared/tools/score.py`.
//!
//! [`read_predictions`] reads `verbatim extract` output (or any JSONL with `id` and
//! `attributions`), [`score`] compares it with [`crate::corpus::GoldDoc`]s and returns
//! [`Scores`]: per role exact / overlap / span-overlap / token P, R, F1 and attribution-level
//! F1 under score.py's keys, its table and its `--json` object. [`check_baseline`] compares
//! F1 values with a committed baseline.
//!
//! ```
//! use verbatim_core::corpus::{GoldAttribution, GoldDoc};
//! use verbatim_core::eval::{score, PredDoc};
//! let attribution = GoldAttribution { source: vec![[0, 5]], cue: vec![[6, 10]], content: vec![[11, 17]] };
//! let gold = GoldDoc {
//!     id: "a".into(), text: "Alice said taxes rise.".into(), attributions: vec![attribution.clone()],
//!     corenlp: None, publisher: None, date: None, title: None, author: None,
//! };
//! let pred = PredDoc { id: "a".into(), text: None, attributions: vec![attribution] };
//! let scores = score(&[gold], &[pred]);
//! assert_eq!(scores.get("exact/all").unwrap().f1, 1.0);
//! ```

pub mod aeb;
mod predictions;
mod scorer;
mod speakers;
pub mod tokens;
mod unicode_table;

pub use predictions::{parse_prediction, predict, read_predictions, PredDoc};
pub use scorer::{check_baseline, score, Prf, Scores, FAMILIES, ROLES};
pub use speakers::{
    evaluate_speakers, learn_speaker_confidence, predicted_sources, read_referents, same_name,
    score_referents, silver_referents, PredSource, PredSources, ReferentItem, ReferentOutcome,
    ReferentScore, SourceForm, SpeakerCase, SpeakerEval,
};

/// `a` as a percentage of `b` (0 when `b` is 0).
pub(crate) fn percent(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{GoldAttribution, GoldDoc};

    const TEXT: &str = "Alice said \"we will win\". Bob thinks taxes rise.";

    fn attr(source: &[[usize; 2]], cue: &[[usize; 2]], content: &[[usize; 2]]) -> GoldAttribution {
        GoldAttribution {
            source: source.to_vec(),
            cue: cue.to_vec(),
            content: content.to_vec(),
        }
    }

    fn gold_doc(id: &str, text: &str, attributions: Vec<GoldAttribution>) -> GoldDoc {
        GoldDoc {
            id: id.into(),
            text: text.into(),
            attributions,
            corenlp: None,
            publisher: None,
            date: None,
            title: None,
            author: None,
        }
    }

    fn pred_doc(id: &str, attributions: Vec<GoldAttribution>) -> PredDoc {
        PredDoc {
            id: id.into(),
            text: None,
            attributions,
        }
    }

    /// test_score.py's GOLD: G1 (content in two pieces), G2.
    fn toy_gold() -> Vec<GoldAttribution> {
        vec![
            attr(&[[0, 5]], &[[6, 10]], &[[12, 14], [15, 23]]),
            attr(&[[26, 29]], &[[30, 36]], &[[37, 47]]),
        ]
    }

    /// test_score.py's PRED: P1 content with quote marks, P2 wrong source, P3 spurious.
    fn toy_pred() -> Vec<GoldAttribution> {
        vec![
            attr(&[[0, 5]], &[[6, 10]], &[[11, 24]]),
            attr(&[[37, 42]], &[[30, 36]], &[[43, 48]]),
            attr(&[[26, 29]], &[[0, 5]], &[[6, 10]]),
        ]
    }

    fn score_toy(gold: Vec<GoldAttribution>, pred: Option<Vec<GoldAttribution>>) -> Scores {
        let pred: Vec<PredDoc> = pred.into_iter().map(|p| pred_doc("d", p)).collect();
        score(&[gold_doc("d", TEXT, gold)], &pred)
    }

    fn check(scores: &Scores, metric: &str, precision: f64, recall: f64) {
        let got = scores.get(metric).unwrap_or_else(|| panic!("no {metric}"));
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            close(got.precision, precision) && close(got.recall, recall) && close(got.f1, f1),
            "{metric}: got {got:?}, expected P {precision} R {recall} F {f1}"
        );
    }

    #[test]
    fn toy() {
        let s = score_toy(toy_gold(), Some(toy_pred()));
        check(&s, "exact/cue", 2.0 / 3.0, 1.0);
        check(&s, "exact/source", 1.0 / 3.0, 1.0 / 2.0);
        check(&s, "exact/content", 0.0, 0.0);
        check(&s, "exact/all", 0.0, 0.0);
        check(&s, "overlap/source", 2.0 / 3.0, 1.0);
        check(&s, "overlap/cue", 2.0 / 3.0, 1.0);
        check(&s, "overlap/content", 4.0 / 8.0, 4.0 / 5.0);
        check(&s, "overlap/all", 8.0 / 14.0, 8.0 / 9.0);
        for role in ["source", "cue", "content", "all"] {
            check(&s, &format!("spanovl/{role}"), 2.0 / 3.0, 1.0);
        }
        check(&s, "token/source", 2.0 / 3.0, 1.0);
        check(&s, "token/cue", 2.0 / 3.0, 1.0);
        check(&s, "token/content", 4.0 / 8.0, 4.0 / 5.0);
        check(&s, "token/all", 8.0 / 14.0, 8.0 / 9.0);
        check(&s, "attribution/cue+content", 2.0 / 3.0, 1.0);
        check(&s, "attribution/+source", 1.0 / 3.0, 1.0 / 2.0);
        assert_eq!(s.n_quoted_gold(), 1);
        assert_eq!(s.quoted_recall(false), 1.0);
        assert_eq!(s.quoted_recall(true), 1.0);
        assert_eq!((s.n_gold(), s.n_pred()), (2, 3));
        assert!(s.warnings().is_empty());
    }

    #[test]
    fn exact_content_piece_merge() {
        // one predicted span equal in tokens to the two gold pieces is an exact match
        let s = score_toy(
            toy_gold(),
            Some(vec![attr(&[[0, 5]], &[[6, 10]], &[[12, 23]])]),
        );
        check(&s, "exact/content", 1.0, 0.5);
        check(&s, "exact/all", 1.0, 0.5);
        // whitespace-only differences do not matter, a quote mark does
        let s = score_toy(
            toy_gold(),
            Some(vec![attr(&[[0, 6]], &[[5, 11]], &[[12, 24]])]),
        );
        check(&s, "exact/source", 1.0, 0.5);
        check(&s, "exact/cue", 1.0, 0.5);
        check(&s, "exact/content", 0.0, 0.0);
    }

    #[test]
    fn overlap_double_count() {
        // a duplicated gold attribution doubles Citron's overlap, not the token F1
        let gold = vec![toy_gold()[0].clone(), toy_gold()[0].clone()];
        let s = score_toy(gold, Some(vec![toy_pred()[0].clone()]));
        check(&s, "overlap/source", 2.0, 1.0);
        check(&s, "token/source", 1.0, 1.0);
    }

    #[test]
    fn empty_prediction() {
        let s = score_toy(toy_gold(), None);
        check(&s, "exact/cue", 0.0, 0.0);
        check(&s, "token/all", 0.0, 0.0);
        check(&s, "attribution/cue+content", 0.0, 0.0);
        assert_eq!(
            s.warnings(),
            ["1 gold articles have no prediction line (scored as empty)"]
        );
        let s = score_toy(toy_gold(), Some(vec![]));
        check(&s, "exact/all", 0.0, 0.0);
        assert!(s.warnings().is_empty());
    }

    #[test]
    fn perfect() {
        let s = score_toy(toy_gold(), Some(toy_gold()));
        for metric in Scores::metric_names() {
            check(&s, &metric, 1.0, 1.0);
        }
    }

    #[test]
    fn empty_gold_and_empty_corpus() {
        let s = score_toy(vec![], Some(toy_pred()));
        check(&s, "exact/cue", 0.0, 0.0);
        check(&s, "overlap/all", 0.0, 0.0);
        assert_eq!(s.n_quoted_gold(), 0);
        assert_eq!(s.quoted_recall(true), 0.0);
        let s = score(&[], &[]);
        assert_eq!((s.n_gold(), s.n_pred()), (0, 0));
        for metric in Scores::metric_names() {
            check(&s, &metric, 0.0, 0.0);
        }
        assert!(s.table().contains("gold attributions: 0   predicted: 0"));
    }

    #[test]
    fn empty_roles() {
        // empty == empty counts as exact; an empty source matches an empty source in
        // +source; empty roles never overlap
        let gold = vec![attr(&[], &[[6, 10]], &[[37, 47]])];
        let s = score_toy(gold.clone(), Some(gold.clone()));
        check(&s, "exact/source", 1.0, 1.0);
        check(&s, "attribution/+source", 1.0, 1.0);
        check(&s, "spanovl/source", 0.0, 0.0);
        check(&s, "overlap/source", 0.0, 0.0);
        let s = score_toy(gold, Some(vec![attr(&[[0, 5]], &[[6, 10]], &[[40, 44]])]));
        check(&s, "attribution/cue+content", 1.0, 1.0);
        check(&s, "attribution/+source", 0.0, 0.0);
    }

    #[test]
    fn out_of_range_spans_clamp() {
        // [43, 1000] is "rise." like [43, 48]; [1000, 2000] is empty
        let s = score_toy(
            toy_gold(),
            Some(vec![attr(&[], &[[30, 36]], &[[43, 1000]])]),
        );
        check(&s, "token/content", 1.0 / 2.0, 1.0 / 5.0);
        let s = score_toy(toy_gold(), Some(vec![attr(&[], &[[1000, 2000]], &[])]));
        check(&s, "spanovl/cue", 0.0, 0.0);
        check(&s, "exact/cue", 0.0, 0.0);
    }

    #[test]
    fn quoted_subset() {
        let check_quoted = |text: &str, content: [usize; 2], expected: u64| {
            let gold = vec![attr(&[], &[], &[content])];
            let s = score(&[gold_doc("q", text, gold)], &[]);
            assert_eq!(s.n_quoted_gold(), expected, "{text:?} {content:?}");
        };
        check_quoted("a \"b\" c", [2, 5], 1);
        check_quoted("a \"b\" c", [3, 4], 1); // adjacent marks
        check_quoted("a \u{201c}b\u{201d} c", [3, 4], 1);
        check_quoted("a \"b c", [4, 5], 0);
        check_quoted("\"b", [0, 2], 1);
        check_quoted("b\"", [0, 1], 1);
        check_quoted("b\"", [0, 100], 1);
        check_quoted("a 'b' c", [2, 5], 0);
        check_quoted("a \u{ab}b\u{bb}", [3, 4], 1);
        check_quoted("\"", [5, 9], 0);
    }

    #[test]
    fn doc_matching_and_warnings() {
        let gold = vec![
            gold_doc("a", TEXT, toy_gold()),
            gold_doc("b", TEXT, toy_gold()),
            gold_doc("a", TEXT, vec![toy_gold()[1].clone()]),
        ];
        let mut other_text = pred_doc("b", toy_gold());
        other_text.text = Some("other".into());
        let mut same_text = pred_doc("a", vec![]);
        same_text.text = Some(TEXT.into());
        let pred = vec![
            pred_doc("x", vec![]),
            pred_doc("y", vec![]),
            other_text,
            same_text,
            pred_doc("a", vec![toy_gold()[1].clone()]),
            pred_doc("x", vec![]),
        ];
        let s = score(&gold, &pred);
        // last line wins for repeated ids, in gold and pred
        assert_eq!((s.n_gold(), s.n_pred()), (3, 3));
        check(&s, "exact/all", 1.0, 1.0);
        assert_eq!(
            s.warnings(),
            [
                "2 predicted articles not in gold (ignored)",
                "text of b differs between gold and pred"
            ]
        );
    }

    #[test]
    fn counts_touched_like_python() {
        let s = score_toy(toy_gold(), None);
        let keys: Vec<&str> = s.counts().keys().map(String::as_str).collect();
        assert!(keys.contains(&"ex_cue_fn") && keys.contains(&"so_content_ng"));
        assert!(!keys.contains(&"ex_cue_tp") && !keys.contains(&"so_content_np"));
        assert!(keys.contains(&"q_gold") && keys.contains(&"tok_cue_np"));
        let s = score(&[gold_doc("d", TEXT, vec![])], &[]);
        assert!(!s.counts().contains_key("q_gold") && !s.counts().contains_key("att_tpg"));
        assert_eq!(s.count("ov_cue_o"), 0);
        assert!(s.counts().contains_key("ov_cue_o"));
    }

    #[test]
    fn table_layout() {
        let s = score_toy(toy_gold(), Some(toy_pred()));
        let expected = "\
gold attributions: 2   predicted: 3
role     | exact P     R    F1 | overlap P     R    F1 | span-ovl P     R    F1 | token P     R    F1
-----------------------------------------------------------------------------------------------------
source   |    33.3  50.0  40.0 |      66.7 100.0  80.0 |       66.7 100.0  80.0 |    66.7 100.0  80.0
cue      |    66.7 100.0  80.0 |      66.7 100.0  80.0 |       66.7 100.0  80.0 |    66.7 100.0  80.0
content  |     0.0   0.0   0.0 |      50.0  80.0  61.5 |       66.7 100.0  80.0 |    50.0  80.0  61.5
all      |     0.0   0.0   0.0 |      57.1  88.9  69.6 |       66.7 100.0  80.0 |    57.1  88.9  69.6

attribution/cue+content    P  66.7  R 100.0  F1  80.0
attribution/+source        P  33.3  R  50.0  F1  40.0
quoted-content gold subset (n=1): recall cue+content 100.0, +source 100.0";
        assert_eq!(s.table(), expected);
    }

    #[test]
    fn json_keys() {
        let s = score_toy(toy_gold(), Some(toy_pred()));
        let json = s.to_json();
        let exact_cue = json["exact/cue"].as_array().unwrap();
        assert_eq!(exact_cue.len(), 3);
        assert!((exact_cue[1].as_f64().unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(json["n_gold_attributions"], 2);
        assert_eq!(json["quoted_subset/n_gold"], 1);
        assert_eq!(json["quoted_subset/recall_+source"], 1.0);
        assert_eq!(json["counts"]["ex_cue_tp"], 2);
        assert_eq!(json.as_object().unwrap().len(), 2 + 18 + 3 + 1);
        assert!(s.get("exact/speaker").is_none());
        assert!(s.get("attribution/source").is_none());
        assert!(s.get("exact").is_none());
        assert!(s.get("bogus/cue").is_none());
    }

    #[test]
    fn baseline() {
        let s = score_toy(toy_gold(), Some(toy_pred()));
        let check_baseline_case = |baseline: serde_json::Value, expected: &[&str]| {
            let got = check_baseline(&s, &baseline, 0.5).err().unwrap_or_default();
            assert_eq!(got, expected, "{baseline}");
        };
        // exact/source F1 40.0, token/all 69.6, quoted recall 100
        check_baseline_case(serde_json::json!({}), &[]);
        check_baseline_case(
            serde_json::json!({"exact/source": 40.4, "token/all": 10, "quoted_subset/recall_+source": 100}),
            &[],
        );
        check_baseline_case(
            serde_json::json!({"exact/source": 41.0, "token/all": 70.2, "exact/cue": 80}),
            &[
                "exact/source: 40.0 is 1.0 points below the baseline 41.0",
                "token/all: 69.6 is 0.6 points below the baseline 70.2",
            ],
        );
        check_baseline_case(
            serde_json::json!({"nope/cue": 1, "exact/cue": "high"}),
            &[
                "exact/cue: baseline value \"high\" is not a number",
                "nope/cue: unknown metric",
            ],
        );
        check_baseline_case(serde_json::json!([1]), &["baseline is not a JSON object"]);
    }

    #[test]
    fn odd_text_never_panics() {
        for text in [
            "",
            " ",
            "👍",
            "e\u{301}\u{301}",
            "\u{a0}\u{a0}",
            "a\nb\r\nc",
        ] {
            let n = text.chars().count();
            let a = attr(&[[0, n]], &[[n, n + 3]], &[[n / 2, usize::MAX]]);
            let s = score(
                &[gold_doc("t", text, vec![a.clone()])],
                &[pred_doc("t", vec![a])],
            );
            assert_eq!(s.n_gold(), 1);
            let _ = s.table();
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_and_spans_score(
            text in "\\PC{0,40}",
            spans in proptest::collection::vec((0usize..60, 0usize..60), 0..12),
        ) {
            let attributions: Vec<GoldAttribution> = spans
                .chunks(3)
                .map(|c| {
                    let piece = |i: usize| c.get(i).map(|&(s, e)| vec![[s, e]]).unwrap_or_default();
                    GoldAttribution { source: piece(0), cue: piece(1), content: piece(2) }
                })
                .collect();
            let map = tokens::TokenMap::new(&text);
            proptest::prop_assert_eq!(map.len_chars(), text.chars().count());
            let half = attributions.len() / 2;
            let gold = gold_doc("p", &text, attributions[..half].to_vec());
            let s = score(&[gold], &[pred_doc("p", attributions[half..].to_vec())]);
            for metric in Scores::metric_names() {
                let prf = s.get(&metric).unwrap();
                proptest::prop_assert!((0.0..=1.0).contains(&prf.f1) || metric.starts_with("overlap"));
            }
        }
    }
}
