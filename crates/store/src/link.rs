//! Canonical speakers across articles, kept up to date one article at a time.
//!
//! Each article contributes *mentions*: one per speaker it quotes (the name its resolver gave,
//! the type, the quote count, the other names it used). A mention is linked to a canonical
//! speaker when it is stored ([`link_mention`]), by the rules of
//! [`verbatim_core::link::names`] and the user's rules (`speaker_rules`: join a name to another,
//! or keep a name apart), which come first. Candidates are found through `speaker_keys`
//! (`person:SURNAME`, `org:NAME`, `org:ACRONYM`, `TYPE:DESCRIPTION`, `split:NAME`), so linking
//! one mention reads a handful of rows whatever the size of the store.
//!
//! A full name that settles a lone surname ("Barack Obama" after many "Obama") merges the
//! surname's speaker into its own ([`merge`]); the old id is kept in `speaker_redirects`.
//! Counts and display names of the speakers a batch touched are recomputed at its end
//! ([`refresh`]). [`relink_all`] recomputes everything from the mentions, after the rules change.

use crate::canon::{normalize_name, tidy};
use crate::db::{Conn, Value};
use crate::Result;
use std::collections::BTreeSet;
use verbatim_core::link::names::{
    absorbed_by, description_key, link_person, organization_keys, title_case, Known, Link,
    PersonName,
};

/// A mention to link: what an article says about one of its speakers.
pub(crate) struct MentionInfo<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub quotes: i64,
}

/// A speaker under a lookup key, as stored: id, type, link form (JSON), quote count.
type KeyedSpeaker = (i64, String, Option<String>, i64);

/// What linking changed in the batch being written, kept in memory until [`refresh`]: quote
/// counts not yet written to `speakers` (linking decisions read stored count + pending), the
/// speakers to refresh, and the aliases already written (not written again).
#[derive(Default)]
pub(crate) struct Pending {
    pub quotes: std::collections::BTreeMap<i64, i64>,
    pub speakers: BTreeSet<i64>,
    aliases: BTreeSet<(i64, String)>,
    /// (key, type) → the speakers under it as stored (id, link, quote count), read once per
    /// batch; an entry is dropped when a speaker is added under its key or its link changes,
    /// and all are dropped when speakers merge.
    keys: std::collections::BTreeMap<String, Vec<KeyedSpeaker>>,
}

/// A user's rule for one name (matched by its normalised form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// The name is the same speaker as the target name.
    Join(String),
    /// The name is a speaker of its own, never linked automatically.
    Split,
}

/// The user's rules, by normalised name.
pub(crate) type Rules = std::collections::BTreeMap<String, Rule>;

pub(crate) fn load_rules(conn: &mut dyn Conn) -> Result<Rules> {
    let rows = conn.query("SELECT norm, action, target FROM speaker_rules", &[])?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let norm = r[0].text()?;
            let rule = match r[1].text()?.as_str() {
                "join" => Rule::Join(r[2].text()?),
                "split" => Rule::Split,
                _ => return None,
            };
            Some((norm, rule))
        })
        .collect())
}

fn new_speaker(
    conn: &mut dyn Conn,
    name: &str,
    kind: &str,
    link: Option<&PersonName>,
    keys: &[String],
    pending: &mut Pending,
) -> Result<i64> {
    let link = link.map(serde_json::to_string).transpose()?;
    let id = conn
        .insert_id(
            "INSERT INTO speakers (name, type, link, quote_count, article_count)
             VALUES (?1, ?2, ?3, 0, 0)",
            &[name.into(), kind.into(), link.into()],
        )?
        .unwrap_or_default();
    add_keys(conn, id, keys, pending)?;
    Ok(id)
}

fn add_keys(conn: &mut dyn Conn, id: i64, keys: &[String], pending: &mut Pending) -> Result<()> {
    for key in keys {
        pending.keys.remove(key);
    }
    for key in keys {
        conn.exec(
            "INSERT INTO speaker_keys (key, speaker_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            &[key.as_str().into(), id.into()],
        )?;
    }
    Ok(())
}

