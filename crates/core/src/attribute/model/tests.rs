use super::*;
use crate::corpus::{GoldAttribution, GoldDoc};
use crate::segment::Segmenter;
use proptest::prelude::*;

/// The embedded model, loaded once for all tests.
fn model() -> &'static ModelAttributor {
    static MODEL: std::sync::OnceLock<ModelAttributor> = std::sync::OnceLock::new();
    MODEL.get_or_init(ModelAttributor::embedded)
}

/// The segmentation and syntax of `text`, as the pipeline computes them.
pub(crate) fn syntax(text: &str) -> (crate::segment::Segmentation, crate::parse::Syntax) {
    static STAGES: std::sync::OnceLock<crate::SyntaxPipeline> = std::sync::OnceLock::new();
    STAGES.get_or_init(crate::SyntaxPipeline::new).syntax(text)
}

/// Runs the embedded model and renders each attribution as `source | cue | content`.
fn run(text: &str) -> Vec<String> {
    let (seg, syn) = syntax(text);
    let model = model();
    let show = |v: &[Span]| {
        v.iter()
            .map(|s| s.slice(text))
            .collect::<Vec<_>>()
            .join(" ~ ")
    };
    model
        .attribute(text, &seg, &syn)
        .iter()
        .map(|a| {
            format!(
                "{} | {} | {}",
                show(&a.source),
                show(&a.cue),
                show(&a.content)
            )
        })
        .collect()
}

fn check(text: &str, expected: &[&str]) {
    assert_eq!(run(text), expected, "in {text:?}");
}

#[test]
fn embedded_model_finds_attributions() {
    check(
        "\"We will win,\" Smith said.",
        &["Smith | said | \"We will win,\""],
    );
    check(
        "Smith said the plan would fail.",
        &["Smith | said | the plan would fail"],
    );
    // Sentence-initial `According to CNN, ...` is still missed (the model tags `the talks` as
    // a second source); the sentence-final form is found.
    check(
        "The talks failed, according to CNN.",
        &["CNN | according to | The talks failed"],
    );
    check(
        "A White House official said: \"This is the latest attack.\"",
        // PolNeAR puts the colon into the cue (`said:` 33 times in train, bare `said` twice).
        &["A White House official | said: | \"This is the latest attack.\""],
    );
    check("", &[]);
    check("The sun rose over the hills.", &[]);
}

#[test]
fn kinds_are_classified() {
    let text = "\"We will win,\" Smith said. The talks failed, according to CNN.";
    let (seg, syn) = syntax(text);
    let kinds: Vec<Kind> = model()
        .attribute(text, &seg, &syn)
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds, vec![Kind::Direct, Kind::AccordingTo]);
}

use crate::attribute::Kind;

#[test]
fn model_file_round_trips() {
    let model = ModelAttributor::embedded();
    let bytes = model.to_bytes();
    assert_eq!(
        bytes, EMBEDDED,
        "the embedded file re-serialises identically"
    );
    let again = ModelAttributor::from_bytes(&bytes).unwrap();
    assert_eq!(again.to_bytes(), bytes);
    assert!(bytes.len() <= 5 << 20, "model is {} bytes", bytes.len());
}

fn check_corrupt(mutate: impl Fn(&mut Vec<u8>), expected: &str) {
    let mut bytes = EMBEDDED.to_vec();
    mutate(&mut bytes);
    match ModelAttributor::from_bytes(&bytes) {
        Err(e @ Error::Model { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(expected), "{msg:?} lacks {expected:?}");
        }
        Err(e) => panic!("wrong error kind: {e}"),
        Ok(_) => panic!("corrupt model accepted ({expected})"),
    }
}

#[test]
fn corrupt_models_are_refused() {
    check_corrupt(|b| b.truncate(b.len() / 2), "truncated");
    check_corrupt(|b| b[..8].copy_from_slice(b"NOTAMODL"), "bad magic");
    check_corrupt(|b| b[8] = 0, "version 0");
    check_corrupt(
        |b| {
            let n = b.len();
            b[n / 2] ^= 1;
        },
        "checksum",
    );
    check_corrupt(|b| b.clear(), "too short");
    // A valid container with the wrong tables.
    check_corrupt(
        |b| {
            *b = format::write(
                "{\"keep_contentless\":false,\"cue_bias\":0.0,\"joint\":true}",
                &[],
            )
        },
        "unexpected weight tables",
    );
    check_corrupt(|b| *b = format::write("{}", &[]), "bad settings");
}

