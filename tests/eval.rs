//! The scorer agrees with the reference `shared/tools/score.py` on dev, for predictions made
//! from the gold by deterministic perturbations.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use verbatim_core::corpus::{self, GoldAttribution, GoldDoc};
use verbatim_core::eval::{read_predictions, score, Scores};

/// What each perturbation does to one article's attributions (`n` is the attribution's index
/// in the article, `len` the text length in code points).
type Perturb = fn(&GoldDoc, &[GoldAttribution]) -> Vec<Value>;

fn pieces(pieces: &[[usize; 2]]) -> Value {
    json!(pieces)
}

fn attribution(a: &GoldAttribution) -> Value {
    json!({
        "kind": "direct",
        "source": pieces(&a.source),
        "cue": pieces(&a.cue),
        "content": pieces(&a.content),
        "speaker": {"name": "X"},
    })
}

fn same(_: &GoldDoc, attrs: &[GoldAttribution]) -> Vec<Value> {
    attrs.iter().map(attribution).collect()
}

fn drop_every_third(_: &GoldDoc, attrs: &[GoldAttribution]) -> Vec<Value> {
    attrs
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 3 != 2)
        .map(|(_, a)| attribution(a))
        .collect()
}

fn shift_content_ends(_: &GoldDoc, attrs: &[GoldAttribution]) -> Vec<Value> {
    attrs
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let mut a = a.clone();
            for piece in &mut a.content {
                // alternately one char longer and one char shorter
                piece[1] = if n % 2 == 0 {
                    piece[1] + 1
                } else {
                    piece[1].saturating_sub(1)
                };
            }
            attribution(&a)
        })
        .collect()
}

fn empty_every_fifth_source(_: &GoldDoc, attrs: &[GoldAttribution]) -> Vec<Value> {
    attrs
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let mut a = a.clone();
            if n % 5 == 0 {
                a.source.clear();
            }
            attribution(&a)
        })
        .collect()
}

fn add_spurious(doc: &GoldDoc, attrs: &[GoldAttribution]) -> Vec<Value> {
    let len = doc.text.chars().count();
    let mut out = same(doc, attrs);
    // odd offsets on purpose: negative, fractional, past the end, reversed, null role
    out.push(json!({
        "source": [[-3, 4]],
        "cue": [[5.7, 12.2]],
        "content": [[len.saturating_sub(30), len + 10], [len + 20, len + 40], [9, 2]],
    }));
    out.push(json!({"source": null, "cue": [[len / 2, len / 2 + 6]]}));
    out
}

fn swap_cue_content(_: &GoldDoc, attrs: &[GoldAttribution]) -> Vec<Value> {
    attrs
        .iter()
        .map(|a| {
            let mut a = a.clone();
            std::mem::swap(&mut a.cue, &mut a.content);
            attribution(&a)
        })
        .collect()
}

/// Writes one prediction file: every 7th article has no line, the 10th has another text and
/// one line names an article that is not in gold.
fn write_predictions(gold: &[GoldDoc], perturb: Perturb, path: &Path) {
    let mut lines = Vec::new();
    for (n, doc) in gold.iter().enumerate() {
        if n % 7 == 3 {
            continue;
        }
        let text = if n == 10 {
            format!("{} ", doc.text)
        } else {
            doc.text.clone()
        };
        let record = json!({
            "id": doc.id,
            "headline": null,
            "text": text,
            "entities": [],
            "attributions": perturb(doc, &doc.attributions),
        });
        lines.push(record.to_string());
        if n == 0 {
            lines.push(String::new());
        }
    }
    lines.push(json!({"id": "not-in-gold", "attributions": []}).to_string());
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

struct Reference {
    json: Value,
    table: String,
    warnings: Vec<String>,
}

fn run_score_py(score_py: &Path, gold: &Path, pred: &Path, out: &Path) -> Reference {
    let output = Command::new("python3")
        .arg(score_py)
        .arg(gold)
        .arg(pred)
        .arg("--json")
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "score.py failed: {output:?}");
    let json = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    Reference {
        json,
        table: String::from_utf8(output.stdout).unwrap(),
        warnings: String::from_utf8(output.stderr)
            .unwrap()
            .lines()
            .map(String::from)
            .collect(),
    }
}