/// The speakers of `kind` under `key`: (id, link JSON, quote count with pending quotes).
fn speakers_with_key(
    conn: &mut dyn Conn,
    key: &str,
    kind: &str,
    pending: &mut Pending,
) -> Result<Vec<(i64, Option<String>, i64)>> {
    if !pending.keys.contains_key(key) {
        let rows = conn.query(
            "SELECT s.id, s.type, s.link, s.quote_count FROM speaker_keys k
             JOIN speakers s ON s.id = k.speaker_id
             WHERE k.key = ?1 ORDER BY s.id",
            &[key.into()],
        )?;
        let stored = rows
            .into_iter()
            .map(|r| {
                (
                    r[0].int().unwrap_or_default(),
                    r[1].text().unwrap_or_default(),
                    r[2].text(),
                    r[3].int().unwrap_or_default(),
                )
            })
            .collect();
        pending.keys.insert(key.to_string(), stored);
    }
    let stored = pending.keys.get(key).map(Vec::as_slice).unwrap_or_default();
    Ok(stored
        .iter()
        .filter(|(_, k, _, _)| k == kind)
        .map(|(id, _, link, quotes)| {
            let quotes = quotes + pending.quotes.get(id).unwrap_or(&0);
            (*id, link.clone(), quotes)
        })
        .collect())
}

type Row = crate::db::Row;

/// Links a mention to its canonical speaker (creating or merging speakers as the rules say)
/// and returns the speaker id and the reason, for the caller to store with the mention.
pub(crate) fn link_mention(
    conn: &mut dyn Conn,
    m: &MentionInfo,
    rules: &Rules,
    pending: &mut Pending,
) -> Result<(i64, String)> {
    let norm = normalize_name(m.name);
    let (name, user_reason) = match rules.get(&norm) {
        Some(Rule::Split) => {
            let key = format!("split:{}", norm.trim());
            let existing = conn.query(
                "SELECT speaker_id FROM speaker_keys WHERE key = ?1 ORDER BY speaker_id LIMIT 1",
                &[key.as_str().into()],
            )?;
            let id = match existing.first().and_then(|r| r[0].int()) {
                Some(id) => id,
                None => new_speaker(conn, &tidy(m.name), m.kind, None, &[key], pending)?,
            };
            return Ok(attach(m, id, "kept apart by a user rule", pending));
        }
        Some(Rule::Join(target)) => (
            target.as_str(),
            Some(format!("joined to {target:?} by a user rule")),
        ),
        None => (m.name, None),
    };
    let (id, reason) = match m.kind {
        "person" => link_person_mention(conn, name, pending)?,
        "organization" => link_organization(conn, name, pending)?,
        kind => link_description(
            conn,
            kind,
            name,
            ["same description", "first seen description"],
            pending,
        )?,
    };
    Ok(attach(
        m,
        id,
        user_reason.as_deref().unwrap_or(&reason),
        pending,
    ))
}

/// The reasons given for a name linked by its words alone: (joined, new).
const WORDS_REASONS: [&str; 2] = ["same words", "first seen"];

/// Links a name by its words ([`description_key`]): the first speaker of `kind` under that
/// key, or a new one; `reasons` are what the mention records in either case.
fn link_description(
    conn: &mut dyn Conn,
    kind: &str,
    name: &str,
    [same, first]: [&str; 2],
    pending: &mut Pending,
) -> Result<(i64, String)> {
    let key = description_key(kind, name);
    Ok(
        match speakers_with_key(conn, &key, kind, pending)?.first() {
            Some((id, _, _)) => (*id, same.to_string()),
            None => (
                new_speaker(conn, &tidy(name), kind, None, &[key], pending)?,
                first.to_string(),
            ),
        },
    )
}

fn attach(m: &MentionInfo, id: i64, reason: &str, pending: &mut Pending) -> (i64, String) {
    *pending.quotes.entry(id).or_default() += m.quotes;
    pending.speakers.insert(id);
    (id, reason.to_string())
}

