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
    assert_eq!(judged.len(), 98);
    let (correct, n, missing) = eval::judged_accuracy(&result, &judged);
    assert!(
        missing.is_empty(),
        "judged cases no longer among the gold sources: {missing:?}"
    );
    // 80/100 when the sample was judged (79/98 once two headline names left it); a drop below
    // 75% is a regression.
    assert!(
        correct * 100 >= 75 * n,
        "{correct}/{n} judged names correct"
    );
}

/// A spokesperson, aide, lawyer or adviser named in a source is the speaker, never the
/// person they speak for; an unnamed one is anonymous, not the principal.
#[test]
fn spokespeople_are_not_their_principals() {
    let cases: [(&str, Option<&str>); 10] = [
        (
            "Senator Maria Alvarez met voters in Reno on Tuesday. Alvarez campaign spokesman Tom Becker said the event drew 2,000 people.",
            Some("Tom Becker"),
        ),
        (
            "Governor Paul Hendricks signed the bill on Friday. \"This is a good day for the state,\" Hendricks spokeswoman Laura Kim said.",
            Some("Laura Kim"),
        ),
        (
            "Mayor Ellen Ford faces a recall vote. Ford's lawyer said the petition was invalid.",
            None,
        ),
        (
            "Representative James Ortiz denied the report. An attorney for Ortiz, Daniel Weiss, said the claims were false.",
            Some("Daniel Weiss"),
        ),
        (
            "Senator Ruth Baker has not commented. Baker aides said she would speak next week.",
            None,
        ),
        (
            "Governor Mark Tillman was in Ohio. A spokeswoman for Mark Tillman said the trip was private.",
            None,
        ),
        (
            "Candidate Sofia Reyes leads the polls. Reyes campaign manager Peter Lang said the lead would hold.",
            Some("Peter Lang"),
        ),
        (
            "Secretary Alan Cho resigned on Monday. Cho communications director Nina Patel said he would not seek office again.",
            Some("Nina Patel"),
        ),
        (
            "Senator Greg Moss voted against the plan. One of Mr. Moss's advisers said the vote was about cost.",
            None,
        ),
        (
            "Mayor Dana Price opened the bridge. White House spokesman Carl Evans said the federal grant had paid for it.",
            Some("Carl Evans"),
        ),
    ];
    let pipeline = Pipeline::new();
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let article = verbatim_core::Article {
            text: text.into(),
            ..Default::default()
        };
        let a = pipeline.analyze(&article);
        // The attribution of the second sentence.
        let second = text.find(". ").map_or(0, |i| i + 2);
        let Some(att) = a.attributions.iter().find(|x| x.start() >= second) else {
            wrong.push(format!("{text}: no attribution found"));
            continue;
        };
        let speaker = att.speaker.as_ref();
        let name = speaker.map(|s| s.name.as_str());
        let ok = match want {
            Some(w) => name == Some(w),
            // Unnamed: no person entity, and not the principal's name.
            None => speaker.is_some_and(|s| s.entity.is_none()),
        };
        if !ok {
            wrong.push(format!("{text}: speaker {speaker:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
