//! The quality gate: dev scores of the embedded models against the committed baseline
//! (models/baseline.json). A drop of more than one F1 point fails CI.

use crate::common::{shared, workspace};
use verbatim_core::{corpus, eval, Pipeline};

#[test]
fn dev_scores_stay_within_a_point_of_the_baseline() {
    let Some(shared) = shared("dev_scores_stay_within_a_point_of_the_baseline") else {
        return;
    };
    let dev = corpus::read_jsonl(&shared.join("data/polnear/dev.jsonl")).unwrap();
    let preds = eval::predict(&Pipeline::new(), &dev);
    let scores = eval::score(&dev, &preds);
    let raw = std::fs::read_to_string(workspace().join("models/baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&raw).unwrap();
    if let Err(failures) = eval::check_baseline(&scores, &baseline, 1.0) {
        panic!(
            "dev scores fell below models/baseline.json:\n{}\n\n{}",
            failures.join("\n"),
            scores.table()
        );
    }
}

/// models/cue_classes.tsv states how often each stem keys a cue of train: recount it.
#[test]
fn cue_class_counts_are_trains() {
    use std::collections::HashMap;
    use verbatim_core::attribute::cue_class::{cue_key, table_rows};
    let Some(shared) = shared("cue_class_counts_are_trains") else {
        return;
    };
    let train = corpus::read_jsonl(&shared.join("data/polnear/train.jsonl")).unwrap();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for doc in &train {
        let chars: Vec<char> = doc.text.chars().collect();
        for a in &doc.attributions {
            let pieces: Vec<String> = a
                .cue
                .iter()
                .map(|&[s, e]| chars[s.min(e)..e.min(chars.len())].iter().collect())
                .collect();
            if let Some(key) = cue_key(&pieces.join(" ")) {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    for (stem, class, stated) in table_rows() {
        assert_eq!(
            counts.get(stem).copied().unwrap_or(0),
            stated,
            "{stem} ({class}): train count"
        );
    }
}

/// The committed first-name table is what `verbatim train --task first-names` learns from
/// train, byte for byte.
#[test]
fn first_name_table_is_trains() {
    let Some(shared) = shared("first_name_table_is_trains") else {
        return;
    };
    let train = corpus::read_jsonl(&shared.join("data/polnear/train.jsonl")).unwrap();
    let committed = std::fs::read_to_string(workspace().join("models/first_names.tsv")).unwrap();
    assert!(
        verbatim_core::resolve::learn_first_names(&train) == committed,
        "models/first_names.tsv differs from what train gives: retrain it (models/README.md)"
    );
}

/// models/speaker_confidence.tsv is what `verbatim train --task speaker-confidence` counts on
/// train with the embedded models.
#[test]
fn speaker_confidence_table_is_trains() {
    let Some(shared) = shared("speaker_confidence_table_is_trains") else {
        return;
    };
    let train = corpus::read_jsonl(&shared.join("data/polnear/train.jsonl")).unwrap();
    let judged = std::fs::read_to_string(workspace().join("data/speakers/train.jsonl")).unwrap();
    let judged = eval::read_referents(&judged).unwrap();
    let counted = eval::learn_speaker_confidence(&Pipeline::new(), &train, &judged);
    let committed =
        std::fs::read_to_string(workspace().join("models/speaker_confidence.tsv")).unwrap();
    assert!(
        counted == committed,
        "models/speaker_confidence.tsv differs from what train gives: rerun `verbatim train \
         --task speaker-confidence --out models/` (models/README.md)"
    );
}

/// models/name_breaks.tsv is what `verbatim train --task name-breaks` counts on train.
#[test]
fn name_breaks_are_trains() {
    use verbatim_core::tag::name_breaks::{count_name_breaks, table_rows};
    let Some(shared) = shared("name_breaks_are_trains") else {
        return;
    };
    let train = corpus::read_jsonl(&shared.join("data/polnear/train.jsonl")).unwrap();
    let counted = count_name_breaks(&train);
    let committed = std::fs::read_to_string(workspace().join("models/name_breaks.tsv")).unwrap();
    assert!(
        counted == committed,
        "models/name_breaks.tsv differs from train's counts: rerun `verbatim train --task \
         name-breaks --out models/`"
    );
    assert!(table_rows().count() > 1000);
}