fn link_person_mention(
    conn: &mut dyn Conn,
    name: &str,
    pending: &mut Pending,
) -> Result<(i64, String)> {
    let Some(person) = PersonName::parse(name) else {
        // Nothing name-like ("the"): keyed by its words like a description.
        return link_description(conn, "person", name, WORDS_REASONS, pending);
    };
    let key = person.key();
    let (ids, known): (Vec<i64>, Vec<Known>) = speakers_with_key(conn, &key, "person", pending)?
        .into_iter()
        .filter_map(|(id, link, quotes)| {
            let name: PersonName = serde_json::from_str(&link?).ok()?;
            Some((id, Known { name, quotes }))
        })
        .unzip();
    match link_person(&person, &known) {
        Link::Existing { index, reason } => {
            let id = ids[index];
            let merged = merge_names(&known[index].name, &person);
            if merged != known[index].name {
                conn.exec(
                    "UPDATE speakers SET link = ?1 WHERE id = ?2",
                    &[serde_json::to_string(&merged)?.into(), id.into()],
                )?;
                pending.keys.remove(&key);
            }
            Ok((id, reason))
        }
        Link::New { reason } => {
            let id = new_speaker(conn, &tidy(name), "person", Some(&person), &[key], pending)?;
            for index in absorbed_by(&person, &known) {
                let why = format!(
                    "surname alone; the only person named {} (joined when {} was first seen)",
                    title_case(&person.last),
                    tidy(name)
                );
                merge(conn, ids[index], id, &why, pending)?;
            }
            Ok((id, reason))
        }
    }
}

/// The fuller of two names of one person: a first name where one was missing, middle names
/// where there were none, a gender where it was unknown.
fn merge_names(known: &PersonName, new: &PersonName) -> PersonName {
    let mut out = known.clone();
    if out.first.is_none() {
        out.first = new.first.clone();
    }
    if out.middle.is_empty() {
        out.middle = new.middle.clone();
    }
    if out.female.is_none() {
        out.female = new.female;
    }
    out
}

fn link_organization(
    conn: &mut dyn Conn,
    name: &str,
    pending: &mut Pending,
) -> Result<(i64, String)> {
    let keys = organization_keys(name);
    if keys.is_empty() {
        return link_description(conn, "organization", name, WORDS_REASONS, pending);
    }
    // The most quoted organisation under any of the keys; the name key before the acronym.
    for (i, key) in keys.iter().enumerate() {
        let rows = speakers_with_key(conn, key, "organization", pending)?;
        let best = rows
            .iter()
            .max_by_key(|(id, _, quotes)| (*quotes, -id))
            .map(|(id, _, _)| *id);
        if let Some(id) = best {
            if keys.len() > 1 {
                add_keys(conn, id, &keys, pending)?;
            }
            let reason = if i == 0 {
                "same name".to_string()
            } else {
                format!(
                    "same acronym ({})",
                    key.trim_start_matches("org:").to_uppercase()
                )
            };
            return Ok((id, reason));
        }
    }
    Ok((
        new_speaker(conn, &tidy(name), "organization", None, &keys, pending)?,
        "first seen name".to_string(),
    ))
}

/// Moves everything of speaker `from` to speaker `into` and removes `from`; its id then
/// redirects to `into`.
pub(crate) fn merge(
    conn: &mut dyn Conn,
    from: i64,
    into: i64,
    reason: &str,
    pending: &mut Pending,
) -> Result<()> {
    if from == into {
        return Ok(());
    }
    if let Some(q) = pending.quotes.remove(&from) {
        *pending.quotes.entry(into).or_default() += q;
    }
    pending.speakers.remove(&from);
    pending.speakers.insert(into);
    pending.keys.clear();
    pending.aliases.retain(|(id, _)| *id != from);
    let p = |a: i64, b: i64| -> [Value; 2] { [a.into(), b.into()] };
    conn.exec(
        "UPDATE mentions SET reason = ?1 WHERE speaker_id = ?2",
        &[reason.into(), from.into()],
    )?;
    conn.exec(
        "UPDATE mentions SET speaker_id = ?1 WHERE speaker_id = ?2",
        &p(into, from),
    )?;
    conn.exec(
        "UPDATE attributions SET speaker_id = ?1 WHERE speaker_id = ?2",
        &p(into, from),
    )?;
    conn.exec(
        "UPDATE clusters SET speaker_id = ?1 WHERE speaker_id = ?2",
        &p(into, from),
    )?;
    conn.exec(
        "INSERT INTO speaker_aliases (speaker_id, alias, norm)
         SELECT ?1, alias, norm FROM speaker_aliases WHERE speaker_id = ?2
         ON CONFLICT DO NOTHING",
        &p(into, from),
    )?;
    conn.exec(
        "DELETE FROM speaker_aliases WHERE speaker_id = ?1",
        &[from.into()],
    )?;
    conn.exec(
        "INSERT INTO speaker_keys (key, speaker_id)
         SELECT key, ?1 FROM speaker_keys WHERE speaker_id = ?2
         ON CONFLICT DO NOTHING",
        &p(into, from),
    )?;
    conn.exec(
        "DELETE FROM speaker_keys WHERE speaker_id = ?1",
        &[from.into()],
    )?;
    conn.exec(
        "UPDATE speakers SET quote_count = quote_count +
           (SELECT quote_count FROM speakers WHERE id = ?2) WHERE id = ?1",
        &p(into, from),
    )?;
    conn.exec(
        "UPDATE speaker_redirects SET new_id = ?1 WHERE new_id = ?2",
        &p(into, from),
    )?;
    conn.exec(
        "INSERT INTO speaker_redirects (old_id, new_id) VALUES (?1, ?2)
         ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
        &p(from, into),
    )?;
    conn.exec("DELETE FROM speakers WHERE id = ?1", &[from.into()])?;
    Ok(())
}