/// A tiny synthetic corpus: `NAME said "..."`, `"...," NAME said` and `according to NAME`.
fn synthetic(n: usize) -> Vec<GoldDoc> {
    let names = ["Smith", "Jones", "The mayor", "A spokesman", "Senator Lee"];
    let says = [
        "the plan will fail",
        "taxes are too high",
        "we will win",
        "nothing happened",
    ];
    let mut docs = Vec::new();
    for i in 0..n {
        let mut text = String::new();
        let mut attributions = Vec::new();
        for j in 0..4 {
            let name = names[(i + j) % names.len()];
            let said = says[(i * 3 + j) % says.len()];
            let at = |text: &String| text.chars().count();
            let mut a = GoldAttribution::default();
            match (i + j) % 3 {
                0 => {
                    let s = at(&text);
                    text.push_str(name);
                    a.source.push([s, at(&text)]);
                    text.push(' ');
                    let c = at(&text);
                    text.push_str("said");
                    a.cue.push([c, at(&text)]);
                    text.push(' ');
                    let q = at(&text);
                    text.push_str(said);
                    a.content.push([q, at(&text)]);
                    text.push('.');
                }
                1 => {
                    let q = at(&text);
                    text.push('"');
                    text.push_str(said);
                    text.push_str(",\"");
                    a.content.push([q, at(&text)]);
                    text.push(' ');
                    let s = at(&text);
                    text.push_str(name);
                    a.source.push([s, at(&text)]);
                    text.push(' ');
                    let c = at(&text);
                    text.push_str("said");
                    a.cue.push([c, at(&text)]);
                    text.push('.');
                }
                _ => {
                    let c = at(&text);
                    text.push_str("According to");
                    a.cue.push([c, at(&text)]);
                    text.push(' ');
                    let s = at(&text);
                    text.push_str(name);
                    a.source.push([s, at(&text)]);
                    text.push_str(", ");
                    let q = at(&text);
                    text.push_str(said);
                    a.content.push([q, at(&text)]);
                    text.push('.');
                }
            }
            text.push_str(" The weather was fine. ");
            attributions.push(a);
        }
        docs.push(GoldDoc {
            id: format!("d{i}"),
            text,
            attributions,
            corenlp: None,
            publisher: None,
            date: None,
            title: None,
            author: None,
        });
    }
    docs
}

fn small_config(seed: u64) -> TrainConfig {
    TrainConfig {
        epochs: 3,
        cue_epochs: 3,
        seed,
        jackknife_folds: 2,
        min_weight: 0.0,
        min_count: 1,
        dev_every_epoch: true,
        // Biases in the units of a full model's weights would swamp this small one.
        cue_bias: 0.0,
        source_retry: 0.0,
        role_bias: Vec::new(),
        ..TrainConfig::default()
    }
}

#[test]
fn training_is_deterministic_and_learns() {
    let docs = synthetic(12);
    let (train_docs, dev) = docs.split_at(9);
    let mut log = Vec::new();
    let a = train(train_docs, dev, &small_config(7), &mut |m| {
        log.push(m.to_string())
    })
    .unwrap();
    let b = train(train_docs, dev, &small_config(7), &mut |_| {}).unwrap();
    assert_eq!(a, b, "same data and seed give the same bytes");
    assert!(log.iter().any(|l| l.starts_with("epoch 3/3")), "{log:?}");
    let model = ModelAttributor::from_bytes(&a).unwrap();
    let tagger = crate::pos::PosTagger::embedded();
    let scores = evaluate(&model, Some(&tagger), dev);
    assert!(scores.attribution_f1 > 0.9, "{scores}");
    assert!(scores.token_f1.iter().all(|&f| f > 0.9), "{scores}");
}

