use crate::article::Article;
use crate::pipeline::Pipeline;
use crate::resolve::SpeakerType;

/// Runs the default pipeline and renders each attribution's speaker as
/// `source → name (type)`.
fn check(text: &str, expected: &[&str]) {
    let article = Article {
        text: text.to_string(),
        ..Default::default()
    };
    let analysis = Pipeline::new().analyze(&article);
    let got: Vec<String> = analysis
        .attributions
        .iter()
        .filter_map(|a| {
            let s = a.speaker.as_ref()?;
            let src = a.source.first()?.cover(*a.source.last()?).slice(text);
            Some(format!("{src} → {} ({})", s.name, s.kind.as_str()))
        })
        .collect();
    assert_eq!(got, expected, "in {text:?}");
}

#[test]
fn names_titles_and_pronouns() {
    check(
        "U.S. President Donald Trump visited Ohio. The weather was fine. The President said the plan would work.",
        &["The President → Donald Trump (person)"],
    );
    check(
        "Sarah Isgur Flores spoke on Monday. \"We are done,\" Isgur Flores said.",
        &["Isgur Flores → Sarah Isgur Flores (person)"],
    );
    check(
        "Attorney General Jeff Sessions met the envoy. \"It is false,\" he said in a statement.",
        &["he → Jeff Sessions (person)"],
    );
}

#[test]
fn courtesy_titles_keep_people_with_one_surname_apart() {
    check(
        "Bill Clinton spoke in Ohio on Monday. Hillary Clinton spoke in Iowa. \
         Mr. Clinton said the crowd was large. Mrs. Clinton said the race was close.",
        &[
            "Mr. Clinton → Bill Clinton (person)",
            "Mrs. Clinton → Hillary Clinton (person)",
        ],
    );
}

#[test]
fn anonymous_groups_documents_and_outlets() {
    check(
        "A Justice official said Sessions did nothing wrong.",
        &["A Justice official → A Justice official (anonymous)"],
    );
    check(
        "According to CNN, the talks failed.",
        &["CNN → CNN (organization)"],
    );
    check(
        "Several Republicans said the bill would fail.",
        &["Several Republicans → Republicans (group)"],
    );
    check(
        "Police said the suspect fled on foot.",
        &["Police → Police (organization)"],
    );
    check(
        "A new poll shows the race tightening.",
        &["A new poll → A new poll (document)"],
    );
}

#[test]
fn anonymous_sources_keep_their_affiliation() {
    let text = "A White House official said the meeting was routine.";
    let analysis = Pipeline::new().analyze(&Article {
        text: text.into(),
        ..Default::default()
    });
    let speaker = analysis.attributions[0].speaker.clone().unwrap();
    assert_eq!(speaker.kind, SpeakerType::Anonymous);
    assert_eq!(speaker.affiliation.as_deref(), Some("White House"));
    assert_eq!(
        speaker.description.as_deref(),
        Some("A White House official (White House)")
    );
}

#[test]
fn a_pronoun_continues_the_last_speaker() {
    // Trump is a known man (first-name table) and the subject two sentences back; the last
    // speaker, of no known gender, is the one who "added".
    check(
        "Donald Trump spoke in Ohio on Monday. Zbigniew Qwerty said the plan would fail. He added that voters knew it.",
        &[
            "Zbigniew Qwerty → Zbigniew Qwerty (person)",
            "He → Zbigniew Qwerty (person)",
        ],
    );
    // Another person named as a subject in between breaks the chain.
    check(
        "Senator Zbigniew Qwerty said the plan would fail. Donald Trump spoke in Ohio on Monday. He said voters knew it.",
        &[
            "Senator Zbigniew Qwerty → Zbigniew Qwerty (person)",
            "He → Donald Trump (person)",
        ],
    );
}

#[test]
fn a_definite_document_takes_the_issuer_named_with_it_before() {
    check(
        "A Bloomberg poll shows Clinton ahead in Ohio. The poll found that voters were tired of the race.",
        &[
            "A Bloomberg poll → Bloomberg (document)",
            "The poll → Bloomberg (document)",
        ],
    );
    // An indefinite one is another document: no issuer is carried over.
    check(
        "A Bloomberg poll shows Clinton ahead in Ohio. A poll found that voters were tired of the race.",
        &[
            "A Bloomberg poll → Bloomberg (document)",
            "A poll → A poll (document)",
        ],
    );
}