/// A speaker's totals from its mentions (quotes, articles, first and last day): the first of
/// the two queries of [`refresh`], both answered from the `mentions_by_speaker` index alone.
pub(crate) const RECOUNT_TOTALS: &str =
    "SELECT CAST(coalesce(sum(quote_count), 0) AS BIGINT), count(DISTINCT article_id),
            min(nullif(day, '')), max(nullif(day, ''))
     FROM mentions WHERE speaker_id = ?1";

/// A speaker's names and types with their quote counts, for its display name.
pub(crate) const RECOUNT_NAMES: &str =
    "SELECT name, type, CAST(sum(quote_count) AS BIGINT) FROM mentions
     WHERE speaker_id = ?1 GROUP BY name, type";

/// Recomputes the counts, days and display name of each speaker in `ids` from its mentions.
/// The display name is the name it was quoted under most often, a full name before a lone
/// surname for people; ties go to the shorter, then the alphabetically first.
pub(crate) fn refresh(conn: &mut dyn Conn, ids: &BTreeSet<i64>) -> Result<()> {
    // Counts are recomputed from the mentions below: pending counts need no writing.
    let rules = load_rules(conn)?;
    // A name the user joined to another is not a display name; its target is.
    let joined = |name: &str| matches!(rules.get(&normalize_name(name)), Some(Rule::Join(_)));
    for &id in ids {
        let totals = conn.query(RECOUNT_TOTALS, &[id.into()])?;
        let Some(t) = totals.first() else { continue };
        let names = conn.query(RECOUNT_NAMES, &[id.into()])?;
        let candidates: Vec<(String, String, i64)> = names
            .iter()
            .filter_map(|r| Some((r[0].text()?, r[1].text()?, r[2].int().unwrap_or(0))))
            .collect();
        let own: Vec<&(String, String, i64)> =
            candidates.iter().filter(|c| !joined(&c.0)).collect();
        let best = if own.is_empty() {
            candidates
                .iter()
                .max_by(|a, b| display_rank(a).cmp(&display_rank(b)))
        } else {
            own.into_iter()
                .max_by(|a, b| display_rank(a).cmp(&display_rank(b)))
        }
        .map(|(name, _, _)| tidy(name));
        let mut sql = String::from(
            "UPDATE speakers SET quote_count = ?1, article_count = ?2, first_day = ?3,
             last_day = ?4, gender = ?5",
        );
        let mut params = vec![
            t[0].clone(),
            t[1].clone(),
            t[2].clone(),
            t[3].clone(),
            speaker_gender(conn, id)?.into(),
        ];
        if let Some(name) = best {
            sql.push_str(", name = ?7");
            params.push(id.into());
            params.push(name.into());
        } else {
            params.push(id.into());
        }
        sql.push_str(" WHERE id = ?6");
        conn.exec(&sql, &params)?;
    }
    Ok(())
}

/// The gender of a canonical speaker: for a person, the one gender its person attributions
/// show (`unknown` when none shows one or they disagree); `None` for other types.
fn speaker_gender(conn: &mut dyn Conn, id: i64) -> Result<Option<&'static str>> {
    let person = conn
        .query("SELECT type FROM speakers WHERE id = ?1", &[id.into()])?
        .first()
        .and_then(|r| r[0].text())
        .is_some_and(|t| t == "person");
    if !person {
        return Ok(None);
    }
    let shown = conn.query(
        "SELECT DISTINCT speaker_gender FROM attributions
         WHERE speaker_id = ?1 AND speaker_type = 'person'
           AND speaker_gender IN ('female', 'male')",
        &[id.into()],
    )?;
    let genders: Vec<String> = shown.iter().filter_map(|r| r[0].text()).collect();
    Ok(Some(agreed_gender(&genders)))
}