#[test]
fn config_rejects_unknown_fields() {
    let c: TrainConfig = serde_json::from_str("{\"epochs\": 2}").unwrap();
    assert_eq!(c.epochs, 2);
    assert_eq!(c.seed, TrainConfig::default().seed);
    assert!(serde_json::from_str::<TrainConfig>("{\"epochz\": 2}").is_err());
}

fn check_runs(labels: &[u8], begin: u8, inside: u8, expected: &[(usize, usize)]) {
    assert_eq!(runs(labels, begin, inside), expected, "{labels:?}");
}

#[test]
fn label_runs() {
    check_runs(&[], B_CON, I_CON, &[]);
    check_runs(&[O, B_CON, I_CON, O], B_CON, I_CON, &[(1, 3)]);
    check_runs(&[B_CON, B_CON, I_CON], B_CON, I_CON, &[(0, 1), (1, 3)]);
    check_runs(&[I_CON, I_CON, O, I_CON], B_CON, I_CON, &[(0, 2), (3, 4)]);
    check_runs(&[B_SRC, CUE, B_CON], B_SRC, I_SRC, &[(0, 1)]);
}

/// Links token runs over `text`; runs are given as token ranges.
fn check_link(
    text: &str,
    cues: &[(usize, usize)],
    sources: &[(usize, usize)],
    contents: &[(usize, usize)],
    expected: &[Linked],
) {
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    assert_eq!(link(&d, cues, sources, contents), expected, "{text:?}");
}

#[test]
fn linking() {
    // Smith said the plan fails .
    check_link(
        "Smith said the plan fails.",
        &[(1, 2)],
        &[(0, 1)],
        &[(2, 5)],
        &[Linked {
            cue: (1, 2),
            source: Some((0, 1)),
            content: vec![(2, 5)],
        }],
    );
    // " Go home , " he said , " now . "  -> both quotes join around the cue.
    check_link(
        "\"Go home,\" he said, \"now.\"",
        &[(6, 7)],
        &[(5, 6)],
        &[(0, 5), (8, 12)],
        &[Linked {
            cue: (6, 7),
            source: Some((5, 6)),
            content: vec![(0, 5), (8, 12)],
        }],
    );
    // Two sentences, two cues: each content goes to its own cue.
    check_link(
        "Smith said A. Jones said B.",
        &[(1, 2), (5, 6)],
        &[(0, 1), (4, 5)],
        &[(2, 3), (6, 7)],
        &[
            Linked {
                cue: (1, 2),
                source: Some((0, 1)),
                content: vec![(2, 3)],
            },
            Linked {
                cue: (5, 6),
                source: Some((4, 5)),
                content: vec![(6, 7)],
            },
        ],
    );
    // A shared source: "Smith said A and warned B".
    check_link(
        "Smith said A and warned B.",
        &[(1, 2), (4, 5)],
        &[(0, 1)],
        &[(2, 3), (5, 6)],
        &[
            Linked {
                cue: (1, 2),
                source: Some((0, 1)),
                content: vec![(2, 3)],
            },
            Linked {
                cue: (4, 5),
                source: Some((0, 1)),
                content: vec![(5, 6)],
            },
        ],
    );
    // A stray content run far from the cue, across other words, is not joined.
    check_link(
        "Smith said A because of B.",
        &[(1, 2)],
        &[(0, 1)],
        &[(2, 3), (5, 6)],
        &[Linked {
            cue: (1, 2),
            source: Some((0, 1)),
            content: vec![(2, 3)],
        }],
    );
}

#[test]
fn colon_cue_takes_the_next_paragraph() {
    // He said : \n\n " We win . "  -> tokens 0 He, 1 said, 2 :, 3 ", 4 We, 5 win, 6 ., 7 "
    let text = "He said:\n\n\"We win.\"";
    let linked = |content: Vec<(usize, usize)>| Linked {
        cue: (1, 3),
        source: Some((0, 1)),
        content,
    };
    check_link(
        text,
        &[(1, 3)],
        &[(0, 1)],
        &[(3, 8)],
        &[linked(vec![(3, 8)])],
    );
    // Without the colon the next paragraph stays apart.
    let text = "He said\n\n\"We win.\"";
    check_link(
        text,
        &[(1, 2)],
        &[(0, 1)],
        &[(2, 7)],
        &[Linked {
            cue: (1, 2),
            source: Some((0, 1)),
            content: vec![],
        }],
    );
}

