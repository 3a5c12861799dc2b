//! Store tests on an in-memory SQLite database. The same behaviour on PostgreSQL (and
//! through the CLI) is tested by the workspace's `tests/store.rs`.

use super::*;
use verbatim_core::{Article, Meta, Pipeline, Timestamp};

fn article(id: &str, text: &str, outlet: Option<&str>, day: Option<(i32, u8, u8)>) -> Article {
    Article {
        id: id.into(),
        text: text.into(),
        meta: Meta {
            outlet: outlet.map(Into::into),
            published: day.and_then(|(y, m, d)| Timestamp::date(y, m, d)),
            ..Default::default()
        },
        origin: format!("{id}.txt"),
    }
}

fn corpus() -> Vec<Article> {
    vec![
        article(
            "a",
            "\"I never met with any Russian officials,\" Attorney General Jeff Sessions said. \
             Sessions said he would recuse himself.",
            Some("Reuters"),
            Some((2017, 3, 2)),
        ),
        article(
            "b",
            "\"I don't think so,\" President Donald Trump said on Thursday. \
             \"It is a witch hunt,\" Trump told reporters.",
            Some("AP"),
            Some((2017, 3, 3)),
        ),
        article(
            "c",
            "A Justice official said the uproar was a partisan attack.",
            None,
            None,
        ),
    ]
}

/// Each article with its analysis, ready for `ingest_batch`.
fn analyzed(articles: &[Article]) -> Vec<(Article, verbatim_core::Analysis)> {
    let pipeline = Pipeline::new();
    articles
        .iter()
        .map(|a| (a.clone(), pipeline.analyze(a)))
        .collect()
}

/// A fresh folder in the temp dir for a file store, and the store's path in it.
fn fresh_dir(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("verbatim-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("s.db");
    (dir, db)
}

/// A file store in a fresh folder holding `articles`: (folder, store path).
fn file_store_with(name: &str, articles: &[Article]) -> (std::path::PathBuf, String) {
    let (dir, db) = fresh_dir(name);
    let target = db.to_string_lossy().into_owned();
    Store::open(&target)
        .unwrap()
        .ingest_batch(&analyzed(articles))
        .unwrap();
    (dir, target)
}

fn store_with(articles: &[Article]) -> Store {
    let mut store = Store::open(":memory:").unwrap();
    let items = analyzed(articles);
    let report = store.ingest_batch(&items).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    store
}

/// (speaker name, content) of every quote the query finds, in order.
fn check(store: &mut Store, q: QuoteQuery, expected: &[(&str, &str)]) {
    let page = store.quotes(&q).unwrap();
    let got: Vec<(String, String)> = page
        .items
        .iter()
        .map(|r| {
            let name = r.speaker.clone().unwrap_or_else(|| "-".into());
            (name, r.content_text.clone())
        })
        .collect();
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want, "{q:?}");
}

fn q() -> QuoteQuery {
    QuoteQuery::default()
}

