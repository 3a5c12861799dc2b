//! Speaker resolution on the hand-judged dev sample (eval/speakers-dev-sample.tsv).

use crate::common::{shared, workspace};
use verbatim_core::{corpus, eval, Pipeline};

#[test]
fn hand_judged_sample_keeps_its_accuracy() {
    let Some(shared) = shared("hand_judged_sample_keeps_its_accuracy") else {
        return;
    };
    let dev = corpus::read_jsonl(&shared.join("data/polnear/dev.jsonl")).unwrap();
    let result = eval::evaluate_speakers(&Pipeline::new(), &dev);
    let raw = std::fs::read_to_string(workspace().join("eval/speakers-dev-sample.tsv")).unwrap();
    let judged = eval::read_judged(&raw).unwrap();
    assert_eq!(judged.len(), 100);
    let (correct, n, missing) = eval::judged_accuracy(&result, &judged);
    assert!(
        missing.is_empty(),
        "judged cases no longer among the gold sources: {missing:?}"
    );
    // 80/100 when the sample was judged; a drop below 75 is a regression.
    assert!(
        correct * 100 >= 75 * n,
        "{correct}/{n} judged names correct"
    );
}
