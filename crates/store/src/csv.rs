//! CSV (RFC 4180) of query results, shared by the CLI (`--format csv`) and the HTTP API
//! (`format=csv`), so a download from the web UI has the columns of the command line.

use crate::{ArticleSummary, ClusterSummary, QuoteRow, SpeakerRow};

/// One field, quoted when it holds a comma, a quote or a line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One record, with its line ending.
pub fn record(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// A CSV table: the header, then one record per row.
pub trait CsvRow {
    const HEADER: &'static [&'static str];
    fn fields(&self) -> Vec<String>;
}

/// The header and every row as CSV text.
pub fn table<T: CsvRow>(rows: &[T]) -> String {
    let mut out = record(T::HEADER);
    for r in rows {
        let fields = r.fields();
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        out.push_str(&record(&refs));
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

impl CsvRow for QuoteRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "article",
        "published",
        "outlet",
        "speaker",
        "speaker_type",
        "kind",
        "cue_class",
        "source",
        "cue",
        "content",
        "url",
        "speaker_via",
        "speaker_confidence",
        "speaker_gender",
    ];
    fn fields(&self) -> Vec<String> {
        let resolved = self.resolved.as_ref();
        vec![
            self.id.to_string(),
            self.article.to_string(),
            opt(&self.published),
            opt(&self.outlet),
            opt(&self.speaker),
            opt(&self.speaker_type),
            self.kind.clone(),
            self.cue_class.clone(),
            self.source_text.clone(),
            self.cue_text.clone(),
            self.content_text.clone(),
            opt(&self.url),
            resolved.and_then(|r| r.via.clone()).unwrap_or_default(),
            resolved
                .and_then(|r| r.confidence)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            opt(&self.speaker_gender),
        ]
    }
}

impl CsvRow for SpeakerRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "name",
        "type",
        "quotes",
        "articles",
        "first_day",
        "last_day",
        "aliases",
    ];
    fn fields(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.kind.clone(),
            self.n_quotes.to_string(),
            self.n_articles.to_string(),
            opt(&self.first_day),
            opt(&self.last_day),
            self.aliases.join("; "),
        ]
    }
}

impl CsvRow for ArticleSummary {
    const HEADER: &'static [&'static str] = &[
        "id",
        "key",
        "published",
        "outlet",
        "attributions",
        "headline",
        "url",
    ];
    fn fields(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.key.clone(),
            opt(&self.published),
            opt(&self.outlet),
            self.n_attributions.to_string(),
            opt(&self.headline),
            opt(&self.url),
        ]
    }
}

impl CsvRow for ClusterSummary {
    const HEADER: &'static [&'static str] = &[
        "id",
        "speaker",
        "first_day",
        "quotes",
        "articles",
        "altered",
        "disputed",
        "outlets",
        "text",
    ];
    fn fields(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            opt(&self.speaker),
            self.first_day.clone(),
            self.size.to_string(),
            self.n_articles.to_string(),
            self.n_altered.to_string(),
            self.disputed.to_string(),
            self.outlets.join("; "),
            self.text.clone(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str, expected: &str) {
        assert_eq!(field(s), expected, "{s:?}");
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        check("plain", "plain");
        check("a,b", "\"a,b\"");
        check("say \"hi\"", "\"say \"\"hi\"\"\"");
        check("two\nlines", "\"two\nlines\"");
        check("", "");
        assert_eq!(record(&["a", "b,c", ""]), "a,\"b,c\",\n");
    }

    #[test]
    fn a_table_has_the_header_and_a_record_per_row() {
        let row = SpeakerRow {
            id: 3,
            name: "Jeff Sessions".into(),
            kind: "person".into(),
            aliases: vec!["Sessions".into(), "Jeff Sessions".into()],
            n_quotes: 4,
            n_articles: 2,
            first_day: Some("2017-03-02".into()),
            last_day: None,
            gender: Some("male".into()),
            roles: Vec::new(),
        };
        assert_eq!(
            table(&[row]),
            "id,name,type,quotes,articles,first_day,last_day,aliases\n\
             3,Jeff Sessions,person,4,2,2017-03-02,,Sessions; Jeff Sessions\n"
        );
        assert_eq!(table::<SpeakerRow>(&[]).lines().count(), 1);
    }
}
