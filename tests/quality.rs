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
