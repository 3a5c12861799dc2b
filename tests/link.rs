//! Linking across articles through the CLI, on both backends: the bundled four-outlet story
//! (`examples/articles/sessions-four-outlets.jsonl`: one Sessions statement carried in full,
//! trimmed, re-punctuated and altered; one Ryan statement in full and trimmed) gives the right
//! clusters, earliest article and altered flag; speakers are joined and explained; user rules
//! survive ingesting more articles.

use crate::common::{json_lines, TempDir};
use crate::store::{backends, check, TestDb};
use serde_json::Value;

const STORY: &str = "examples/articles/sessions-four-outlets.jsonl";

/// The store id of the article with input id `key`.
fn article_id(db: &TestDb, key: &str) -> i64 {
    let json = check(db, &["show", key, "--format", "json"], 0, &[]);
    let record: Value = serde_json::from_str(&json).unwrap();
    record["id"].as_i64().unwrap()
}

fn cluster(db: &TestDb, id: i64) -> Value {
    let json = check(
        db,
        &["cluster", &id.to_string(), "--format", "json"],
        0,
        &[],
    );
    serde_json::from_str(&json).unwrap()
}

/// (outlet, altered) of every member, in the order the cluster lists them.
fn members(c: &Value) -> Vec<(String, bool)> {
    c["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["outlet"].as_str().unwrap().to_string(),
                m["altered"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
    v.iter().map(|(o, a)| (o.to_string(), *a)).collect()
}

#[test]
fn one_story_from_four_outlets_clusters_and_flags_the_altered_quote() {
    for db in backends("link") {
        check(&db, &["ingest", STORY], 0, &[]);
        let listed = check(&db, &["quotes", "--cluster", "--format", "json"], 0, &[]);
        let clusters = json_lines(listed.as_bytes());
        assert_eq!(clusters.len(), 2, "{listed}");
        let (sessions, ryan) = (&clusters[0], &clusters[1]);
        assert_eq!(sessions["speaker"], "Jeff Sessions", "{listed}");
        assert_eq!(sessions["n_articles"], 4);
        assert_eq!(sessions["n_altered"], 1);
        assert_eq!(ryan["speaker"], "Paul Ryan", "{listed}");
        assert_eq!(ryan["n_articles"], 3);
        assert_eq!(ryan["n_altered"], 0);

        // Earliest by UTC: the Delhi Gazette's 08:30 IST (03:00 UTC) is before the Harbor
        // Herald's 23:00 EST the evening before (04:00 UTC), though its date string is later.
        let gazette = article_id(&db, "gazette-2017-03-03-sessions-denial");
        let c = cluster(&db, sessions["id"].as_i64().unwrap());
        assert_eq!(c["earliest"].as_i64(), Some(gazette), "{c}");
        assert_eq!(c["speaker"], "Jeff Sessions");
        assert_eq!(
            members(&c),
            owned(&[
                ("Delhi Gazette", false),
                ("Harbor Herald", false),    // trimmed, curly quotes
                ("Lakeside Tribune", false), // re-punctuated, trimmed
                ("Evening Bulletin", true),  // "issues of the campaign" -> "the election campaign"
            ])
        );
        for m in c["members"].as_array().unwrap() {
            for field in ["article", "published", "text"] {
                assert!(!m[field].is_null(), "{field} in {m}");
            }
        }
        let altered = &c["members"][3]["diff"];
        let changed: Vec<(&str, &str)> = altered
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["op"] == "added" || p["op"] == "removed")
            .map(|p| (p["op"].as_str().unwrap(), p["text"].as_str().unwrap()))
            .collect();
        assert_eq!(
            changed,
            [("removed", "issues of"), ("added", "election")],
            "{altered}"
        );
        let table = check(
            &db,
            &["cluster", &sessions["id"].to_string()],
            0,
            &["ALTERED", "{+election+}", "Delhi Gazette"],
        );
        assert_eq!(table.matches("ALTERED").count(), 1, "{table}");
        let only_altered = check(&db, &["quotes", "--cluster", "--altered"], 0, &[]);
        assert!(only_altered.contains("Jeff Sessions"), "{only_altered}");
        assert!(!only_altered.contains("Paul Ryan"), "{only_altered}");
        check(&db, &["cluster", "999999"], 1, &[]);

        // Quotes carry their canonical speaker, cluster, article, outlet and publication.
        let json = check(
            &db,
            &["quotes", "--speaker", "Ryan", "--format", "json"],
            0,
            &[],
        );
        let quotes = json_lines(json.as_bytes());
        for q in &quotes {
            assert_eq!(q["speaker"], "Paul Ryan", "{q}");
            for field in ["article", "outlet", "published"] {
                assert!(!q[field].is_null(), "{field} in {q}");
            }
        }
        let clustered: Vec<&Value> = quotes.iter().filter(|q| !q["cluster"].is_null()).collect();
        assert_eq!(clustered.len(), 3, "{json}");
        assert!(
            clustered.iter().all(|q| q["cluster"] == ryan["id"]),
            "{json}"
        );

        // One speaker per person, with aliases; --explain says why.
        let json = check(&db, &["speakers", "--format", "json"], 0, &[]);
        let speakers = json_lines(json.as_bytes());
        let sessions = speakers
            .iter()
            .find(|s| s["name"] == "Jeff Sessions")
            .expect("Jeff Sessions");
        assert_eq!(sessions["type"], "person");
        assert!(sessions["n_quotes"].as_i64().unwrap() >= 4, "{sessions}");
        let aliases: Vec<&str> = sessions["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(
            aliases.contains(&"Attorney General Jeff Sessions"),
            "{aliases:?}"
        );
        assert_eq!(
            speakers.iter().filter(|s| s["name"] == "Paul Ryan").count(),
            1,
            "{json}"
        );
        check(
            &db,
            &["speakers", "--explain", "Ryan"],
            0,
            &["Paul Ryan", "surname alone; the only person named Ryan"],
        );
        check(&db, &["speakers", "--explain", "Zaphod"], 1, &[]);
    }
}

#[test]
fn alias_rules_split_join_and_survive_ingest() {
    let tmp = TempDir::new("link_rules");
    let more = tmp.path().join("more.jsonl");
    std::fs::write(
        &more,
        r#"{"id": "later", "outlet": "Wire", "published": "2017-03-05", "text": "\"We will see,\" Ryan said on Sunday."}
"#,
    )
    .unwrap();
    let rules = tmp.path().join("rules.tsv");
    for db in backends("link_rules") {
        check(&db, &["ingest", STORY], 0, &[]);
        check(&db, &["alias", "split", "Ryan"], 0, &[]);
        let json = check(
            &db,
            &["speakers", "--name", "Ryan", "--format", "json"],
            0,
            &[],
        );
        let names = json_lines(json.as_bytes());
        let mut names: Vec<&str> = names.iter().map(|s| s["name"].as_str().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["Paul Ryan", "Ryan"], "{json}");
        // The rule holds for articles ingested afterwards.
        check(&db, &["ingest", more.to_str().unwrap()], 0, &[]);
        let json = check(
            &db,
            &["quotes", "--speaker", "Ryan", "--format", "json"],
            0,
            &[],
        );
        let later: Vec<Value> = json_lines(json.as_bytes())
            .into_iter()
            .filter(|q| q["content_text"].as_str().unwrap().contains("We will see"))
            .collect();
        assert_eq!(later.len(), 1, "{json}");
        assert_eq!(later[0]["speaker"], "Ryan");
        // Rules export to a file and load into another store.
        let listed = check(&db, &["alias", "list"], 0, &["split\tRyan"]);
        std::fs::write(&rules, listed).unwrap();
        check(&db, &["alias", "remove", "Ryan"], 0, &[]);
        check(&db, &["alias", "remove", "Ryan"], 1, &[]);
        check(&db, &["alias", "join", "Ryan", "Paul Ryan"], 0, &[]);
        let json = check(
            &db,
            &["speakers", "--name", "Ryan", "--format", "json"],
            0,
            &[],
        );
        let joined = json_lines(json.as_bytes());
        assert_eq!(joined.len(), 1, "{json}");
        assert_eq!(joined[0]["name"], "Paul Ryan");
        // Every Ryan quote, the later article's included, is now Paul Ryan's.
        let all = check(
            &db,
            &[
                "quotes",
                "--speaker",
                "Ryan",
                "--format",
                "json",
                "--limit",
                "100",
            ],
            0,
            &[],
        );
        let all = json_lines(all.as_bytes());
        assert!(all.len() >= 4, "{all:?}");
        assert!(all.iter().all(|q| q["speaker"] == "Paul Ryan"), "{all:?}");
        assert_eq!(
            joined[0]["n_quotes"].as_u64(),
            Some(all.len() as u64),
            "{json}"
        );
    }
    let fresh = backends("link_rules_fresh");
    let db = &fresh[0];
    check(
        db,
        &["ingest", "--aliases", rules.to_str().unwrap(), STORY],
        0,
        &[],
    );
    check(
        db,
        &["speakers", "--name", "Ryan"],
        0,
        &["Paul Ryan", "Ryan"],
    );
    let bad = tmp.path().join("bad.tsv");
    std::fs::write(&bad, "merge\tA\tB\n").unwrap();
    check(db, &["alias", "load", bad.to_str().unwrap()], 2, &[]);
}