/// The largest absolute difference between two JSON values of the same shape; a shape
/// mismatch (missing key, other type) is a failure.
fn max_difference(
    ours: &Value,
    reference: &Value,
    key: &str,
    differences: &mut Vec<String>,
) -> f64 {
    match (ours, reference) {
        (Value::Number(a), Value::Number(b)) => (a.as_f64().unwrap() - b.as_f64().unwrap()).abs(),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .map(|(a, b)| max_difference(a, b, key, differences))
            .fold(0.0, f64::max),
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let mut keys_b: Vec<&String> = b.keys().collect();
            keys_b.sort();
            if keys_a != keys_b {
                differences.push(format!("{key}: keys {keys_a:?} vs {keys_b:?}"));
            }
            a.iter()
                .filter_map(|(k, v)| b.get(k).map(|w| max_difference(v, w, k, differences)))
                .fold(0.0, f64::max)
        }
        _ => {
            differences.push(format!("{key}: {ours} vs {reference}"));
            f64::INFINITY
        }
    }
}

fn setup() -> Option<(PathBuf, PathBuf)> {
    let Some(shared) = corpus::find_shared(Path::new(env!("CARGO_MANIFEST_DIR"))) else {
        println!("skipped: no shared/data/polnear folder (set VERBATIM_SHARED)");
        return None;
    };
    let score_py = shared.join("tools/score.py");
    if !score_py.is_file() {
        println!("skipped: {} does not exist", score_py.display());
        return None;
    }
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        println!("skipped: python3 is not on PATH");
        return None;
    }
    Some((shared.join("data/polnear/dev.jsonl"), score_py))
}