type Run = (usize, usize);
/// An attribution for [`check_fill`]: cue, source, content.
type FillCase = (Run, Option<Run>, Vec<Run>);

/// The document of `text` with the POS tags `pos` (one per token), and `links` as linked
/// attributions (cue, source, content).
fn tagged(text: &str, pos: &[&str], links: &[FillCase]) -> (Doc, Vec<Linked>) {
    let seg = Segmenter::new().segment(text);
    let mut d = Doc::new(text, &seg);
    assert_eq!(d.len(), pos.len(), "{text:?} tokens");
    d.pos = pos.iter().map(|t| pos::tag_id(t).unwrap()).collect();
    let linked = links
        .iter()
        .map(|(cue, source, content)| Linked {
            cue: *cue,
            source: *source,
            content: content.clone(),
        })
        .collect();
    (d, linked)
}

/// Runs `fill` over one attribution per cue and shows the contents and sources it ends with.
fn check_fill(text: &str, pos: &[&str], links: &[FillCase], expected: &[(Option<Run>, Vec<Run>)]) {
    let (d, mut linked) = tagged(text, pos, links);
    let claimed = fill_contentless(&d, &mut linked);
    fill_sourceless(&d, &mut linked);
    drop_claimed(&mut linked, &claimed);
    let got: Vec<_> = linked.into_iter().map(|l| (l.source, l.content)).collect();
    assert_eq!(got, expected, "{text:?}");
}

#[test]
fn filling_missing_roles() {
    // The plan fails , sources said .
    let text = "The plan fails, sources said.";
    let pos = ["DT", "NN", "VBZ", ",", "NNS", "VBD", "."];
    check_fill(
        text,
        &pos,
        &[((5, 6), Some((4, 5)), vec![])],
        &[(Some((4, 5)), vec![(0, 3)])],
    );
    // Too short a sentence part, or a cue not ending the sentence: nothing.
    check_fill(
        "It, sources said.",
        &["PRP", ",", "NNS", "VBD", "."],
        &[((3, 4), Some((2, 3)), vec![])],
        &[(Some((2, 3)), vec![])],
    );
    // A cue inside the sentence taken as content loses its own content (a nested cue is
    // rare in PolNeAR: more likely a false one).
    check_fill(
        text,
        &pos,
        &[((5, 6), Some((4, 5)), vec![]), ((2, 3), None, vec![(0, 2)])],
        &[(Some((4, 5)), vec![(0, 3)]), (None, vec![])],
    );
    // ... unless it has a source.
    check_fill(
        text,
        &pos,
        &[
            ((5, 6), Some((4, 5)), vec![]),
            ((2, 3), Some((0, 2)), vec![(3, 4)]),
        ],
        &[(Some((4, 5)), vec![(0, 3)]), (Some((0, 2)), vec![(3, 4)])],
    );
    // A sourceless cue takes the noun phrase before it, across an adverb.
    check_fill(
        "The senior official also said it works.",
        &["DT", "JJ", "NN", "RB", "VBD", "PRP", "VBZ", "."],
        &[((4, 5), None, vec![(5, 7)])],
        &[(Some((0, 3)), vec![(5, 7)])],
    );
    // A phrase after a preposition is skipped for the one before it.
    check_fill(
        "Stumpf in an interview denied it works.",
        &["NNP", "IN", "DT", "NN", "VBD", "PRP", "VBZ", "."],
        &[((4, 5), None, vec![(5, 7)])],
        &[(Some((0, 1)), vec![(5, 7)])],
    );
    // ... but not across a comma, and not inside a quotation.
    check_fill(
        "Officials, then, said it works.",
        &["NNS", ",", "RB", ",", "VBD", "PRP", "VBZ", "."],
        &[((4, 5), None, vec![(5, 7)])],
        &[(None, vec![(5, 7)])],
    );
    // Content before the cue: the noun phrase after it (`..., said Jane Smith.`).
    check_fill(
        "It works, said Jane Smith.",
        &["PRP", "VBZ", ",", "VBD", "NNP", "NNP", "."],
        &[((3, 4), None, vec![(0, 2)])],
        &[(Some((4, 6)), vec![(0, 2)])],
    );
    // A sentence-opening cue, a noun phrase and a comma: the rest is the content.
    check_fill(
        "According to CNN, the talks failed.",
        &["VBG", "TO", "NNP", ",", "DT", "NNS", "VBD", "."],
        &[((0, 2), None, vec![])],
        &[(Some((2, 3)), vec![(4, 7)])],
    );
    // Not when the phrase is no noun phrase, nor when the cue does not open the sentence.
    check_fill(
        "According to him quickly, the talks failed.",
        &["VBG", "TO", "PRP", "RB", ",", "DT", "NNS", "VBD", "."],
        &[((0, 2), None, vec![])],
        &[(None, vec![])],
    );
    check_fill(
        "So according to CNN, the talks failed.",
        &["RB", "VBG", "TO", "NNP", ",", "DT", "NNS", "VBD", "."],
        &[((1, 3), None, vec![])],
        &[(None, vec![])],
    );
    // No POS tags: sources are left alone.
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    let mut linked = vec![Linked {
        cue: (5, 6),
        source: None,
        content: vec![(0, 3)],
    }];
    fill_sourceless(&d, &mut linked);
    assert_eq!(linked[0].source, None);
}

