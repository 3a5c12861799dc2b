//! Properties of the whole pipeline over arbitrary text: it never panics, and every span it
//! reports (as code points, through the JSON record) slices back to text inside the article.

use proptest::prelude::*;
use verbatim_core::wire::ExtractRecord;
use verbatim_core::{Article, Pipeline};

fn pipeline() -> &'static Pipeline {
    static PIPELINE: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
    PIPELINE.get_or_init(Pipeline::new)
}

/// Text that looks like news often enough to trigger every stage: quotes of all styles,
/// reporting verbs, names, "according to", colons, newlines, odd Unicode.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("'".to_string()),
        Just("«".to_string()),
        Just(" said ".to_string()),
        Just(" told reporters".to_string()),
        Just("According to CNN, ".to_string()),
        Just(": ".to_string()),
        Just(", he said. ".to_string()),
        Just("Donald Trump".to_string()),
        Just(" the President ".to_string()),
        Just("A Justice official".to_string()),
        Just("U.S. ".to_string()),
        Just("\n\n".to_string()),
        Just(". ".to_string()),
        "[a-zA-Z ]{0,12}",
        "\\PC{0,6}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn check_record(text: &str) {
    let article = Article {
        text: text.to_string(),
        ..Default::default()
    };
    let analysis = pipeline().analyze(&article);
    let record = ExtractRecord::new(&article, &analysis);
    let n_chars = text.chars().count();
    let spans = record
        .attributions
        .iter()
        .flat_map(|a| a.source.iter().chain(&a.cue).chain(&a.content))
        .chain(record.entities.iter().flat_map(|e| e.mentions.iter()));
    for &[s, e] in spans {
        assert!(
            s < e && e <= n_chars,
            "span [{s}, {e}] outside a text of {n_chars} chars: {text:?}"
        );
    }
    for a in &analysis.attributions {
        for span in a.source.iter().chain(&a.cue).chain(&a.content) {
            assert!(
                text.get(span.range()).is_some(),
                "byte span {span:?} not on char boundaries of {text:?}"
            );
        }
    }
    serde_json::to_string(&record).expect("the record serialises");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_never_panics(text in "\\PC{0,300}") {
        check_record(&text);
    }

    #[test]
    fn newsish_text_gives_valid_spans(text in newsish()) {
        check_record(&text);
    }
}
