//! Tests of the tagger: the embedded model on small sentences, the model file, training on
//! a synthetic corpus, arbitrary text, and the dev score when the corpus is present.

use super::*;
use crate::corpus::{find_shared, read_jsonl, CoreNlp, GoldDoc};
use crate::segment::Segmenter;

fn tag(text: &str) -> Vec<(String, &'static str)> {
    let seg = Segmenter::new().segment(text);
    Tagger::embedded()
        .tag(text, &seg)
        .iter()
        .map(|m| (m.span.slice(text).to_string(), m.kind.as_str()))
        .collect()
}

/// Every expected (text, type) mention is found.
fn check(text: &str, expected: &[(&str, &str)]) {
    let got = tag(text);
    for &(s, kind) in expected {
        assert!(
            got.iter().any(|(g, k)| g == s && *k == kind),
            "{s:?} as {kind} not in {got:?} for {text:?}"
        );
    }
}

/// None of these strings is tagged with this type.
fn check_not(text: &str, unexpected: &[(&str, &str)]) {
    let got = tag(text);
    for &(s, kind) in unexpected {
        assert!(
            !got.iter().any(|(g, k)| g == s && *k == kind),
            "{s:?} wrongly {kind} in {got:?}"
        );
    }
}

#[test]
fn embedded_model_loads() {
    let t = Tagger::embedded();
    assert!(t.has_model());
    assert_eq!(
        t.model_types(),
        vec![
            EntityType::Person,
            EntityType::Organization,
            EntityType::Location,
            EntityType::Other
        ]
    );
    assert!(EMBEDDED_BYTES.len() <= 2 << 20, "model over 2 MB");
}

#[test]
fn brief_sentence() {
    let text = "U.S. President Donald Trump met Attorney General Jeff Sessions in Washington.";
    check(
        text,
        &[
            ("Donald Trump", "person"),
            ("Jeff Sessions", "person"),
            ("Washington", "location"),
            ("President", "title"),
            ("Attorney General", "title"),
        ],
    );
    let got = tag(text);
    // U.S. is a location, whether the segmenter keeps it as one token or not.
    assert!(
        got.iter()
            .any(|(g, k)| *k == "location" && g.starts_with('U') && "U.S.".contains(g.as_str())),
        "no U.S. location in {got:?}"
    );
}

#[test]
fn people_places_organisations() {
    check(
        "Hillary Clinton spoke to reporters in Ohio on Tuesday.",
        &[("Hillary Clinton", "person"), ("Ohio", "location")],
    );
    check(
        "The FBI said Director James Comey would testify.",
        &[("FBI", "organization"), ("James Comey", "person")],
    );
    check(
        "The Republicans criticized the plan, and Congress voted against it.",
        &[("Republicans", "other"), ("Congress", "organization")],
    );
    check(
        "Bernie Sanders campaigned in New Hampshire.",
        &[("Bernie Sanders", "person"), ("New Hampshire", "location")],
    );
    check_not(
        "The plan was criticized on Monday.",
        &[
            ("Monday", "person"),
            ("The", "organization"),
            ("plan", "other"),
        ],
    );
}

#[test]
fn titles_and_party_tags() {
    check(
        "Sen. Al Franken (D-Minn.) asked questions.",
        &[
            ("Sen.", "title"),
            ("D-Minn.", "title"),
            ("Al Franken", "person"),
        ],
    );
    check(
        "Rep. Mo Brooks (R-Ala.) and Gov. Chris Christie met.",
        &[("Rep.", "title"), ("R-Ala.", "title"), ("Gov.", "title")],
    );
    check(
        "House Speaker Paul Ryan and a campaign spokesman spoke.",
        &[("House Speaker", "title"), ("spokesman", "title")],
    );
    check_not("Sen. Al Franken (D-Minn.)", &[("D-Minn.", "location")]);
}

