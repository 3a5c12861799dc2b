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

/// Runs the default pipeline and renders each attribution's speaker with its provenance:
/// `source → name [via, role, affiliation]`.
fn provenance(text: &str) -> Vec<String> {
    let article = Article {
        text: text.to_string(),
        ..Default::default()
    };
    let analysis = Pipeline::new().analyze(&article);
    analysis
        .attributions
        .iter()
        .filter_map(|a| {
            let s = a.speaker.as_ref()?;
            let src = a.source.first()?.cover(*a.source.last()?).slice(text);
            Some(format!(
                "{src} → {} [{}, {}, {}]",
                s.name,
                s.via().as_str(),
                s.role.as_deref().unwrap_or("-"),
                s.affiliation.as_deref().unwrap_or("-"),
            ))
        })
        .collect()
}

#[test]
fn spokespeople_lawyers_and_aides_speak_for_themselves() {
    // Ten sentences of our own: the person who spoke is the speaker, never the principal.
    let cases: &[(&str, &str)] = &[
        (
            "Hillary Clinton campaigned in Ohio. Clinton campaign spokesman Brian Fallon said the \
             report was wrong.",
            "Brian Fallon",
        ),
        (
            "Donald Trump spoke in Iowa. Trump campaign spokesman Jason Miller said the polls were \
             rigged.",
            "Jason Miller",
        ),
        (
            "Jill Stein filed for a recount. Stein spokeswoman Melezia Figueroa said the count \
             would start Monday.",
            "Melezia Figueroa",
        ),
        (
            "Jeff Sessions met the envoy twice. Sessions' spokeswoman Sarah Isgur Flores said \
             there was nothing misleading about his answer.",
            "Sarah Isgur Flores",
        ),
        (
            "Bryan Pagliano refused to testify. An attorney for Pagliano, Mark MacDougall, said \
             his client would not appear.",
            "Mark MacDougall",
        ),
        (
            "Paul Manafort resigned in August. Manafort's lawyer Kevin Downing said the charges \
             were ridiculous.",
            "Kevin Downing",
        ),
        (
            "Marco Rubio spoke in Miami. Rubio adviser Todd Harris said the senator would stay \
             in the race.",
            "Todd Harris",
        ),
        (
            "Bernie Sanders won the state. Sanders campaign manager Jeff Weaver said the \
             superdelegates should listen.",
            "Jeff Weaver",
        ),
        (
            "Ted Cruz attacked the front-runner. Cruz spokeswoman Alice Stewart said the senator \
             had never changed his views.",
            "Alice Stewart",
        ),
        (
            "Barack Obama signed the order. White House press secretary Josh Earnest said the \
             president acted within his powers.",
            "Josh Earnest",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, speaker) in cases {
        let got = provenance(text);
        let named = got.iter().any(|g| {
            g.split(" → ")
                .nth(1)
                .is_some_and(|rest| rest.starts_with(&format!("{speaker} [")))
        });
        if !named {
            wrong.push(format!("{text:?}: {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The principal and the role are kept.
    let fallon = provenance(cases[0].0);
    assert!(
        fallon
            .iter()
            .any(|g| g.ends_with("Brian Fallon [name, spokesman, Hillary Clinton campaign]")),
        "{fallon:?}"
    );
}

#[test]
fn inferred_speakers_say_how_and_from_which_mention() {
    let text = "Attorney General Jeff Sessions met the envoy. \"It is false,\" he said. \
                Sessions added that he would not resign.";
    let article = Article {
        text: text.to_string(),
        ..Default::default()
    };
    let analysis = Pipeline::new().analyze(&article);
    let speakers: Vec<&crate::resolve::Speaker> = analysis
        .attributions
        .iter()
        .filter_map(|a| a.speaker.as_ref())
        .collect();
    let he = speakers
        .iter()
        .find(|s| s.via() == crate::resolve::Via::Pronoun)
        .expect("the pronoun source is resolved");
    assert_eq!(he.name, "Jeff Sessions");
    assert_eq!(
        he.antecedent.map(|a| a.slice(text)),
        Some("Jeff Sessions"),
        "the pronoun points at the mention it was resolved to"
    );
    assert!(
        he.gender.is_some(),
        "a person speaker has a gender, unknown or not"
    );
    assert!((0.0..=1.0).contains(&he.confidence));
    let alias = speakers
        .iter()
        .find(|s| s.via() == crate::resolve::Via::Alias)
        .expect("the surname source is an alias");
    assert_eq!(
        alias.antecedent.map(|a| a.slice(text)),
        Some("Jeff Sessions")
    );
}

#[test]
fn the_writers_own_i_is_the_byline() {
    let text = "I have covered the senator for a decade. I believe the bill will pass, \
                whatever the leaders say.";
    let article = Article {
        text: text.to_string(),
        meta: crate::article::Meta {
            byline: Some("By Jane Roe".to_string()),
            ..Default::default()
        },
        ..Default::default()
    };
    let i = speakers(&article)
        .into_iter()
        .find(|s| s.via() == crate::resolve::Via::Byline)
        .expect("the writer's I is resolved to the byline");
    assert_eq!(i.name, "Jane Roe");
    assert_eq!(i.kind, SpeakerType::Person);
    assert_eq!(i.antecedent, None);
}

#[test]
fn a_pronouns_campaign_and_the_company_named_last() {
    let got = provenance(
        "Bernie Sanders spoke in Iowa on Monday. His campaign said the crowd was the largest yet.",
    );
    assert!(
        got.iter()
            .any(|g| g.starts_with("His campaign → Sanders campaign [pronoun, -, Bernie Sanders]")),
        "{got:?}"
    );
    let got = provenance(
        "Exxon Mobil reported a loss on Friday. The company said oil prices would recover.",
    );
    assert!(
        got.iter()
            .any(|g| g.starts_with("The company → Exxon Mobil [description")),
        "{got:?}"
    );
}

/// The speakers the default pipeline resolves in `article`, in attribution order.
fn speakers(article: &Article) -> Vec<crate::resolve::Speaker> {
    Pipeline::new()
        .analyze(article)
        .attributions
        .into_iter()
        .filter_map(|a| a.speaker)
        .collect()
}

/// Asserts that one rendered speaker starts with `prefix`.
fn has(got: &[String], prefix: &str) {
    assert!(got.iter().any(|g| g.starts_with(prefix)), "{got:?}");
}

#[test]
fn it_is_the_organisation_named_last_unless_a_document_came_between() {
    let got = provenance(
        "The International Monetary Fund cut its forecast on Tuesday. \
         It said global growth would slow to 3.1 percent next year.",
    );
    has(&got, "It → International Monetary Fund [pronoun");
    // The acronym is the same organisation: "it" after "the IMF" names it in full.
    let got = provenance(
        "The International Monetary Fund met in Lima. Officials at the IMF were gloomy. \
         It said growth would slow.",
    );
    has(&got, "It → International Monetary Fund [pronoun");
    // "The report ... It said": the document, not the agency that received it.
    let got = provenance(
        "The FDIC received the report in May. The report also listed three breaches. \
         It said officials had concealed the losses.",
    );
    assert!(!got.iter().any(|g| g.starts_with("It → FDIC")), "{got:?}");
}

#[test]
fn a_relative_pronoun_reaches_the_name_its_noun_stands_beside() {
    let got = provenance(
        "Also protected was Heather Samuelson, a campaign staffer who told investigators \
         that she had sorted the emails.",
    );
    has(&got, "who → Heather Samuelson [pronoun");
}

#[test]
fn a_pronoun_is_not_its_own_clauses_object() {
    // Hannity spoke last, but "he told Hannity" cannot be Hannity.
    let got = provenance(
        "Sean Hannity asked Donald Trump how high the wall would be. \
         \"It could be 35 feet,\" he told Hannity.",
    );
    has(&got, "he → Donald Trump [pronoun");
}

#[test]
fn a_name_that_modifies_a_noun_is_not_the_pronouns_antecedent() {
    // "Trump" modifies "campaign": the man who can be meant is Pence.
    let got = provenance(
        "Donald Trump held a rally in Texas on Saturday. Mike Pence met voters in Ohio on \
         Monday. The Trump campaign called the event a success. He said the crowd was the \
         largest of the year.",
    );
    has(&got, "He → Mike Pence [pronoun");
}

#[test]
fn a_letter_writers_i_is_the_signature_below_it() {
    let text = "LETTERS.\n\nI believe the senator has lost his way on trade.\n\nThe plan will \
                fail.\n\nMichael Pravica.\n\nHenderson, Nev.\n\nI think the plan is sound, and I \
                said so.\n\nChris Smith.\n";
    let got = provenance(text);
    has(&got, "I → Michael Pravica [byline");
    has(&got, "I → Chris Smith [byline");
    // The second letter's "I" is its own writer's, not the first's.
    let first = got
        .iter()
        .filter(|g| g.starts_with("I → Michael Pravica"))
        .count();
    assert_eq!(first, 1, "{got:?}");
    // The speaker points at the signature it was read from.
    let article = Article {
        text: text.to_string(),
        ..Default::default()
    };
    let signed = speakers(&article)
        .into_iter()
        .find(|s| s.name == "Michael Pravica")
        .expect("the first letter's I is resolved");
    assert_eq!(
        signed.antecedent.map(|a| a.slice(text)),
        Some("Michael Pravica")
    );
}

#[test]
fn his_website_is_issued_by_the_person_his_is() {
    let got = provenance(
        "Donald Trump spoke in Ohio on Monday. His website says the plan will cut taxes.",
    );
    has(&got, "His website → Donald Trump [issuer");
}
