//! The cross-article commands: quote clusters (`quotes --cluster`, `cluster ID`), why speaker
//! names were joined (`speakers --explain`), and the user's speaker rules (`alias`).

use crate::store_cmd::{fit, one_line, open_existing, DbArg, PageArgs, TableFormat};
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use verbatim_store::{ClusterQuery, ClusterRow, DiffOp, SpeakerRule, Store};

#[derive(Args)]
pub struct ClusterArgs {
    /// The cluster id (as `quotes --cluster` and the `cluster` field of quotes print).
    pub id: i64,
    #[command(flatten)]
    pub db: DbArg,
    /// `table`: the statement, who it is credited to, and every outlet's wording with changes
    /// marked; `json`: one object {"id", "speaker", "earliest", "earliest_ties", "disputed",
    /// "credits", "members": [...]}; `csv`: one row per member.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Args)]
pub struct AliasArgs {
    #[command(subcommand)]
    pub action: AliasAction,
    /// The store: a SQLite file or a postgres://user@host:port/dbname URL.
    #[arg(
        long,
        global = true,
        default_value = "verbatim.db",
        value_name = "PATH|URL"
    )]
    pub db: String,
}

#[derive(Subcommand)]
pub enum AliasAction {
    /// Quotes under NAME belong to the speaker known as TARGET (e.g. a nickname, a maiden
    /// name, a transliteration the automatic rules do not join).
    Join { name: String, target: String },
    /// NAME is a speaker of its own: never joined to another by the automatic rules (e.g. a
    /// lone surname that the most quoted bearer should not absorb).
    Split { name: String },
    /// Remove the rule for NAME.
    Remove { name: String },
    /// Print the rules as a rules file (tab-separated: `join NAME TARGET` or `split NAME`).
    List,
    /// Add the rules of a rules file (the format `list` prints; `#` starts a comment).
    Load { file: PathBuf },
}

/// Parses a rules file: one rule per line, fields separated by tabs.
pub fn parse_rules(text: &str, origin: &str) -> anyhow::Result<Vec<SpeakerRule>> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let rule = match fields.as_slice() {
            ["join", name, target] if !name.is_empty() && !target.is_empty() => SpeakerRule::Join {
                name: name.to_string(),
                target: target.to_string(),
            },
            ["split", name] if !name.is_empty() => SpeakerRule::Split {
                name: name.to_string(),
            },
            _ => bail!(
                "{origin}:{}: expected `join<TAB>NAME<TAB>TARGET` or `split<TAB>NAME`, got {:?}",
                i + 1,
                line.chars().take(80).collect::<String>()
            ),
        };
        rules.push(rule);
    }
    Ok(rules)
}

fn format_rules(rules: &[SpeakerRule]) -> String {
    let mut out = String::new();
    for r in rules {
        match r {
            SpeakerRule::Join { name, target } => {
                out.push_str(&format!("join\t{name}\t{target}\n"))
            }
            SpeakerRule::Split { name } => out.push_str(&format!("split\t{name}\n")),
        }
    }
    out
}

/// Reads a rules file and adds its rules to the store (relinking once).
pub fn load_rules_file(store: &mut Store, file: &Path) -> anyhow::Result<usize> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the rules file {}", file.display()))?;
    let rules = parse_rules(&text, &file.display().to_string())?;
    store.add_rules(&rules)?;
    Ok(rules.len())
}