/// The gender a set of shown genders agrees on: the only one, else `unknown`.
fn agreed_gender(shown: &[String]) -> &'static str {
    match shown {
        [one] if one == "female" => "female",
        [one] if one == "male" => "male",
        _ => "unknown",
    }
}

/// Orders candidate display names: people's full names first, then quotes, then shorter,
/// then alphabetically first.
fn display_rank(
    (name, kind, quotes): &(String, String, i64),
) -> (
    bool,
    i64,
    std::cmp::Reverse<usize>,
    std::cmp::Reverse<String>,
) {
    let full = kind != "person" || PersonName::parse(name).is_some_and(|p| p.is_full());
    (
        full,
        *quotes,
        std::cmp::Reverse(name.chars().count()),
        std::cmp::Reverse(name.clone()),
    )
}

/// Recomputes every canonical speaker from the mentions (after the user's rules change):
/// full names of people first, so that lone surnames meet every full name before choosing.
/// Speaker ids are reassigned.
pub(crate) fn relink_all(conn: &mut dyn Conn) -> Result<()> {
    for table in [
        "speakers",
        "speaker_keys",
        "speaker_aliases",
        "speaker_redirects",
    ] {
        conn.batch(&format!("DELETE FROM {table}"))?;
    }
    conn.batch("UPDATE mentions SET speaker_id = NULL, reason = NULL")?;
    let rows = conn.query(
        "SELECT id, name, type, quote_count, aliases FROM mentions ORDER BY id",
        &[],
    )?;
    let full_person = |r: &Row| {
        r[2].text().as_deref() == Some("person")
            && r[1]
                .text()
                .and_then(|n| PersonName::parse(&n))
                .is_some_and(|p| p.is_full())
    };
    let (first, rest): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| full_person(r));
    let rules = load_rules(conn)?;
    let mut pending = Pending::default();
    for r in first.into_iter().chain(rest) {
        let (name, kind) = (
            r[1].text().unwrap_or_default(),
            r[2].text().unwrap_or_default(),
        );
        let m = MentionInfo {
            name: &name,
            kind: &kind,
            quotes: r[3].int().unwrap_or_default(),
        };
        let (id, reason) = link_mention(conn, &m, &rules, &mut pending)?;
        conn.exec(
            "UPDATE mentions SET speaker_id = ?1, reason = ?2 WHERE id = ?3",
            &[id.into(), reason.into(), r[0].clone()],
        )?;
        let aliases: Vec<String> =
            serde_json::from_str(&r[4].text().unwrap_or_else(|| "[]".into()))?;
        add_aliases(conn, id, &aliases, &mut pending)?;
    }
    // Speakers merged away during the loop are gone; refresh the living.
    let living: BTreeSet<i64> = conn
        .query("SELECT id FROM speakers", &[])?
        .iter()
        .filter_map(|r| r[0].int())
        .collect();
    refresh(conn, &living)?;
    conn.batch(
        "UPDATE attributions SET speaker_id =
           (SELECT m.speaker_id FROM mentions m WHERE m.id = attributions.mention_id);
         UPDATE clusters SET speaker_id = (SELECT a.speaker_id FROM attributions a
           WHERE a.id = clusters.reference_id)",
    )?;
    Ok(())
}

/// Adds names a speaker was seen under (each once per batch).
pub(crate) fn add_aliases(
    conn: &mut dyn Conn,
    id: i64,
    aliases: &[String],
    pending: &mut Pending,
) -> Result<()> {
    for alias in aliases {
        let alias: String = alias.chars().take(crate::canon::MAX_NAME).collect();
        if !pending.aliases.insert((id, alias.clone())) {
            continue;
        }
        conn.exec(
            "INSERT INTO speaker_aliases (speaker_id, alias, norm) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            &[
                id.into(),
                alias.as_str().into(),
                normalize_name(&alias).into(),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod gender_tests {
    use super::agreed_gender;

    fn check(shown: &[&str], expected: &str) {
        let shown: Vec<String> = shown.iter().map(|s| s.to_string()).collect();
        assert_eq!(agreed_gender(&shown), expected, "{shown:?}");
    }

    #[test]
    fn one_shown_gender_is_kept_and_none_or_a_conflict_is_unknown() {
        check(&["female"], "female");
        check(&["male"], "male");
        check(&[], "unknown");
        check(&["female", "male"], "unknown");
    }
}
