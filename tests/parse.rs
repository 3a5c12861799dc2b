//! `verbatim parse`: CoNLL-U that a validity check accepts, on the seed and on every dev
//! article; `eval --task parse` on dev.

use crate::common::{shared, verbatim, workspace};
use verbatim_core::parse::conllu;

const SEED: &str = "../shared/seed/000_590c328a3d7eed25.txt";

#[test]
fn seed_conllu_is_valid() {
    let path = workspace().join(SEED);
    let Ok(seed) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipping seed_conllu_is_valid: {} not found",
            path.display()
        );
        return;
    };
    let out = verbatim(&["parse", SEED], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conllu = String::from_utf8(out.stdout).unwrap();
    assert!(conllu.starts_with("# newdoc id = "), "{conllu}");
    let n = conllu::validate(&conllu, |_| Some(seed.clone())).unwrap();
    assert!(n >= 10, "{n} sentences");
    // The lead's reporting verb heads its clause: "Trump ... said he has".
    let said = conllu
        .lines()
        .find(|l| l.split('\t').nth(1) == Some("said"))
        .expect("a said token");
    assert_eq!(said.split('\t').nth(4), Some("VBD"), "{said}");
}

#[test]
fn dev_conllu_is_valid_and_parse_scores() {
    let Some(shared) = shared("dev_conllu_is_valid_and_parse_scores") else {
        return;
    };
    let dev = shared.join("data/polnear/dev.jsonl");
    let docs = verbatim_core::corpus::read_jsonl(&dev).unwrap();
    let out = verbatim(&["parse", "--jobs", "2", dev.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conllu = String::from_utf8(out.stdout).unwrap();
    let text_of = |id: &str| docs.iter().find(|d| d.id == id).map(|d| d.text.clone());
    let n = conllu::validate(&conllu, text_of).unwrap();
    assert!(n > 2500, "{n} sentences");
    assert_eq!(conllu.matches("# newdoc id = ").count(), docs.len());
    let out = verbatim(
        &["eval", "--task", "parse", "--gold", dev.to_str().unwrap()],
        None,
    );
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let uas: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let las: f64 = line.split_whitespace().nth(3).unwrap().parse().unwrap();
    // The committed model's dev scores (models/README.md), within a point.
    assert!(uas >= 83.0 && las >= 80.5, "{line}");
}