#[test]
fn mentions_are_sorted_and_disjoint() {
    let text = "Former Secretary of State Hillary Clinton, the Democratic nominee, and \
                Donald Trump of New York debated at Hofstra University in Hempstead.";
    let seg = Segmenter::new().segment(text);
    let ms = Tagger::embedded().tag(text, &seg);
    assert!(!ms.is_empty());
    for w in ms.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "{:?}", w);
    }
}

#[test]
fn empty_and_odd_inputs() {
    for text in [
        "",
        " ",
        "\n\n",
        "...",
        "日本語のテキスト",
        "😀 Trump 😀",
        "a\u{0301}b",
    ] {
        let seg = Segmenter::new().segment(text);
        for m in Tagger::embedded().tag(text, &seg) {
            assert!(text.get(m.span.range()).is_some());
        }
    }
    // A segmentation made for another text never panics.
    let seg = Segmenter::new().segment("Donald Trump met Jeff Sessions in Washington.");
    let _ = Tagger::embedded().tag("short", &seg);
    let _ = Tagger::embedded().tag("é è ê ë ē", &seg);
}

#[test]
fn model_file_round_trip_and_corruption() {
    let tagger = Tagger::from_bytes(EMBEDDED_BYTES).unwrap();
    let again = tagger.model.as_ref().unwrap().to_bytes();
    assert_eq!(again, EMBEDDED_BYTES);
    for bad in [
        &b""[..],
        &b"not a model"[..],
        &EMBEDDED_BYTES[..EMBEDDED_BYTES.len() / 2],
    ] {
        assert!(matches!(
            Tagger::from_bytes(bad),
            Err(crate::Error::Model { .. })
        ));
    }
    let mut flipped = EMBEDDED_BYTES.to_vec();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 1;
    assert!(matches!(
        Tagger::from_bytes(&flipped),
        Err(crate::Error::Model { .. })
    ));
}

/// A tiny synthetic corpus: "FIRST LAST of ORG arrived in CITY on DAY." with silver labels.
fn synthetic(n_docs: usize, offset: usize) -> Vec<GoldDoc> {
    let first = [
        "Alice", "Bruno", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hiro",
    ];
    let last = [
        "Moreau",
        "Okafor",
        "Lindqvist",
        "Tanaka",
        "Brennan",
        "Costa",
        "Novak",
    ];
    let orgs = ["Acme Corp", "Globex", "Initech", "Umbrella Group", "Hooli"];
    let cities = ["Paris", "Lagos", "Oslo", "Kyoto", "Lima", "Porto"];
    let days = ["Monday", "Tuesday", "Friday"];
    let mut docs = Vec::new();
    let mut k = offset;
    for d in 0..n_docs {
        let mut text = String::new();
        let mut cn = CoreNlp::default();
        for _ in 0..6 {
            let start = text.len();
            let pieces: Vec<(String, &str)> = vec![
                (first[k % first.len()].to_string(), "PERSON"),
                (last[(k / 3) % last.len()].to_string(), "PERSON"),
                ("of".to_string(), "O"),
                (orgs[(k / 2) % orgs.len()].to_string(), "ORGANIZATION"),
                ("arrived".to_string(), "O"),
                ("in".to_string(), "O"),
                (cities[(k / 5) % cities.len()].to_string(), "LOCATION"),
                ("on".to_string(), "O"),
                (days[k % days.len()].to_string(), "DATE"),
            ];
            for (p, label) in pieces {
                for w in p.split(' ') {
                    let s = text.len();
                    text.push_str(w);
                    cn.tokens.push([s, text.len()]);
                    cn.ner.push(label.to_string());
                    text.push(' ');
                }
            }
            text.pop();
            let s = text.len();
            text.push('.');
            cn.tokens.push([s, s + 1]);
            cn.ner.push("O".to_string());
            cn.sentences.push([start, text.len()]);
            text.push(' ');
            k += 1;
        }
        docs.push(GoldDoc {
            id: format!("syn{d}"),
            text: text.trim_end().to_string(),
            attributions: Vec::new(),
            corenlp: Some(cn),
            publisher: None,
            date: None,
            title: None,
            author: None,
        });
    }
    docs
}