/// Runs [`source_edges`] on one attribution with cue `cue` and source `source`.
fn check_commas(text: &str, cue: Run, content: Run, source: Run, expected: Run) {
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    let mut linked = vec![Linked {
        cue,
        source: Some(source),
        content: vec![content],
    }];
    source_edges(&d, &mut linked);
    assert_eq!(linked[0].source, Some(expected), "{text:?}");
}

#[test]
fn source_edges_follow_polnear() {
    // Smith , a lawyer , said it works .
    let text = "Smith, a lawyer, said it works.";
    // An apposition ends with its comma ...
    check_commas(text, (5, 6), (6, 8), (0, 4), (0, 5));
    check_commas(text, (5, 6), (6, 8), (0, 5), (0, 5));
    // ... a plain noun phrase does not.
    let text = "Smith, said it works.";
    check_commas(text, (2, 3), (3, 5), (0, 2), (0, 1));
    check_commas(text, (2, 3), (3, 5), (0, 1), (0, 1));
    // A lone comma stays; a comma that is the content's is not taken.
    check_commas(text, (2, 3), (3, 5), (1, 2), (1, 2));
    // A determiner before the source is taken in, not one of another role.
    let text = "The FBI said it works.";
    check_commas(text, (2, 3), (3, 5), (1, 2), (0, 2));
    check_commas(text, (2, 3), (0, 1), (1, 2), (1, 2));
    // A leading `even` is left out, unless it is all.
    let text = "Even Smith said it works.";
    check_commas(text, (2, 3), (3, 5), (0, 2), (1, 2));
    check_commas(text, (2, 3), (3, 5), (0, 1), (0, 1));
    let text = "Smith, a lawyer, it works, said.";
    check_commas(text, (8, 9), (4, 7), (0, 4), (0, 4));
}

fn check_seeming(text: &str, cue: Run, expected: Option<Run>) {
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    let mut linked = vec![Linked {
        cue,
        source: Some((0, 1)),
        content: vec![(cue.1, cue.1 + 1)],
    }];
    drop_seeming_subjects(&d, &mut linked);
    assert_eq!(linked[0].source, expected, "{text:?}");
}

#[test]
fn seeming_cues_have_no_source() {
    check_seeming("He seems unable to win.", (1, 2), None);
    check_seeming("He Appeared to blame them.", (1, 3), None);
    check_seeming("It was unclear whether it works.", (1, 3), None);
    check_seeming("He said it works.", (1, 2), Some((0, 1)));
    // Only the cue's own words count.
    check_seeming("He said it seems fine.", (1, 2), Some((0, 1)));
}