#[test]
fn agrees_with_score_py_on_dev() {
    let Some((dev_path, score_py)) = setup() else {
        return;
    };
    let gold = corpus::read_jsonl(&dev_path).unwrap();
    let dir = std::env::temp_dir().join(format!("verbatim-eval-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let perturbations: [(&str, Perturb); 6] = [
        ("gold", same),
        ("drop-every-third", drop_every_third),
        ("shift-content-ends", shift_content_ends),
        ("empty-every-fifth-source", empty_every_fifth_source),
        ("add-spurious", add_spurious),
        ("swap-cue-content", swap_cue_content),
    ];
    let mut overall: f64 = 0.0;
    for (name, perturb) in perturbations {
        let pred_path = dir.join(format!("{name}.jsonl"));
        write_predictions(&gold, perturb, &pred_path);
        let file = std::fs::File::open(&pred_path).unwrap();
        let pred = read_predictions(std::io::BufReader::new(file), name).unwrap();
        let scores: Scores = score(&gold, &pred);
        let reference = run_score_py(&score_py, &dev_path, &pred_path, &dir.join("out.json"));

        let mut differences = Vec::new();
        let diff = max_difference(&scores.to_json(), &reference.json, name, &mut differences);
        assert!(differences.is_empty(), "{name}: {differences:#?}");
        assert!(diff <= 0.001, "{name}: max difference {diff}");
        // the counters are integers: they must be equal
        assert_eq!(
            scores.to_json()["counts"],
            reference.json["counts"],
            "{name}"
        );
        for metric in Scores::metric_names() {
            let prf = scores.get(&metric).unwrap();
            let expected = &reference.json[&metric];
            assert!(
                (prf.f1 - expected[2].as_f64().unwrap()).abs() <= 0.001,
                "{name} {metric}"
            );
        }
        assert_eq!(scores.table() + "\n", reference.table, "{name}: table");
        let warnings: Vec<String> = scores
            .warnings()
            .iter()
            .map(|w| format!("warning: {w}"))
            .collect();
        assert_eq!(warnings, reference.warnings, "{name}: warnings");
        println!("{name}: max |difference| over all metrics {diff:.2e}");
        overall = overall.max(diff);
    }
    println!("dev agreement with score.py: max |difference| {overall:.2e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Odd texts (whitespace of every kind, emoji, combining marks, scripts, quote marks) with
/// pseudo-random spans: tokenisation, clamping and the quoted subset agree with score.py.
#[test]
fn agrees_with_score_py_on_odd_text() {
    let Some((_, score_py)) = setup() else {
        return;
    };
    let texts = [
        "",
        "\u{a0}\u{a0}",
        "He said\u{a0}\u{201c}don't\u{201d} \u{2014} and\u{202f}left.\u{1c}Then\u{1f}x",
        "Caf\u{e9} cafe\u{301} na\u{ef}ve \u{5317}\u{4eac} \u{1f44d}\u{1f3fd} \u{ab}Oui\u{bb}, dit-il.",
        "\u{0928}\u{092e}\u{0938}\u{094d}\u{0924}\u{0947} \u{0661}\u{0662} x\u{200b}y\tz\r\n\"a\"",
        "snake_case 3.5% U.S. \u{2033}quoted\u{2033} \u{201e}low\u{201f} \u{bd}\u{b2}",
    ];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut gold_lines = Vec::new();
    let mut pred_lines = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        let len = text.chars().count();
        let id = format!("odd-{n}");
        let gold_attrs = rng.attributions(6, len);
        let pred_attrs = rng.attributions(6, len);
        gold_lines.push(json!({"id": id, "text": text, "attributions": gold_attrs}).to_string());
        pred_lines.push(json!({"id": id, "attributions": pred_attrs}).to_string());
    }
    let dir = std::env::temp_dir().join(format!("verbatim-eval-odd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (gold_path, pred_path) = (dir.join("gold.jsonl"), dir.join("pred.jsonl"));
    std::fs::write(&gold_path, gold_lines.join("\n")).unwrap();
    std::fs::write(&pred_path, pred_lines.join("\n")).unwrap();

    let gold = corpus::read_jsonl(&gold_path).unwrap();
    let pred = read_predictions(pred_lines.join("\n").as_bytes(), "odd").unwrap();
    let scores = score(&gold, &pred);
    let reference = run_score_py(&score_py, &gold_path, &pred_path, &dir.join("out.json"));
    let mut differences = Vec::new();
    let diff = max_difference(&scores.to_json(), &reference.json, "odd", &mut differences);
    assert!(differences.is_empty(), "{differences:#?}");
    assert!(diff <= 1e-9, "max difference {diff}");
    assert_eq!(scores.to_json()["counts"], reference.json["counts"]);
    assert!(
        scores.count("tok_content_tp") > 0,
        "the spans should hit something"
    );
    assert_eq!(scores.table() + "\n", reference.table);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// xorshift64: deterministic pseudo-random spans.
struct Rng(u64);

impl Rng {
    /// A number in `0..=bound`.
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % (bound as u64 + 1)) as usize
    }

    /// Pieces that may start up to two chars past the text and be up to 8 chars long.
    fn role(&mut self, pieces: usize, len: usize) -> Vec<[usize; 2]> {
        (0..pieces)
            .map(|_| {
                let start = self.below(len + 2);
                [start, start + self.below(8)]
            })
            .collect()
    }

    fn attributions(&mut self, count: usize, len: usize) -> Vec<Value> {
        (0..count)
            .map(|_| {
                let n_source = self.below(1);
                let n_content = 1 + self.below(1);
                json!({
                    "source": self.role(n_source, len),
                    "cue": self.role(1, len),
                    "content": self.role(n_content, len),
                })
            })
            .collect()
    }
}