#[test]
fn quotes_are_filtered_and_ordered() {
    let mut s = store_with(&corpus());
    let all = s.quotes(&q()).unwrap();
    assert!(all.items.len() >= 4, "{all:?}");
    // newest first: article b (2017-03-03), then a (2017-03-02), then the undated c.
    let keys: Vec<&str> = all.items.iter().map(|r| r.article_key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort_by_key(|k| match *k {
        "b" => 0,
        "a" => 1,
        _ => 2,
    });
    assert_eq!(keys, sorted);
    check(
        &mut s,
        QuoteQuery {
            speaker: Some("Sessions".into()),
            kind: Some("direct".into()),
            ..q()
        },
        &[(
            "Jeff Sessions",
            "\"I never met with any Russian officials,\"",
        )],
    );
    check(
        &mut s,
        QuoteQuery {
            speaker: Some("jeff SESSIONS".into()),
            search: Some("russian".into()),
            ..q()
        },
        &[(
            "Jeff Sessions",
            "\"I never met with any Russian officials,\"",
        )],
    );
    check(
        &mut s,
        QuoteQuery {
            search: Some("witch hunt".into()),
            ..q()
        },
        &[("Donald Trump", "\"It is a witch hunt,\"")],
    );
    check(
        &mut s,
        QuoteQuery {
            search: Some("witch russian".into()),
            ..q()
        },
        &[],
    );
    check(
        &mut s,
        QuoteQuery {
            speaker: Some("Sess".into()),
            ..q()
        },
        &[],
    );
    check(
        &mut s,
        QuoteQuery {
            outlet: Some("ap".into()),
            kind: Some("direct".into()),
            ..q()
        },
        &[
            ("Donald Trump", "\"I don't think so,\""),
            ("Donald Trump", "\"It is a witch hunt,\""),
        ],
    );
    let since = s
        .quotes(&QuoteQuery {
            since: Some("2017-03-03".into()),
            ..q()
        })
        .unwrap();
    assert!(since.items.iter().all(|r| r.article_key == "b"));
    let until = s
        .quotes(&QuoteQuery {
            until: Some("2017-03-02".into()),
            ..q()
        })
        .unwrap();
    assert!(!until.items.is_empty());
    assert!(until.items.iter().all(|r| r.article_key == "a"));
    let year = s
        .quotes(&QuoteQuery {
            until: Some("2017".into()),
            ..q()
        })
        .unwrap();
    assert!(year.items.iter().all(|r| r.article_key != "c"));
    assert_eq!(
        year.items.len(),
        all.items.iter().filter(|r| r.article_key != "c").count()
    );
}

#[test]
fn bad_queries_are_errors() {
    let mut s = store_with(&corpus());
    for bad in [
        QuoteQuery {
            kind: Some("shouted".into()),
            ..q()
        },
        QuoteQuery {
            since: Some("March".into()),
            ..q()
        },
        QuoteQuery {
            until: Some("2017-3".into()),
            ..q()
        },
        QuoteQuery {
            search: Some("  \"* ".into()),
            ..q()
        },
        QuoteQuery {
            speaker: Some("--".into()),
            ..q()
        },
    ] {
        assert!(
            matches!(s.quotes(&bad), Err(Error::InvalidQuery(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn paging_walks_every_quote_once() {
    let mut s = store_with(&corpus());
    let all = s.quotes(&QuoteQuery { limit: 1000, ..q() }).unwrap();
    assert_eq!(all.next_offset, None);
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = s
            .quotes(&QuoteQuery {
                limit: 2,
                offset,
                ..q()
            })
            .unwrap();
        seen.extend(page.items.iter().map(|r| r.id));
        match page.next_offset {
            Some(n) => offset = n,
            None => break,
        }
    }
    let ids: Vec<i64> = all.items.iter().map(|r| r.id).collect();
    assert_eq!(seen, ids);
}

#[test]
fn every_page_knows_the_total() {
    let mut s = store_with(&corpus());
    let all = s.quotes(&QuoteQuery { limit: 1000, ..q() }).unwrap();
    assert!(all.items.len() >= 4, "{:?}", all.items);
    let first = s.quotes(&QuoteQuery { limit: 1, ..q() }).unwrap();
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.total, all.items.len() as u64);
    let trump = q_speaker(&mut s, "Trump");
    assert_eq!(trump.total, 2);
    // Through the search index too, on a page past the end.
    let searched = s
        .quotes(&QuoteQuery {
            search: Some("witch".into()),
            offset: 5,
            ..q()
        })
        .unwrap();
    assert!(searched.items.is_empty());
    assert_eq!(searched.total, 1);
    let none = q_speaker(&mut s, "Nobody Atall");
    assert_eq!((none.items.len(), none.total), (0, 0));
    let articles = s
        .articles(&ArticleQuery {
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(articles.total, 3);
    let speakers = s.speakers(&SpeakerQuery::default()).unwrap();
    assert_eq!(speakers.total, speakers.items.len() as u64);
}

fn q_speaker(s: &mut Store, name: &str) -> Page<QuoteRow> {
    s.quotes(&QuoteQuery {
        speaker: Some(name.into()),
        ..q()
    })
    .unwrap()
}

#[test]
fn one_quote_by_id_and_the_outlets() {
    let mut s = store_with(&corpus());
    let all = s.quotes(&QuoteQuery { limit: 1000, ..q() }).unwrap();
    for r in &all.items {
        assert_eq!(s.quote(r.id).unwrap().as_ref(), Some(r));
    }
    assert_eq!(s.quote(0).unwrap(), None);
    assert_eq!(s.quote(i64::MAX).unwrap(), None);
    let outlets: Vec<(String, String, i64)> = s
        .outlets()
        .unwrap()
        .into_iter()
        .map(|o| (o.outlet, o.name, o.n_articles))
        .collect();
    assert_eq!(
        outlets,
        [
            ("AP".to_string(), "AP".to_string(), 1),
            ("Reuters".to_string(), "Reuters".to_string(), 1)
        ]
    );
    assert_eq!(outlet_name("nyt"), "The New York Times");
    assert_eq!(outlet_name("wash-post"), "The Washington Post");
    assert_eq!(outlet_name("Harbor Herald"), "Harbor Herald");
}

#[test]
fn speakers_are_sorted_and_filtered_by_outlet_and_days() {
    let mut s = store_with(&corpus());
    let names = |s: &mut Store, q: SpeakerQuery| -> Vec<String> {
        s.speakers(&q)
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.name)
            .collect()
    };
    let by_name = names(
        &mut s,
        SpeakerQuery {
            sort: SpeakerOrder::Name,
            ..Default::default()
        },
    );
    let mut sorted = by_name.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(by_name, sorted);
    let recent = names(
        &mut s,
        SpeakerQuery {
            sort: SpeakerOrder::Recent,
            ..Default::default()
        },
    );
    assert_eq!(recent.first().map(String::as_str), Some("Donald Trump"));
    let reuters = names(
        &mut s,
        SpeakerQuery {
            outlet: Some("reuters".into()),
            ..Default::default()
        },
    );
    assert_eq!(reuters, ["Jeff Sessions"]);
    let march3 = names(
        &mut s,
        SpeakerQuery {
            since: Some("2017-03-03".into()),
            until: Some("2017-03".into()),
            ..Default::default()
        },
    );
    assert_eq!(march3, ["Donald Trump"]);
    let bad = s.speakers(&SpeakerQuery {
        since: Some("2016-13".into()),
        ..Default::default()
    });
    assert!(matches!(bad, Err(Error::InvalidQuery(_))), "{bad:?}");
}

#[test]
fn ingest_is_idempotent_by_text_and_url() {
    let mut s = store_with(&corpus());
    let before = s.stats().unwrap();
    let pipeline = Pipeline::new();
    // same text, other id: a duplicate
    let mut again = corpus()[0].clone();
    again.id = "other".into();
    let report = s
        .ingest_batch(&[(again.clone(), pipeline.analyze(&again))])
        .unwrap();
    assert_eq!((report.stored, report.duplicates), (0, 1));
    assert_eq!(s.stats().unwrap(), before);
    // same URL, other text: a duplicate too
    let mut first = article("u1", "\"Yes,\" Mary Smith said.", None, None);
    first.meta.url = Some("https://example.com/x".into());
    let mut second = article("u2", "\"No,\" Mary Smith said.", None, None);
    second.meta.url = Some("https://example.com/x".into());
    let report = s
        .ingest_batch(&[
            (first.clone(), pipeline.analyze(&first)),
            (second.clone(), pipeline.analyze(&second)),
        ])
        .unwrap();
    assert_eq!((report.stored, report.duplicates), (1, 1));
    let stats = s.stats().unwrap();
    assert_eq!(stats.articles, before.articles + 1);
}

#[test]
fn speakers_count_quotes_and_keep_aliases() {
    let mut s = store_with(&corpus());
    let page = s.speakers(&SpeakerQuery::default()).unwrap();
    let sessions = page
        .items
        .iter()
        .find(|r| r.name == "Jeff Sessions")
        .expect("Jeff Sessions is a speaker");
    assert_eq!(sessions.kind, "person");
    assert!(sessions.n_quotes >= 2, "{sessions:?}");
    assert_eq!(sessions.n_articles, 1);
    assert!(
        sessions.aliases.iter().any(|a| a == "Sessions"),
        "{:?}",
        sessions.aliases
    );
    // most quoted first
    let counts: Vec<i64> = page.items.iter().map(|r| r.n_quotes).collect();
    let mut sorted = counts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted);
    // lookup by alias, by type, by id
    let found = s
        .speakers(&SpeakerQuery {
            name: Some("sessions".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.items.len(), 1);
    let detail = s.speaker(sessions.id).unwrap().expect("speaker by id");
    let titles: Vec<&str> = detail.roles.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["attorney general"]);
    assert_eq!(
        &SpeakerRow {
            roles: Vec::new(),
            ..detail
        },
        sessions
    );
    assert_eq!(s.speaker(-1).unwrap(), None);
    let anon = s
        .speakers(&SpeakerQuery {
            kind: Some("anonymous".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(anon.items.iter().all(|r| r.kind == "anonymous"));
    assert!(
        anon.items.iter().any(|r| r.name.contains("official")),
        "{anon:?}"
    );
}

#[test]
fn articles_come_back_whole() {
    let mut s = store_with(&corpus());
    let corpus = corpus();
    let row = s.article("a").unwrap().expect("article a");
    assert_eq!(row.text, corpus[0].text);
    assert_eq!(row.published.as_deref(), Some("2017-03-02"));
    assert_eq!(row.outlet.as_deref(), Some("Reuters"));
    assert!(!row.entities.is_empty());
    assert!(!row.attributions.is_empty());
    let by_id = s.article(&row.id.to_string()).unwrap();
    assert_eq!(by_id.as_ref(), Some(&row));
    assert_eq!(s.article("nope").unwrap(), None);
    // spans are code points into the text and give the stored texts
    let chars: Vec<char> = row.text.chars().collect();
    for a in &row.attributions {
        let [s0, e0] = a.content[0];
        let piece: String = chars[s0..e0].iter().collect();
        assert!(a.content_text.starts_with(piece.trim()), "{a:?}");
    }
    let found = s
        .articles(&ArticleQuery {
            search: Some("partisan uproar".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].key, "c");
}

#[test]
fn odd_text_is_stored_verbatim() {
    let texts = [
        "",
        "\0\"Null\0bytes,\" Ann Lee said.",
        "«Ça va», a dit Émile Zola. \"Ünïcödé 😀 quotes,\" Zoë Ng said.",
        "\"unclosed quote, said nobody",
    ];
    let articles: Vec<Article> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| article(&format!("odd{i}"), t, None, None))
        .collect();
    let mut s = Store::open(":memory:").unwrap();
    let report = s.ingest_batch(&analyzed(&articles)).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    // NUL, which PostgreSQL text cannot hold, is U+FFFD on both backends (one code point for
    // one: the stored offsets hold), with a warning naming the article.
    assert_eq!(
        report.warnings,
        [(
            "odd1.txt".to_string(),
            "2 NUL character(s) stored as U+FFFD (the store's text cannot hold NUL)".to_string()
        )]
    );
    for (i, t) in texts.iter().enumerate() {
        let row = s.article(&format!("odd{i}")).unwrap().expect("stored");
        assert_eq!(row.text, t.replace('\0', "\u{FFFD}"));
    }
    let row = s.article("odd1").unwrap().unwrap();
    let nul = s
        .quotes(&QuoteQuery {
            article_id: Some(row.id),
            ..q()
        })
        .unwrap();
    assert!(!nul.items.is_empty());
    for quote in &nul.items {
        for &[start, end] in &quote.content {
            let piece: String = row.text.chars().skip(start).take(end - start).collect();
            assert!(quote.content_text.contains(piece.trim()), "{quote:?}");
        }
    }
    let found = s
        .quotes(&QuoteQuery {
            search: Some("unicode".into()),
            ..q()
        })
        .unwrap();
    assert_eq!(found.items.len(), 1, "diacritics are folded: {found:?}");
}

#[test]
fn stale_temp_files_of_the_index_are_removed_on_open() {
    let (dir, target) = file_store_with("tmpfiles", &corpus());
    let target = target.as_str();
    let index = dir.join("s.db-search");
    // What a process killed inside tantivy's atomic write leaves behind.
    std::fs::write(index.join(".tmpK1llEd"), b"{\"half\": ").unwrap();
    let mut s = Store::open(target).unwrap();
    let names: Vec<String> = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
    assert!(names.iter().any(|n| n == "meta.json"), "{names:?}");
    assert_eq!(quote_keys(&mut s, "witch hunt"), ["b"]);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_lost_search_index_is_rebuilt_from_the_record() {
    let (dir, db) = fresh_dir("index");
    let target = db.to_str().unwrap();
    let search = |store: &mut Store, words: &str| -> Vec<i64> {
        let q = QuoteQuery {
            search: Some(words.into()),
            ..q()
        };
        store
            .quotes(&q)
            .unwrap()
            .items
            .iter()
            .map(|r| r.id)
            .collect()
    };
    let items = analyzed(&corpus());
    let before = {
        let mut store = Store::open(target).unwrap();
        store.ingest_batch(&items).unwrap();
        search(&mut store, "witch hunt")
    };
    assert_eq!(before.len(), 1);
    std::fs::remove_dir_all(dir.join("s.db-search")).unwrap();
    let mut store = Store::open(target).unwrap();
    assert_eq!(search(&mut store, "witch hunt"), before);
    assert_eq!(search(&mut store, "recuse").len(), 1);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// (canonical name, type, quotes, articles) of every speaker, most quoted first.
fn speaker_table(s: &mut Store) -> Vec<(String, String, i64, i64)> {
    let page = s
        .speakers(&SpeakerQuery {
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    page.items
        .into_iter()
        .map(|r| (r.name, r.kind, r.n_quotes, r.n_articles))
        .collect()
}

fn row(name: &str, kind: &str, quotes: i64, articles: i64) -> (String, String, i64, i64) {
    (name.into(), kind.into(), quotes, articles)
}

fn ingest_one_by_one(s: &mut Store, articles: &[Article]) {
    let pipeline = Pipeline::new();
    for a in articles {
        let report = s.ingest_batch(&[(a.clone(), pipeline.analyze(a))]).unwrap();
        assert_eq!(report.stored, 1, "{}", a.id);
    }
}

fn linking_corpus() -> Vec<Article> {
    let day = Some((2016, 5, 1));
    vec![
        article("l1", "\"We will win,\" Obama said.", Some("AP"), day),
        article(
            "l2",
            "\"The economy is growing,\" President Barack Obama said on Monday.",
            Some("Reuters"),
            day,
        ),
        article(
            "l3",
            "\"I am running,\" Hillary Clinton said. \"We are ready,\" Clinton added.",
            Some("AP"),
            day,
        ),
        article(
            "l4",
            "\"She will be a great president,\" former President Bill Clinton said.",
            Some("CNN"),
            day,
        ),
        article(
            "l5",
            "\"Nobody is above the rules,\" the DNC said in a statement.",
            Some("CNN"),
            day,
        ),
        article(
            "l6",
            "\"We found no evidence,\" the Democratic National Committee said.",
            Some("AP"),
            day,
        ),
        article(
            "l7",
            "A White House official said the talks had failed. \"It was a disaster,\" \
             Donald J. Trump said.",
            Some("AP"),
            day,
        ),
        article(
            "l8",
            "\"Trade deals are terrible,\" Donald Trump said. A White House official said \
             nothing had changed.",
            Some("CNN"),
            day,
        ),
    ]
}

#[test]
fn speakers_are_linked_across_articles() {
    let mut s = Store::open(":memory:").unwrap();
    ingest_one_by_one(&mut s, &linking_corpus());
    let table = speaker_table(&mut s);
    let find = |name: &str| table.iter().find(|r| r.0 == name).cloned();
    // "Obama" came first, then settled by "Barack Obama": one speaker, the full name.
    assert_eq!(
        find("Barack Obama"),
        Some(row("Barack Obama", "person", 2, 2))
    );
    assert_eq!(find("Obama"), None, "{table:?}");
    // Two Clintons stay two people.
    assert_eq!(
        find("Hillary Clinton"),
        Some(row("Hillary Clinton", "person", 2, 1))
    );
    assert_eq!(
        find("Bill Clinton"),
        Some(row("Bill Clinton", "person", 1, 1))
    );
    // An acronym meets its organisation.
    let fbi: Vec<_> = table.iter().filter(|r| r.1 == "organization").collect();
    assert_eq!(fbi.len(), 1, "{table:?}");
    assert_eq!((fbi[0].2, fbi[0].3), (2, 2), "{table:?}");
    // A middle initial does not make another person.
    let trumps: Vec<_> = table.iter().filter(|r| r.0.contains("Trump")).collect();
    assert_eq!(trumps.len(), 1, "{table:?}");
    assert_eq!((trumps[0].2, trumps[0].3), (2, 2));
    // Anonymous sources are never merged into a person; same description, same row.
    let anon: Vec<_> = table.iter().filter(|r| r.1 == "anonymous").collect();
    assert_eq!(anon.len(), 1, "{table:?}");
    assert_eq!(anon[0].2, 2);
    // Quotes carry the canonical name; the article's own resolution is kept beside it.
    let page = s
        .quotes(&QuoteQuery {
            speaker: Some("Obama".into()),
            ..Default::default()
        })
        .unwrap();
    let names: Vec<(Option<&str>, &str)> = page
        .items
        .iter()
        .map(|q| {
            (
                q.speaker.as_deref(),
                q.resolved.as_ref().map_or("", |r| r.name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (Some("Barack Obama"), "Obama"),
            (Some("Barack Obama"), "Barack Obama")
        ]
    );
}

#[test]
fn merged_speaker_ids_redirect_and_explain_says_why() {
    let mut s = Store::open(":memory:").unwrap();
    let corpus = linking_corpus();
    ingest_one_by_one(&mut s, &corpus[..1]);
    let first_id = s.speakers(&SpeakerQuery::default()).unwrap().items[0].id;
    ingest_one_by_one(&mut s, &corpus[1..2]);
    let merged = s.speaker(first_id).unwrap().expect("old id redirects");
    assert_eq!(merged.name, "Barack Obama");
    let explained = s.explain("Obama").unwrap();
    assert_eq!(explained.len(), 1);
    let names: Vec<(&str, &str)> = explained[0]
        .names
        .iter()
        .map(|n| (n.name.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0].0, "Obama");
    assert!(names[0].1.contains("only person named Obama"), "{names:?}");
    assert_eq!(names[1], ("Barack Obama", "first seen full name"));
}

#[test]
fn user_rules_split_and_join_and_survive_new_articles() {
    let mut s = Store::open(":memory:").unwrap();
    let corpus = linking_corpus();
    ingest_one_by_one(&mut s, &corpus[..4]);
    s.add_rules(&[SpeakerRule::Split {
        name: "Obama".into(),
    }])
    .unwrap();
    let table = speaker_table(&mut s);
    assert!(table.contains(&row("Obama", "person", 1, 1)), "{table:?}");
    assert!(
        table.contains(&row("Barack Obama", "person", 1, 1)),
        "{table:?}"
    );
    // Joining Bill into Hillary (a wrong but deliberate user choice) is obeyed...
    s.add_rules(&[SpeakerRule::Join {
        name: "Bill Clinton".into(),
        target: "Hillary Clinton".into(),
    }])
    .unwrap();
    let table = speaker_table(&mut s);
    assert!(
        table.contains(&row("Hillary Clinton", "person", 3, 2)),
        "{table:?}"
    );
    // ...and still holds for articles ingested afterwards.
    ingest_one_by_one(
        &mut s,
        &[article(
            "l9",
            "\"Thank you,\" Bill Clinton said. \"Good night,\" Obama said.",
            Some("AP"),
            Some((2016, 5, 2)),
        )],
    );
    let table = speaker_table(&mut s);
    assert!(
        table.contains(&row("Hillary Clinton", "person", 4, 3)),
        "{table:?}"
    );
    assert!(table.contains(&row("Obama", "person", 2, 2)), "{table:?}");
    assert_eq!(s.rules().unwrap().len(), 2);
    assert!(s.remove_rule("obama").unwrap());
    assert!(!s.remove_rule("obama").unwrap());
    let table = speaker_table(&mut s);
    assert!(
        table.contains(&row("Barack Obama", "person", 3, 3)),
        "{table:?}"
    );
    assert!(s
        .add_rules(&[SpeakerRule::Split { name: "...".into() }])
        .is_err());
}

fn search_corpus() -> Vec<Article> {
    let said = |id: &str, quote: &str| {
        article(
            id,
            &format!("\"{quote},\" Jeff Smith said on Monday."),
            Some("Daily"),
            Some((2017, 3, 1)),
        )
    };
    vec![
        said("returns", "He never released his tax returns"),
        said("return", "I will release my tax return next week"),
        said("emails", "She deleted thirty thousand emails"),
        said("care", "Our health care plan is ready"),
        said("apart", "Care about the health of the economy"),
    ]
}

/// The article keys of the quotes a search finds, sorted.
fn quote_keys(s: &mut Store, search: &str) -> Vec<String> {
    let page = s
        .quotes(&QuoteQuery {
            search: Some(search.into()),
            limit: 100,
            ..q()
        })
        .unwrap_or_else(|e| panic!("{search:?}: {e}"));
    let mut keys: Vec<String> = page.items.into_iter().map(|r| r.article_key).collect();
    keys.sort();
    keys.dedup();
    keys
}

fn article_keys(s: &mut Store, search: &str) -> Vec<String> {
    let page = s
        .articles(&ArticleQuery {
            search: Some(search.into()),
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{search:?}: {e}"));
    let mut keys: Vec<String> = page.items.into_iter().map(|r| r.key).collect();
    keys.sort();
    keys
}

#[test]
fn search_stems_and_knows_phrases_or_and_exclusions() {
    let mut s = store_with(&search_corpus());
    let cases: &[(&str, &[&str])] = &[
        ("tax return", &["return", "returns"]),
        ("tax returns", &["return", "returns"]),
        ("email", &["emails"]),
        ("\"health care\"", &["care"]),
        ("health care", &["apart", "care"]),
        ("health -\"health care\"", &["apart"]),
        ("emails OR returned", &["emails", "return", "returns"]),
        ("tax -never", &["return"]),
        // Exclusions are stemmed too: "released" excludes "release".
        ("tax -released", &[]),
        ("\"care about\" OR deleted", &["apart", "emails"]),
        ("xylophone", &[]),
    ];
    for (search, expected) in cases {
        assert_eq!(quote_keys(&mut s, search), *expected, "quotes {search:?}");
        assert_eq!(
            article_keys(&mut s, search),
            *expected,
            "articles {search:?}"
        );
    }
}

#[test]
fn relevance_needs_a_search() {
    let mut s = store_with(&search_corpus());
    let err = s
        .quotes(&QuoteQuery {
            order: Order::Relevance,
            ..q()
        })
        .unwrap_err();
    assert!(err.to_string().contains("needs a search"), "{err}");
    let err = s
        .articles(&ArticleQuery {
            order: Order::Relevance,
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
    let ranked = s
        .quotes(&QuoteQuery {
            order: Order::Relevance,
            search: Some("tax".into()),
            ..q()
        })
        .unwrap();
    assert_eq!(ranked.items.len(), 2);
}

/// The article search table, filled once per batch, finds what a table built from every
/// stored article finds (what the trigger of schema 4 kept): the same rows in the same
/// order, for articles stored over several batches, duplicates among them.
#[test]
fn article_search_filled_per_batch_matches_a_full_rebuild() {
    let mut s = Store::open(":memory:").unwrap();
    let mut articles = search_corpus();
    articles.extend(corpus());
    for batch in articles.chunks(3) {
        s.ingest_batch(&analyzed(batch)).unwrap();
    }
    // Given again: stored once, indexed once.
    s.ingest_batch(&analyzed(&articles[..4])).unwrap();
    let searches = [
        "tax return",
        "health",
        "\"health care\"",
        "Sessions OR Trump",
        "said -tax",
        "witch hunt",
    ];
    let ranked = |s: &mut Store, search: &str| -> Vec<(String, String)> {
        let page = s
            .articles(&ArticleQuery {
                search: Some(search.into()),
                order: Order::Relevance,
                limit: 100,
                ..Default::default()
            })
            .unwrap_or_else(|e| panic!("{search:?}: {e}"));
        page.items
            .into_iter()
            .map(|r| (r.key, r.headline.unwrap_or_default()))
            .collect()
    };
    let per_batch: Vec<_> = searches.iter().map(|q| ranked(&mut s, q)).collect();
    assert!(
        per_batch.iter().all(|rows| !rows.is_empty()),
        "{per_batch:?}"
    );
    s.conn
        .batch("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        .unwrap();
    s.conn
        .batch("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        .unwrap();
    let rebuilt: Vec<_> = searches.iter().map(|q| ranked(&mut s, q)).collect();
    assert_eq!(per_batch, rebuilt);
}

#[test]
fn a_schema_2_store_is_brought_to_stemmed_search_on_open() {
    let (dir, target) = file_store_with("v2", &search_corpus());
    let db = std::path::PathBuf::from(&target);
    let target = target.as_str();
    // Make it what schema 2 wrote: an unstemmed article index, and a quote index without a
    // layout version.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "DROP TABLE articles_fts;
         CREATE VIRTUAL TABLE articles_fts USING fts5(headline, text, content='articles',
          content_rowid='id', tokenize='unicode61 remove_diacritics 2');
         CREATE TRIGGER articles_fts AFTER INSERT ON articles BEGIN
          INSERT INTO articles_fts (rowid, headline, text)
          VALUES (new.id, new.headline, new.text); END;
         INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
         UPDATE verbatim_meta SET value = '2' WHERE key = 'schema';",
    )
    .unwrap();
    drop(c);
    std::fs::remove_file(dir.join("s.db-search").join("VERSION")).unwrap();
    let mut s = Store::open(target).unwrap();
    assert_eq!(article_keys(&mut s, "tax return"), ["return", "returns"]);
    assert_eq!(quote_keys(&mut s, "tax return"), ["return", "returns"]);
    assert_eq!(article_keys(&mut s, "\"health care\""), ["care"]);
    // Schema 2's trigger is gone: an article stored now is indexed once, by its batch.
    let later = article(
        "later",
        "\"My tax returns are private,\" Jeff Smith said.",
        None,
        None,
    );
    s.ingest_batch(&analyzed(&[later])).unwrap();
    assert_eq!(
        article_keys(&mut s, "tax return"),
        ["later", "return", "returns"]
    );
    drop(s);
    let c = rusqlite::Connection::open(&db).unwrap();
    let version = stored_schema(&c);
    assert_eq!(version, schema::SCHEMA_VERSION);
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cue_classes_filter_quotes_and_are_filled_in_a_schema_3_store() {
    let (dir, db) = fresh_dir("v3");
    let target = db.to_str().unwrap();
    let mut articles = corpus();
    articles.push(article(
        "d",
        "Sessions believes the tax inquiry is a witch hunt. Trump wrote on Twitter that the \
         tax inquiry was a hoax. A new poll shows the tax plan is unpopular.",
        Some("AP"),
        Some((2017, 3, 4)),
    ));
    let mut s = Store::open(target).unwrap();
    s.ingest_batch(&analyzed(&articles)).unwrap();
    let classes = |s: &mut Store| -> Vec<(i64, String)> {
        let all = s.quotes(&QuoteQuery { limit: 1000, ..q() }).unwrap();
        all.items
            .iter()
            .map(|r| (r.id, r.cue_class.clone()))
            .collect()
    };
    let before = classes(&mut s);
    for class in ["speech", "writing", "thought", "evidence"] {
        assert!(
            before.iter().any(|(_, c)| c == class),
            "{class} in {before:?}"
        );
    }
    // Any of the classes given, on the SQL path and on the search index path.
    for search in [None, Some("tax".to_string())] {
        let got = s
            .quotes(&QuoteQuery {
                cue_classes: vec!["writing".into(), "thought".into()],
                search: search.clone(),
                limit: 1000,
                ..q()
            })
            .unwrap();
        assert!(!got.items.is_empty());
        assert!(got
            .items
            .iter()
            .all(|r| r.cue_class == "writing" || r.cue_class == "thought"));
        if search.is_none() {
            let n = before
                .iter()
                .filter(|(_, c)| c == "writing" || c == "thought")
                .count();
            assert_eq!(got.items.len(), n);
        }
    }
    let err = s
        .quotes(&QuoteQuery {
            cue_classes: vec!["talk".into()],
            ..q()
        })
        .unwrap_err();
    assert!(err.to_string().contains("cue class \"talk\""), "{err}");
    drop(s);
    // What schema 3 wrote: no cue class column.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "ALTER TABLE attributions DROP COLUMN cue_class;
         UPDATE verbatim_meta SET value = '3' WHERE key = 'schema';",
    )
    .unwrap();
    drop(c);
    let mut s = Store::open(target).unwrap();
    assert_eq!(
        classes(&mut s),
        before,
        "classes filled from the stored cues"
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

fn provenance_corpus() -> Vec<Article> {
    vec![
        article(
            "p1",
            "Sen. Mary Lund spoke in Dayton on Monday. \"We will fix the bridge,\" she said. \
             Her opponent, Tom Berg, was not impressed. \"It is a stunt,\" he said. \
             \"The money is not there,\" Berg added.",
            Some("AP"),
            Some((2017, 3, 2)),
        ),
        article(
            "p2",
            "Clinton campaign spokesman Brian Fallon said the report was wrong. \
             A new Quinnipiac University poll found the race was close. \
             The poll showed Lund ahead.",
            Some("Reuters"),
            Some((2017, 4, 3)),
        ),
    ]
}

/// Every stored provenance value is the pipeline's, antecedents in code points.
#[test]
fn speaker_provenance_is_stored_as_the_pipeline_found_it() {
    let articles = provenance_corpus();
    let items = analyzed(&articles);
    let mut s = store_with(&articles);
    let mut n_checked = 0;
    for (article, analysis) in &items {
        let row = s.article(&article.id).unwrap().unwrap();
        let offsets = verbatim_core::CharOffsets::new(&article.text);
        assert_eq!(row.attributions.len(), analysis.attributions.len());
        for (stored, found) in row.attributions.iter().zip(&analysis.attributions) {
            let (Some(r), Some(sp)) = (&stored.resolved, &found.speaker) else {
                assert!(stored.resolved.is_none() && found.speaker.is_none());
                continue;
            };
            assert_eq!(r.via.as_deref(), Some(sp.via().as_str()));
            assert_eq!(r.evidence.as_deref(), Some(sp.evidence.as_str()));
            assert_eq!(r.confidence, Some(sp.confidence));
            assert_eq!(r.role, sp.role);
            assert_eq!(r.issuer, sp.issuer);
            assert_eq!(r.affiliation, sp.affiliation);
            assert_eq!(r.gender.as_deref(), sp.gender.map(|g| g.as_str()));
            assert_eq!(
                r.antecedent,
                sp.antecedent.map(|a| offsets.span_to_chars(a))
            );
            if let Some([start, end]) = r.antecedent {
                let by_chars: String = row.text.chars().skip(start).take(end - start).collect();
                assert_eq!(by_chars, sp.antecedent.unwrap().slice(&article.text));
            }
            n_checked += 1;
        }
    }
    assert!(n_checked >= 4, "only {n_checked} speakers");
}

/// A canonical person's gender is the one its attributions agree on, else unknown; other
/// types have none.
#[test]
fn canonical_speakers_have_the_gender_their_quotes_agree_on() {
    let articles = provenance_corpus();
    let mut s = store_with(&articles);
    let quotes = s.quotes(&QuoteQuery { limit: 500, ..q() }).unwrap().items;
    let speakers = s
        .speakers(&SpeakerQuery {
            limit: 500,
            ..Default::default()
        })
        .unwrap()
        .items;
    assert!(!speakers.is_empty());
    for sp in &speakers {
        let shown: std::collections::BTreeSet<String> = quotes
            .iter()
            .filter(|r| r.speaker_id == Some(sp.id))
            .filter_map(|r| r.resolved.as_ref())
            .filter(|r| r.kind == "person")
            .filter_map(|r| r.gender.clone())
            .filter(|g| g != "unknown")
            .collect();
        let want = match (sp.kind.as_str(), shown.len()) {
            ("person", 1) => shown.iter().next().cloned(),
            ("person", _) => Some("unknown".to_string()),
            _ => None,
        };
        assert_eq!(sp.gender, want, "{}", sp.name);
        for r in quotes.iter().filter(|r| r.speaker_id == Some(sp.id)) {
            assert_eq!(r.speaker_gender, sp.gender);
        }
    }
}

#[test]
fn min_confidence_keeps_the_quotes_at_or_above_it() {
    let articles = provenance_corpus();
    let mut s = store_with(&articles);
    let all = s.quotes(&QuoteQuery { limit: 500, ..q() }).unwrap().items;
    let mut levels: Vec<f64> = all
        .iter()
        .filter_map(|r| r.resolved.as_ref()?.confidence)
        .collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    assert!(!levels.is_empty());
    for &level in &levels {
        let want: Vec<i64> = all
            .iter()
            .filter(|r| r.resolved.as_ref().and_then(|r| r.confidence) >= Some(level))
            .map(|r| r.id)
            .collect();
        let got = s
            .quotes(&QuoteQuery {
                min_confidence: Some(level),
                limit: 500,
                ..q()
            })
            .unwrap();
        let mut got_ids: Vec<i64> = got.items.iter().map(|r| r.id).collect();
        let mut want_sorted = want.clone();
        got_ids.sort();
        want_sorted.sort();
        assert_eq!(got_ids, want_sorted, "at {level}");
        assert_eq!(got.total, want.len() as u64);
    }
    for bad in [-0.1, 1.5, f64::NAN] {
        let err = s
            .quotes(&QuoteQuery {
                min_confidence: Some(bad),
                ..q()
            })
            .unwrap_err();
        assert!(err.to_string().contains("from 0 to 1"), "{err}");
    }
}

#[test]
fn min_confidence_applies_on_the_search_index_path() {
    let articles = provenance_corpus();
    let (dir, target) = file_store_with("minconf", &articles);
    let mut s = Store::open(&target).unwrap();
    let all = s
        .quotes(&QuoteQuery {
            search: Some("the".into()),
            limit: 500,
            ..q()
        })
        .unwrap()
        .items;
    let top = all
        .iter()
        .filter_map(|r| r.resolved.as_ref()?.confidence)
        .fold(0.0, f64::max);
    let got = s
        .quotes(&QuoteQuery {
            search: Some("the".into()),
            min_confidence: Some(top),
            limit: 500,
            ..q()
        })
        .unwrap();
    let want = all
        .iter()
        .filter(|r| r.resolved.as_ref().and_then(|r| r.confidence) >= Some(top))
        .count();
    assert!(want > 0);
    assert_eq!(got.items.len(), want);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The schema version a store file records.
fn stored_schema(c: &rusqlite::Connection) -> String {
    c.query_row(
        "SELECT value FROM verbatim_meta WHERE key = 'schema'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// A fresh store in directory `name` holding the first article of [`provenance_corpus`]:
/// (directory, store file, the corpus, the store's quotes).
fn first_provenance_article(
    name: &str,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    Vec<Article>,
    Vec<QuoteRow>,
) {
    let (dir, db) = fresh_dir(name);
    let articles = provenance_corpus();
    let mut s = Store::open(db.to_str().unwrap()).unwrap();
    s.ingest_batch(&analyzed(&articles[..1])).unwrap();
    let before = s.quotes(&QuoteQuery { limit: 500, ..q() }).unwrap().items;
    (dir, db, articles, before)
}

/// A schema 5 store (no provenance columns) opens as schema 6 with every row kept, its
/// provenance unknown, its persons of unknown gender; new articles get provenance.
#[test]
fn a_schema_5_store_gains_provenance_columns_and_keeps_its_rows() {
    let (dir, db, articles, before) = first_provenance_article("v5");
    let target = db.to_str().unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    let mut sql = String::new();
    for (column, _) in schema::provenance_columns(Dialect::Sqlite) {
        sql.push_str(&format!("ALTER TABLE attributions DROP COLUMN {column};\n"));
    }
    sql.push_str(
        "ALTER TABLE speakers DROP COLUMN gender;
         UPDATE verbatim_meta SET value = '5' WHERE key = 'schema';",
    );
    c.execute_batch(&sql).unwrap();
    drop(c);
    let mut s = Store::open(target).unwrap();
    let after = s.quotes(&QuoteQuery { limit: 500, ..q() }).unwrap().items;
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(
            (a.id, &a.content_text, &a.speaker),
            (b.id, &b.content_text, &b.speaker)
        );
        let r = a.resolved.as_ref();
        assert!(r.is_none_or(|r| r.via.is_none() && r.confidence.is_none()));
        if a.speaker_type.as_deref() == Some("person") {
            assert_eq!(a.speaker_gender.as_deref(), Some("unknown"));
        }
    }
    s.ingest_batch(&analyzed(&articles[1..])).unwrap();
    let new = s
        .quotes(&QuoteQuery {
            article_id: Some(2),
            limit: 500,
            ..q()
        })
        .unwrap()
        .items;
    assert!(!new.is_empty());
    assert!(new
        .iter()
        .filter_map(|r| r.resolved.as_ref())
        .all(|r| r.via.is_some() && r.confidence.is_some()));
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `stats --by gender` counts the quotes of person speakers by their canonical gender, per
/// outlet and month, as the quotes themselves say.
#[test]
fn gender_stats_count_person_quotes_per_outlet_and_month() {
    let mut articles = provenance_corpus();
    articles.push(article("p3", "\"No,\" Ann Wu said.", None, None));
    let mut s = store_with(&articles);
    let quotes = s.quotes(&QuoteQuery { limit: 500, ..q() }).unwrap().items;
    let stats = s.gender_stats().unwrap();
    assert!(stats.counted.contains("person"));
    let person: Vec<&QuoteRow> = quotes
        .iter()
        .filter(|r| r.speaker_type.as_deref() == Some("person"))
        .collect();
    assert!(person.len() >= 3 && person.len() < quotes.len());
    let count = |pick: &dyn Fn(&QuoteRow) -> bool, gender: &str| {
        person
            .iter()
            .filter(|r| pick(r) && r.speaker_gender.as_deref().unwrap_or("unknown") == gender)
            .count() as i64
    };
    let check = |c: &GenderCounts, pick: &dyn Fn(&QuoteRow) -> bool| {
        let (f, m, u) = (
            count(pick, "female"),
            count(pick, "male"),
            count(pick, "unknown"),
        );
        assert_eq!(
            (c.female, c.male, c.unknown, c.total),
            (f, m, u, f + m + u),
            "{c:?}"
        );
        assert!(c.total > 0);
        let shares = c.female_share + c.male_share + c.unknown_share;
        assert!((shares - 1.0).abs() < 0.01, "{c:?}");
        assert_eq!(
            c.female_share,
            (f as f64 / c.total as f64 * 1000.0).round() / 1000.0
        );
    };
    check(&stats.total, &|_| true);
    let groups: Vec<&str> = stats.by_outlet.iter().map(|c| c.group.as_str()).collect();
    assert!(groups.contains(&NO_OUTLET), "{groups:?}");
    for c in &stats.by_outlet {
        let outlet = (c.group != NO_OUTLET).then(|| c.group.clone());
        check(c, &|r| r.outlet == outlet);
    }
    let months: Vec<&str> = stats.by_month.iter().map(|c| c.group.as_str()).collect();
    assert_eq!(months.last(), Some(&UNDATED), "{months:?}");
    for c in &stats.by_month {
        check(c, &|r| match &r.published {
            Some(p) => p.starts_with(&c.group),
            None => c.group == UNDATED,
        });
    }
    assert!(months.windows(2).all(|w| w[0] < w[1] || w[1] == UNDATED));
}

/// The plan SQLite gives the speaker recount's two queries over `mentions`.
fn recount_plans(c: &rusqlite::Connection) -> Vec<String> {
    [crate::link::RECOUNT_TOTALS, crate::link::RECOUNT_NAMES]
        .iter()
        .map(|sql| {
            let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let details: Vec<String> = st
                .query_map([1], |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            details.join("; ")
        })
        .collect()
}

/// A schema 6 store (mentions indexed by speaker and name only) opens as schema 7: the old
/// index is replaced by the covering one, which the recount then reads without touching the
/// table; its rows and quotes are kept, and the recount after a new batch agrees with the
/// mentions.
#[test]
fn a_schema_6_store_gets_the_covering_mention_index() {
    let (dir, db, articles, before) = first_provenance_article("v6");
    let target = db.to_str().unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    for plan in recount_plans(&c) {
        assert!(
            plan.contains("COVERING INDEX mentions_by_speaker"),
            "{plan}"
        );
    }
    c.execute_batch(
        "DROP INDEX mentions_by_speaker;
         CREATE INDEX mentions_speaker ON mentions (speaker_id, name);
         UPDATE verbatim_meta SET value = '6' WHERE key = 'schema';",
    )
    .unwrap();
    for plan in recount_plans(&c) {
        assert!(!plan.contains("COVERING"), "{plan}");
    }
    drop(c);
    let mut s = Store::open(target).unwrap();
    let after = s.quotes(&QuoteQuery { limit: 500, ..q() }).unwrap().items;
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(
            (a.id, &a.content_text, &a.speaker, &a.speaker_gender),
            (b.id, &b.content_text, &b.speaker, &b.speaker_gender)
        );
    }
    s.ingest_batch(&analyzed(&articles[1..])).unwrap();
    drop(s);
    let c = rusqlite::Connection::open(&db).unwrap();
    let version = stored_schema(&c);
    assert_eq!(version, "7");
    let old: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'mentions_speaker'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0);
    for plan in recount_plans(&c) {
        assert!(
            plan.contains("COVERING INDEX mentions_by_speaker"),
            "{plan}"
        );
    }
    // Every speaker's stored counts are what its mentions add up to.
    let wrong: i64 = c
        .query_row(
            "SELECT count(*) FROM speakers s WHERE s.quote_count !=
                 (SELECT coalesce(sum(quote_count), 0) FROM mentions m WHERE m.speaker_id = s.id)
              OR s.article_count !=
                 (SELECT count(DISTINCT article_id) FROM mentions m WHERE m.speaker_id = s.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(wrong, 0);
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}