#[test]
fn decoding_settings_can_be_replaced() {
    let m = model();
    let same = m.with_settings("{}").unwrap();
    assert_eq!(same.to_bytes(), m.to_bytes());
    let other = m
        .with_settings(r#"{"source_retry": 3.5, "cue_bias": 1}"#)
        .unwrap();
    assert_eq!(other.settings.source_retry, 3.5);
    assert_eq!(other.settings.cue_bias, 1.0);
    for bad in [
        r#"{"joint": false}"#,
        r#"{"nope": 1}"#,
        "[]",
        r#"{"cue_bias": "x"}"#,
    ] {
        assert!(m.with_settings(bad).is_err(), "{bad}");
    }
}

fn check_passive(text: &str, pos: &[&str], cue: Run, source: Option<Run>, expected: Option<Run>) {
    let seg = Segmenter::new().segment(text);
    let mut d = Doc::new(text, &seg);
    assert_eq!(d.len(), pos.len(), "{text:?} tokens");
    d.pos = pos.iter().map(|t| pos::tag_id(t).unwrap()).collect();
    let mut linked = vec![Linked {
        cue,
        source,
        content: vec![],
    }];
    drop_passive_subjects(&d, &mut linked);
    assert_eq!(linked[0].source, expected, "{text:?}");
}

#[test]
fn passive_cues_lose_the_subject() {
    let pos = ["NNP", "VBD", "VBN", "IN", "NN", "."];
    check_passive(
        "Quiros was accused of fraud.",
        &pos,
        (1, 4),
        Some((0, 1)),
        None,
    );
    // The be-form just before the cue counts too.
    check_passive(
        "Quiros was accused of fraud.",
        &pos,
        (2, 4),
        Some((0, 1)),
        None,
    );
    // Active voice, an agent with `by`, or a source after the cue: kept.
    check_passive(
        "Quiros has accused them.",
        &["NNP", "VBZ", "VBN", "PRP", "."],
        (1, 3),
        Some((0, 1)),
        Some((0, 1)),
    );
    check_passive(
        "It was reported by CNN.",
        &["PRP", "VBD", "VBN", "IN", "NNP", "."],
        (1, 4),
        Some((0, 1)),
        Some((0, 1)),
    );
    check_passive(
        "It was reported by CNN.",
        &["PRP", "VBD", "VBN", "IN", "NNP", "."],
        (1, 3),
        Some((4, 5)),
        Some((4, 5)),
    );
}

fn check_quotes(text: &str, expected: &str) {
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    let got: String = d.inq.iter().map(|&q| if q { 'q' } else { '.' }).collect();
    assert_eq!(got, expected, "{text:?}");
}

#[test]
fn quotation_state() {
    check_quotes("a \"b c\" d", ".qqqq.");
    check_quotes("a “b” c", ".qqq.");
    check_quotes("“a b\n\nc", "qqq.");
    check_quotes("“a\n\n“b” c", "qqqqq.");
    check_quotes("a ” b", "...");
    check_quotes("\"a\" \"b\"", "qqqqqq");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_text_never_panics(text in "(\\PC|[\"“” .,:\n]){0,300}") {
        let (seg, syn) = syntax(&text);
        for a in model().attribute(&text, &seg, &syn) {
            for role in [&a.source, &a.cue, &a.content] {
                let mut last = 0;
                for s in role.iter() {
                    prop_assert!(s.start < s.end && s.end <= text.len());
                    prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                    prop_assert!(s.start >= last);
                    last = s.end;
                    let piece = s.slice(&text);
                    prop_assert_eq!(piece.trim(), piece);
                }
            }
            prop_assert_eq!(a.cue.len(), 1);
        }
    }

    #[test]
    fn quote_heavy_text_never_panics(words in proptest::collection::vec(
        prop_oneof![Just("\""), Just("“"), Just("”"), Just("said"), Just("Smith"),
                    Just(","), Just("."), Just(":"), Just("according to"), Just("\n\n"),
                    Just("é"), Just("the")], 0..80)) {
        let text = words.join(" ");
        let (seg, syn) = syntax(&text);
        for a in model().attribute(&text, &seg, &syn) {
            for s in a.source.iter().chain(&a.cue).chain(&a.content) {
                prop_assert!(text.get(s.range()).is_some());
            }
        }
    }
}

#[test]
fn foreign_segmentation_is_refused() {
    // A segmentation made for another text must not produce spans off char boundaries.
    let (seg, syn) = syntax("Smith said the plan would fail.");
    assert!(model().attribute("é", &seg, &syn).is_empty());
}

/// An attribution for [`check_rule`]: cue, source, content.
type RuleCase = (Run, Option<Run>, Vec<Run>);

/// Runs one linker rule over POS-tagged text and compares the attributions it leaves.
fn check_rule(
    rule: fn(&Doc, &mut [Linked]),
    text: &str,
    pos: &[&str],
    links: &[RuleCase],
    expected: &[RuleCase],
) {
    let (d, mut linked) = tagged(text, pos, links);
    rule(&d, &mut linked);
    let got: Vec<RuleCase> = linked
        .into_iter()
        .map(|l| (l.cue, l.source, l.content))
        .collect();
    assert_eq!(got, expected, "{text:?}");
}

#[test]
fn relative_pronouns_are_sources() {
    let text = "The police, who said it works.";
    let pos = ["DT", "NNS", ",", "WP", "VBD", "PRP", "VBZ", "."];
    let rule = relative_subjects;
    check_rule(
        rule,
        text,
        &pos,
        &[((4, 5), Some((0, 2)), vec![(5, 7)])],
        &[((4, 5), Some((3, 4)), vec![(5, 7)])],
    );
    check_rule(
        rule,
        text,
        &pos,
        &[((4, 5), None, vec![(5, 7)])],
        &[((4, 5), Some((3, 4)), vec![(5, 7)])],
    );
    // Without content, or with the pronoun inside another attribution: unchanged.
    check_rule(
        rule,
        text,
        &pos,
        &[((4, 5), Some((0, 2)), vec![])],
        &[((4, 5), Some((0, 2)), vec![])],
    );
    check_rule(
        rule,
        text,
        &pos,
        &[((4, 5), None, vec![(5, 7)]), ((2, 3), None, vec![(3, 4)])],
        &[((4, 5), None, vec![(5, 7)]), ((2, 3), None, vec![(3, 4)])],
    );
    // A pronoun opening the cue moves to the source.
    check_rule(
        rule,
        "A report which found it works.",
        &["DT", "NN", "WDT", "VBD", "PRP", "VBZ", "."],
        &[((2, 4), Some((0, 2)), vec![(4, 6)])],
        &[((3, 4), Some((2, 3)), vec![(4, 6)])],
    );
    // Any other word before the cue: unchanged.
    check_rule(
        rule,
        "The police then said it works.",
        &["DT", "NNS", "RB", "VBD", "PRP", "VBZ", "."],
        &[((3, 4), Some((0, 2)), vec![(4, 6)])],
        &[((3, 4), Some((0, 2)), vec![(4, 6)])],
    );
}

#[test]
fn inverted_cues_take_the_phrase_after_them() {
    let rule = inverted_sources;
    let text = "\"It works,\" said the ruling.";
    let pos = ["``", "PRP", "VBZ", ",", "''", "VBD", "DT", "NN", "."];
    check_rule(
        rule,
        text,
        &pos,
        &[((5, 6), None, vec![(0, 5), (6, 8)])],
        &[((5, 6), Some((6, 8)), vec![(0, 5)])],
    );
    // The phrase ends at a comma; the rest of the run goes with it.
    check_rule(
        rule,
        "\"It works,\" said Smith, on Monday.",
        &[
            "``", "PRP", "VBZ", ",", "''", "VBD", "NNP", ",", "IN", "NNP", ".",
        ],
        &[((5, 6), None, vec![(0, 5), (6, 10)])],
        &[((5, 6), Some((6, 7)), vec![(0, 5)])],
    );
    // A run not opening with a closed noun phrase, a cue with a source, no content before
    // the cue, or no punctuation right before it: unchanged.
    let cases: [(&str, &[&str], RuleCase); 4] = [
        (
            "\"It works,\" said Smith on Monday.",
            &[
                "``", "PRP", "VBZ", ",", "''", "VBD", "NNP", "IN", "NNP", ".",
            ],
            ((5, 6), None, vec![(0, 5), (6, 9)]),
        ),
        (text, &pos, ((5, 6), Some((0, 1)), vec![(1, 3), (6, 8)])),
        (text, &pos, ((5, 6), None, vec![(6, 8)])),
        (
            "It works said the ruling.",
            &["PRP", "VBZ", "VBD", "DT", "NN", "."],
            ((2, 3), None, vec![(0, 2), (3, 5)]),
        ),
    ];
    for (text, pos, case) in cases {
        check_rule(
            rule,
            text,
            pos,
            std::slice::from_ref(&case),
            std::slice::from_ref(&case),
        );
    }
}

#[test]
fn opening_participles_take_the_subject() {
    let rule = participle_sources;
    let text = "Citing the poll, Trump said it works.";
    let pos = ["VBG", "DT", "NN", ",", "NNP", "VBD", "PRP", "VBZ", "."];
    check_rule(
        rule,
        text,
        &pos,
        &[
            ((0, 1), None, vec![(1, 3)]),
            ((5, 6), Some((4, 5)), vec![(6, 8)]),
        ],
        &[
            ((0, 1), Some((4, 5)), vec![(1, 3)]),
            ((5, 6), Some((4, 5)), vec![(6, 8)]),
        ],
    );
    // `According to`, a participle inside the sentence, or no content: unchanged.
    let cases: [(&str, &[&str], RuleCase); 3] = [
        (
            "According to the poll, Trump leads.",
            &["VBG", "TO", "DT", "NN", ",", "NNP", "VBZ", "."],
            ((0, 2), None, vec![(5, 7)]),
        ),
        (
            "Trump, citing the poll, said it works.",
            &["NNP", ",", "VBG", "DT", "NN", ",", "VBD", "PRP", "VBZ", "."],
            ((2, 3), None, vec![(3, 5)]),
        ),
        (text, &pos, ((0, 1), None, vec![])),
    ];
    for (text, pos, case) in cases {
        check_rule(
            rule,
            text,
            pos,
            std::slice::from_ref(&case),
            std::slice::from_ref(&case),
        );
    }
}

#[test]
fn content_runs_on_through_a_quotation_over_paragraphs() {
    let text = "He said: “The plan works.\n\n“It is fair.\n\n“It is done.”\n\nAfter that, nothing.";
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    let tok = |s: &str| {
        let at = text.find(s).expect("in text");
        seg.tokens
            .iter()
            .position(|t| t.span.start == at)
            .expect("a token")
    };
    let (said, open, fair, done_close) = (tok("said"), tok("“The"), tok("fair"), tok("”\n"));
    let pieces = |l: &Linked| -> Vec<&str> {
        l.content
            .iter()
            .map(|&(a, b)| {
                Span::new(seg.tokens[a].span.start, seg.tokens[b - 1].span.end).slice(text)
            })
            .collect()
    };
    let first = Linked {
        cue: (said, said + 1),
        source: Some((0, 1)),
        content: vec![(open, open + 5)],
    };
    let mut linked = vec![first.clone()];
    continued_quotations(&d, &mut linked);
    assert_eq!(
        pieces(&linked[0]),
        ["“The plan works.", "“It is fair.", "“It is done.”"]
    );
    assert_eq!(linked[0].content.last().map(|c| c.1), Some(done_close + 1));
    // A token another attribution holds stops the content there.
    let other = Linked {
        cue: (fair, fair + 1),
        source: None,
        content: vec![],
    };
    let mut linked = vec![first, other];
    continued_quotations(&d, &mut linked);
    assert_eq!(pieces(&linked[0]), ["“The plan works.", "“It is"]);
    // A one-paragraph quotation is left as it is.
    let text = "He said: “The plan works.”\n\n“Next,” she said.";
    let seg = Segmenter::new().segment(text);
    let d = Doc::new(text, &seg);
    let mut linked = vec![Linked {
        cue: (1, 2),
        source: Some((0, 1)),
        content: vec![(3, 7)],
    }];
    continued_quotations(&d, &mut linked);
    assert_eq!(linked[0].content, vec![(3, 7)]);
}