pub fn alias(args: AliasArgs) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(&args.db)?;
    match args.action {
        AliasAction::Join { name, target } => {
            store.add_rules(&[SpeakerRule::Join { name, target }])?;
            eprintln!("verbatim: rule added; speakers relinked");
        }
        AliasAction::Split { name } => {
            store.add_rules(&[SpeakerRule::Split { name }])?;
            eprintln!("verbatim: rule added; speakers relinked");
        }
        AliasAction::Remove { name } => {
            if !store.remove_rule(&name)? {
                eprintln!("verbatim: no rule for {name:?}");
                return Ok(ExitCode::from(1));
            }
            eprintln!("verbatim: rule removed; speakers relinked");
        }
        AliasAction::List => print!("{}", format_rules(&store.rules()?)),
        AliasAction::Load { file } => {
            let n = load_rules_file(&mut store, &file)?;
            eprintln!("verbatim: {n} rule(s) added; speakers relinked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn explain(db: &str, name: &str, format: TableFormat) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(db)?;
    let found = store.explain(name)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == TableFormat::Json {
        verbatim_core::json::to_writer(&mut out, &found)?;
        writeln!(out)?;
    } else {
        for e in &found {
            let s = &e.speaker;
            writeln!(
                out,
                "{} (speaker {}, {}): {} quote(s) in {} article(s)",
                s.name, s.id, s.kind, s.n_quotes, s.n_articles
            )?;
            for n in &e.names {
                writeln!(
                    out,
                    "  {:<32} {:>4} quote(s) {:>4} article(s)  {}",
                    format!("{:?}", n.name),
                    n.n_quotes,
                    n.n_articles,
                    n.reason
                )?;
            }
            let others: Vec<&str> = s
                .aliases
                .iter()
                .map(String::as_str)
                .filter(|a| !e.names.iter().any(|n| n.name == *a))
                .collect();
            if !others.is_empty() {
                writeln!(out, "  also called: {}", others.join("; "))?;
            }
            if !s.roles.is_empty() {
                let roles: Vec<String> = s
                    .roles
                    .iter()
                    .map(|r| match (&r.first_day, &r.last_day) {
                        (Some(f), Some(l)) if f != l => format!("{} ({f} to {l})", r.title),
                        (Some(f), _) => format!("{} ({f})", r.title),
                        _ => r.title.clone(),
                    })
                    .collect();
                writeln!(out, "  roles: {}", roles.join("; "))?;
            }
            writeln!(out)?;
        }
        if found.is_empty() {
            eprintln!("verbatim: no speaker known as {name:?}");
        }
    }
    out.flush()?;
    Ok(if found.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `quotes --cluster`: the statements carried by several articles, most articles first.
pub fn clusters(
    db: &str,
    speaker: Option<String>,
    (altered, disputed): (bool, bool),
    page: &PageArgs,
) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(db)?;
    let found = store.clusters(&ClusterQuery {
        speaker,
        altered,
        disputed,
        limit: page.limit,
        offset: page.offset,
        ..Default::default()
    })?;
    if let Some(code) = crate::store_cmd::nothing_found(&found, page.format, "clusters") {
        return Ok(code);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match page.format {
        TableFormat::Json => {
            for c in &found.items {
                verbatim_core::json::to_writer(&mut out, c)?;
                writeln!(out)?;
            }
        }
        TableFormat::Csv => {
            crate::store_cmd::write_csv_row(
                &mut out,
                &[
                    "cluster",
                    "articles",
                    "quotes",
                    "altered",
                    "first_day",
                    "earliest",
                    "speaker",
                    "outlets",
                    "disputed",
                    "credits",
                    "text",
                ],
            )?;
            for c in &found.items {
                crate::store_cmd::write_csv_row(
                    &mut out,
                    &[
                        &c.id.to_string(),
                        &c.n_articles.to_string(),
                        &c.size.to_string(),
                        &c.n_altered.to_string(),
                        &c.first_day,
                        &c.earliest.to_string(),
                        c.speaker.as_deref().unwrap_or(""),
                        &c.outlets.join("; "),
                        if c.disputed { "true" } else { "false" },
                        &credits_line(&c.credits),
                        &c.text,
                    ],
                )?;
            }
        }
        TableFormat::Table => {
            if !found.items.is_empty() {
                writeln!(
                    out,
                    "cluster  articles  altered  disputed  {}  {}  statement",
                    fit("first day", 10),
                    fit("speaker", 22)
                )?;
            }
            for c in &found.items {
                writeln!(
                    out,
                    "{:>7}  {:>8}  {:>7}  {:>8}  {}  {}  {}",
                    c.id,
                    c.n_articles,
                    c.n_altered,
                    if c.disputed { "DISPUTED" } else { "" },
                    fit(&c.first_day, 10),
                    fit(&one_line(c.speaker.as_deref().unwrap_or("-")), 22),
                    fit(&one_line(&c.text), 90).trim_end()
                )?;
                if c.disputed {
                    writeln!(out, "{:>9}credited: {}", "", credits_line(&c.credits))?;
                }
            }
            if let Some(next) = found.next_offset {
                writeln!(out, "(more: --offset {next})")?;
            }
        }
    }
    out.flush()?;
    Ok(if found.items.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// "Sean Spicer [Daily, Ledger]; a White House official [Courier]": who each outlet credits.
fn credits_line(credits: &[verbatim_store::Credit]) -> String {
    credits
        .iter()
        .map(|c| {
            let by = if c.outlets.is_empty() {
                format!("article {}", join_ids(&c.articles))
            } else {
                c.outlets.join(", ")
            };
            format!("{} [{by}]", one_line(&c.speaker))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The member's words with changes marked: `[-removed-]`, `{+added+}`; trims and extra words
/// of a longer version are shown in parentheses.
fn marked(c: &verbatim_store::ClusterMember) -> String {
    let mut out = String::new();
    for p in &c.diff {
        let text = one_line(&p.text);
        let piece = match p.op {
            DiffOp::Same => text,
            DiffOp::Added => format!("{{+{text}+}}"),
            DiffOp::Removed => format!("[-{text}-]"),
            DiffOp::Trimmed => format!("(…{text}…)"),
            DiffOp::Extra => format!("(+{text})"),
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}

fn print_cluster(out: &mut impl Write, c: &ClusterRow) -> std::io::Result<()> {
    writeln!(out, "cluster {}: {}", c.id, one_line(&c.text))?;
    writeln!(
        out,
        "speaker: {}",
        c.speaker.as_deref().unwrap_or("(not resolved)")
    )?;
    if c.disputed {
        writeln!(
            out,
            "DISPUTED: outlets credit it to different speakers: {}",
            credits_line(&c.credits)
        )?;
    }
    let describe = |article: i64| {
        c.members.iter().find(|m| m.article == article).map(|m| {
            format!(
                "article {} ({}, {})",
                m.article,
                m.outlet.as_deref().unwrap_or("-"),
                m.published.as_deref().unwrap_or("undated")
            )
        })
    };
    if let Some(first) = describe(c.earliest) {
        if c.earliest_ties.is_empty() {
            writeln!(out, "earliest: {first}")?;
        } else {
            let others: Vec<String> = c
                .earliest_ties
                .iter()
                .filter_map(|&a| describe(a))
                .collect();
            writeln!(
                out,
                "earliest: a tie (same day, a date without a time cannot be ordered): {first}; {}",
                others.join("; ")
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}  {}  {}  altered  wording ({{+added+}} [-removed-] (…trimmed…))",
        fit("published", 25),
        fit("outlet", 18),
        fit("article", 7)
    )?;
    for m in &c.members {
        writeln!(
            out,
            "{}  {}  {}  {}  {}",
            fit(m.published.as_deref().unwrap_or("-"), 25),
            fit(m.outlet.as_deref().unwrap_or("-"), 18),
            fit(&m.article.to_string(), 7),
            fit(if m.altered { "ALTERED" } else { "" }, 7),
            marked(m)
        )?;
    }
    Ok(())
}

pub fn cluster(args: ClusterArgs) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(&args.db.db)?;
    let Some(c) = store.cluster(args.id)? else {
        eprintln!("verbatim: no cluster {} in the store", args.id);
        return Ok(ExitCode::from(1));
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        TableFormat::Json => {
            verbatim_core::json::to_writer(&mut out, &c)?;
            writeln!(out)?;
        }
        TableFormat::Csv => {
            crate::store_cmd::write_csv_row(
                &mut out,
                &[
                    "cluster",
                    "quote",
                    "article",
                    "outlet",
                    "published",
                    "speaker",
                    "earliest",
                    "altered",
                    "text",
                ],
            )?;
            for m in &c.members {
                let earliest = m.article == c.earliest || c.earliest_ties.contains(&m.article);
                crate::store_cmd::write_csv_row(
                    &mut out,
                    &[
                        &c.id.to_string(),
                        &m.quote.to_string(),
                        &m.article.to_string(),
                        m.outlet.as_deref().unwrap_or(""),
                        m.published.as_deref().unwrap_or(""),
                        m.speaker.as_deref().unwrap_or(""),
                        if earliest { "true" } else { "false" },
                        if m.altered { "true" } else { "false" },
                        &m.text,
                    ],
                )?;
            }
        }
        TableFormat::Table => print_cluster(&mut out, &c)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<Vec<SpeakerRule>, &str>) {
        match (parse_rules(text, "rules.tsv"), expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{text:?}"),
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{e}"),
            (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn rules_files_parse_and_round_trip() {
        let join = |a: &str, b: &str| SpeakerRule::Join {
            name: a.into(),
            target: b.into(),
        };
        let split = |a: &str| SpeakerRule::Split { name: a.into() };
        check(
            "# mine\njoin\tBarry Obama\tBarack Obama\n\nsplit\tTrump\r\n",
            Ok(vec![join("Barry Obama", "Barack Obama"), split("Trump")]),
        );
        check("", Ok(vec![]));
        check("join\tA", Err("rules.tsv:1: expected"));
        check("\nmerge\tA\tB", Err("rules.tsv:2: expected"));
        check("split\t", Err("rules.tsv:1"));
        let rules = vec![join("Bill", "Bill Clinton"), split("Clinton")];
        check(&format_rules(&rules), Ok(rules.clone()));
    }
}
