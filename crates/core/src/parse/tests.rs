use super::*;
use crate::pos::{tag_id, PosTagger};
use crate::segment::Segmenter;
use std::sync::OnceLock;

fn models() -> &'static crate::SyntaxPipeline {
    static M: OnceLock<crate::SyntaxPipeline> = OnceLock::new();
    M.get_or_init(crate::SyntaxPipeline::new)
}

/// Segments, tags and parses `text`; returns the segmentation and syntax.
fn parsed(text: &str) -> (Segmentation, Syntax) {
    models().syntax(text)
}

/// The token whose text is `word` (the first one).
fn tok(text: &str, seg: &Segmentation, word: &str) -> usize {
    seg.tokens
        .iter()
        .position(|t| &text[t.span.range()] == word)
        .unwrap_or_else(|| panic!("no token {word:?}"))
}

fn word<'a>(text: &'a str, seg: &Segmentation, t: Option<usize>) -> Option<&'a str> {
    t.map(|t| &text[seg.tokens[t].span.range()])
}

#[test]
fn embedded_model_round_trips() {
    let p = Parser::embedded();
    assert_eq!(
        p.to_bytes(),
        EMBEDDED,
        "the committed file is what to_bytes writes"
    );
    assert_eq!(Parser::from_bytes(&p.to_bytes()).unwrap(), p);
    let (m, l, q) = p.sizes();
    assert!(m > 1000 && l > 1000 && q > 100, "{m} {l} {q}");
}

#[test]
fn corrupt_or_foreign_files_are_refused() {
    let e = Parser::from_bytes(b"nonsense").unwrap_err().to_string();
    assert!(e.contains("parse"), "{e}");
    let pos = PosTagger::embedded().to_bytes();
    let e = Parser::from_bytes(&pos).unwrap_err().to_string();
    assert!(
        e.contains("bad settings") || e.contains("weight tables"),
        "{e}"
    );
}

#[test]
fn labels_are_named_consistently() {
    for (label, name) in [
        (Label::ROOT, "root"),
        (Label::PUNCT, "punct"),
        (Label::NMOD, "nmod"),
        (Label::NSUBJ, "nsubj"),
        (Label::DOBJ, "dobj"),
        (Label::NMOD_POSS, "nmod:poss"),
        (Label::CCOMP, "ccomp"),
        (Label::XCOMP, "xcomp"),
        (Label::DEP, "dep"),
        (Label::APPOS, "appos"),
        (Label::NSUBJPASS, "nsubjpass"),
        (Label::PARATAXIS, "parataxis"),
        (Label::CSUBJ, "csubj"),
        (Label::IOBJ, "iobj"),
        (Label::CSUBJPASS, "csubjpass"),
    ] {
        assert_eq!(label.name(), name);
        assert_eq!(Label::from_name(name), Some(label));
    }
    assert_eq!(Label::from_name("nsubj:xsubj"), None);
}

/// A parse from `(head, label)` pairs (`None`: root).
fn tree(arcs: &[(Option<usize>, &str)]) -> Parse {
    let heads: Vec<Option<usize>> = arcs.iter().map(|a| a.0).collect();
    let labels: Vec<Label> = arcs
        .iter()
        .map(|a| Label::from_name(a.1).unwrap())
        .collect();
    Parse::from_heads(&heads, &labels)
}

#[test]
fn the_api_reads_a_tree() {
    // 0 Tapper 1 , 2 the 3 host 4 , 5 said 6 he 7 expects 8 to 9 win
    let p = tree(&[
        (Some(5), "nsubj"),
        (Some(0), "punct"),
        (Some(3), "det"),
        (Some(0), "appos"),
        (Some(0), "punct"),
        (None, "root"),
        (Some(7), "nsubj"),
        (Some(5), "ccomp"),
        (Some(9), "mark"),
        (Some(7), "xcomp"),
    ]);
    assert_eq!(p.len(), 10);
    assert_eq!(p.head(5), None);
    assert_eq!(p.head(0), Some(5));
    assert_eq!(p.label(3), Label::APPOS);
    assert_eq!(p.subtree(0), 0..5);
    assert_eq!(p.subtree(7), 6..10);
    assert_eq!(p.subtree(5), 0..10);
    assert_eq!(p.subtree(2), 2..3);
    assert_eq!(p.children(0).collect::<Vec<_>>(), vec![1, 3, 4]);
    assert_eq!(p.subject(5), Some(0));
    assert_eq!(p.complement(5), Some(7));
    // "to win" has no subject of its own: the one of "expects".
    assert_eq!(p.subject(9), Some(6));
    assert_eq!(p.appositions(0).collect::<Vec<_>>(), vec![3]);
    assert_eq!(p.object(5), None);
    // Out of range is no panic.
    assert_eq!(p.head(99), None);
    assert_eq!(p.children(99).count(), 0);
    assert_eq!(p.subtree(99), 99..99);
}