#[test]
fn training_is_deterministic_and_learns() {
    let train = synthetic(12, 0);
    let dev = synthetic(3, 1000);
    let cfg = NerTrainConfig {
        epochs: 3,
        hash_bits: 14,
        min_gaz_count: 1,
        ..NerTrainConfig::default()
    };
    let mut log = Vec::new();
    let a = train_ner(&train, &dev, &cfg, &mut |m| log.push(m.to_string())).unwrap();
    let b = train_ner(&train, &dev, &cfg, &mut |_| {}).unwrap();
    assert_eq!(a, b, "same data and seed must give the same bytes");
    assert!(log.iter().any(|m| m.starts_with("epoch 3/3")));
    let tagger = Tagger::from_bytes(&a).unwrap();
    let scores = evaluate_ner(&tagger, &dev);
    assert!(
        scores.overall.f1() > 0.9,
        "synthetic dev F1 too low:\n{scores}"
    );
    let other_seed = train_ner(
        &train,
        &dev,
        &NerTrainConfig {
            seed: 7,
            ..cfg.clone()
        },
        &mut |_| {},
    )
    .unwrap();
    assert!(Tagger::from_bytes(&other_seed).is_ok());
}

#[test]
fn training_rejects_bad_input() {
    let cfg = NerTrainConfig::default();
    assert!(train_ner(&[], &[], &cfg, &mut |_| {}).is_err());
    let bad = NerTrainConfig {
        hash_bits: 40,
        ..cfg.clone()
    };
    assert!(train_ner(&synthetic(2, 0), &[], &bad, &mut |_| {}).is_err());
    let json = r#"{"epochs": 2, "seed": 3}"#;
    let parsed: NerTrainConfig = serde_json::from_str(json).unwrap();
    assert_eq!((parsed.epochs, parsed.seed), (2, 3));
    assert!(serde_json::from_str::<NerTrainConfig>(r#"{"epoch": 2}"#).is_err());
}

#[test]
fn silver_entities_join_runs() {
    let docs = synthetic(1, 0);
    let doc = &docs[0];
    let cn = doc.corenlp.as_ref().unwrap();
    let ents = train::silver_entities(&doc.text, cn, &crate::span::CharOffsets::new(&doc.text));
    let first: Vec<(&str, EntityType)> = ents
        .iter()
        .take(3)
        .map(|(s, t)| (s.slice(&doc.text), *t))
        .collect();
    assert_eq!(
        first,
        vec![
            ("Alice Moreau", EntityType::Person),
            ("Acme Corp", EntityType::Organization),
            ("Paris", EntityType::Location),
        ]
    );
    // Dates are ignored.
    assert!(!ents.iter().any(|(s, _)| s.slice(&doc.text) == "Monday"));
}

#[test]
fn dev_score_floor() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(shared) = find_shared(root) else {
        eprintln!("skipping dev_score_floor: no shared/data/polnear (set VERBATIM_SHARED)");
        return;
    };
    let dev = read_jsonl(&shared.join("data/polnear/dev.jsonl")).unwrap();
    let scores = evaluate_ner(&Tagger::embedded(), &dev);
    eprintln!("{scores}");
    assert!(
        scores.overall.f1() >= 0.80,
        "dev F1 below the floor:\n{scores}"
    );
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn arbitrary_text_is_safe(text in "\\PC{0,80}|([A-Z][a-z]{0,6}[ .,'\\-]{1,2}){0,12}") {
            let seg = Segmenter::new().segment(&text);
            let ms = Tagger::embedded().tag(&text, &seg);
            let mut last_end = 0;
            for m in &ms {
                prop_assert!(m.span.start < m.span.end);
                prop_assert!(m.span.end <= text.len());
                prop_assert!(text.is_char_boundary(m.span.start));
                prop_assert!(text.is_char_boundary(m.span.end));
                prop_assert!(m.span.start >= last_end, "overlap or unsorted: {:?}", ms);
                last_end = m.span.end;
            }
        }
    }
}