#[test]
fn a_cycle_in_given_heads_is_no_hang() {
    let p = tree(&[(Some(1), "dep"), (Some(0), "dep"), (None, "root")]);
    assert_eq!(p.subtree(2), 2..3);
    assert_eq!(p.subtree(0), 0..1);
}

#[test]
fn parses_reporting_clauses() {
    let text = "Smith said he won the race.";
    let (seg, syn) = parsed(text);
    let said = tok(text, &seg, "said");
    assert_eq!(syn.parse.head(said), None, "the verb is the root");
    assert_eq!(word(text, &seg, syn.parse.subject(said)), Some("Smith"));
    assert_eq!(word(text, &seg, syn.parse.complement(said)), Some("won"));
    let won = tok(text, &seg, "won");
    let sub = syn.parse.subtree(won);
    assert_eq!(
        &text[seg.tokens[sub.start].span.start..seg.tokens[sub.end - 1].span.end],
        "he won the race"
    );
}

#[test]
fn parses_appositions_and_possessives() {
    let text = "Jake Tapper, the CNN host, said Donald Trump's son was wrong.";
    let (seg, syn) = parsed(text);
    let tapper = tok(text, &seg, "Tapper");
    let host = tok(text, &seg, "host");
    assert_eq!(
        syn.parse.appositions(tapper).collect::<Vec<_>>(),
        vec![host]
    );
    let said = tok(text, &seg, "said");
    assert_eq!(syn.parse.subject(said), Some(tapper));
    let trump = tok(text, &seg, "Trump");
    let son = tok(text, &seg, "son");
    assert_eq!(syn.parse.possessed(trump), Some(son));
    assert_eq!(syn.parse.label(trump), Label::NMOD_POSS);
}

#[test]
fn every_sentence_is_one_tree() {
    let text = "\"We will win,\" she said. Officials, who spoke on condition of anonymity, \
                declined. ... !!! Ok";
    let (seg, syn) = parsed(text);
    for s in &seg.sentences {
        let roots = s
            .tokens
            .clone()
            .filter(|&t| syn.parse.head(t).is_none())
            .count();
        assert_eq!(roots, 1, "{:?}", &text[s.span.range()]);
        for t in s.tokens.clone() {
            if let Some(h) = syn.parse.head(t) {
                assert!(s.tokens.contains(&h), "heads stay in the sentence");
            }
        }
    }
}

#[test]
fn tags_of_the_wrong_length_are_no_panic() {
    let parser = Parser::embedded();
    let text = "He said so.";
    let seg = Segmenter::new().segment(text);
    let p = parser.parse(text, &seg, &[tag_id("NN").unwrap()]);
    assert_eq!(p.len(), seg.tokens.len());
    let p = parser.parse("", &Segmentation::default(), &[]);
    assert!(p.is_empty());
}

fn conllu_of(id: &str, text: &str) -> String {
    let (seg, syn) = parsed(text);
    let mut out = String::new();
    conllu::write(id, text, &seg, &syn, &mut out);
    out
}

#[test]
fn conllu_is_valid_and_slices_back() {
    let text = "Café owner Zoë said: \"It’s over.\"\n\nShe left.\tThe end";
    let out = conllu_of("a1", text);
    assert!(out.starts_with("# newdoc id = a1\n# sent_id = a1-1\n# text = "));
    let n = conllu::validate(&out, |id| (id == "a1").then(|| text.to_string())).unwrap();
    assert!(n >= 2, "{out}");
    // Code-point offsets: "Zoë" starts at 11 and ends at 14 in code points.
    assert!(out.contains("Zoë\t_\tPROPN\tNNP\t_\t"), "{out}");
    assert!(out.contains("TokenRange=11:14"), "{out}");
    // A wrong FORM is caught.
    let broken = out.replacen("\tZoë\t", "\tZoe\t", 1);
    assert!(conllu::validate(&broken, |_| Some(text.to_string())).is_err());
    // Two roots are caught.
    let two_roots = "# newdoc id = x\n1\ta\t_\t_\t_\t_\t0\troot\t_\tTokenRange=0:1\n2\tb\t_\t_\t_\t_\t0\troot\t_\tTokenRange=2:3\n\n";
    let e = conllu::validate(two_roots, |_| Some("a b".into())).unwrap_err();
    assert!(e.contains("one root"), "{e}");
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn conllu_of_odd_text_is_valid(text in "[a-zA-Z0-9 ,.;:!?\"'“”‘’()\\-—\\n\\téü\u{2028}]{0,160}") {
            let out = conllu_of("doc", &text);
            let checked = conllu::validate(&out, |_| Some(text.clone()));
            prop_assert!(checked.is_ok(), "{:?}\n{}", checked, out);
        }
    }
}
