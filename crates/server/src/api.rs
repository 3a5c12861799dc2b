//! The JSON API handlers. Each one checks its parameters, then runs one store call on the
//! blocking pool; every failure is an [`ApiError`].

use crate::body::{parse_articles, Warning};
use crate::error::{ApiError, Code};
use crate::json::Json;
use crate::params::Params;
use crate::App;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use verbatim_store::csv::{self, CsvRow};
use verbatim_store::{
    ArticleQuery, ClusterOrder, ClusterQuery, NameLink, Order, Page, QuoteQuery, QuoteRow,
    SpeakerOrder, SpeakerQuery, SpeakerRow,
};

type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn params(query: Pairs, known: &[&str]) -> Result<Params, ApiError> {
    let Query(pairs) =
        query.map_err(|r| ApiError::bad_parameter(format!("query string: {}", r.body_text())))?;
    Params::new(pairs, known)
}

fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) = path.map_err(|r| ApiError::bad_parameter(r.body_text()))?;
    Ok(id)
}

fn order(p: &Params) -> Result<Order, ApiError> {
    Ok(match p.choice("sort", &["date", "relevance"])?.as_deref() {
        Some("relevance") => Order::Relevance,
        _ => Order::Date,
    })
}

/// A page as JSON, or with `format=csv` as a CSV download named `name.csv`.
fn listing<T: Serialize + CsvRow>(
    p: &Params,
    name: &str,
    page: Page<T>,
) -> Result<Response, ApiError> {
    match p.choice("format", &["json", "csv"])?.as_deref() {
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            csv::table(&page.items),
        )
            .into_response()),
        _ => Ok(Json(page).into_response()),
    }
}

const QUOTE_PARAMS: &[&str] = &[
    "speaker",
    "speaker_id",
    "search",
    "outlet",
    "since",
    "until",
    "kind",
    "cue_class",
    "article_id",
    "cluster",
    "min_confidence",
    "sort",
    "format",
    "limit",
    "offset",
];

pub async fn quotes(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    let p = params(query, QUOTE_PARAMS)?;
    let (limit, offset) = p.paging(app.config.default_page_size, app.config.max_page_size)?;
    let q = QuoteQuery {
        speaker: p.text("speaker"),
        speaker_id: p.int("speaker_id", 1, i64::MAX)?,
        search: p.text("search"),
        outlet: p.text("outlet"),
        since: p.text("since"),
        until: p.text("until"),
        kind: p.text("kind"),
        cue_classes: p.list("cue_class"),
        article_id: p.int("article_id", 1, i64::MAX)?,
        cluster: p.int("cluster", 1, i64::MAX)?,
        min_confidence: p.fraction("min_confidence")?,
        order: order(&p)?,
        limit,
        offset,
    };
    let page = app.pool.run(move |s| Ok(s.quotes(&q)?)).await?;
    listing(&p, "quotes", page)
}

/// One quote with how its speaker was linked: the rule that joined the name the article
/// gave to the speaker.
#[derive(Serialize)]
struct QuotePage {
    #[serde(flatten)]
    quote: QuoteRow,
    speaker_link: Option<NameLink>,
}

pub async fn quote(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    query: Pairs,
) -> Result<Response, ApiError> {
    params(query, &[])?;
    let id = positive_id("quote", &path_id(path)?)?;
    let page = app
        .pool
        .run(move |s| {
            let quote = s
                .quote(id)?
                .ok_or_else(|| ApiError::not_found(format!("no quote {id}")))?;
            let mut speaker_link = None;
            if let (Some(speaker), Some(resolved)) = (&quote.speaker, &quote.resolved) {
                speaker_link = s
                    .explain(speaker)?
                    .into_iter()
                    .filter(|e| Some(e.speaker.id) == quote.speaker_id)
                    .flat_map(|e| e.names)
                    .find(|n| n.name == resolved.name);
            }
            Ok(QuotePage {
                quote,
                speaker_link,
            })
        })
        .await?;
    Ok(Json(page).into_response())
}

pub async fn outlets(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    params(query, &[])?;
    let outlets = app.pool.run(move |s| Ok(s.outlets()?)).await?;
    Ok(Json(outlets).into_response())
}

pub async fn speakers(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    let p = params(
        query,
        &[
            "name", "type", "outlet", "since", "until", "sort", "format", "limit", "offset",
        ],
    )?;
    let (limit, offset) = p.paging(app.config.default_page_size, app.config.max_page_size)?;
    let q = SpeakerQuery {
        name: p.text("name"),
        kind: p.text("type"),
        outlet: p.text("outlet"),
        since: p.text("since"),
        until: p.text("until"),
        sort: match p.choice("sort", &["quotes", "name", "recent"])?.as_deref() {
            Some("name") => SpeakerOrder::Name,
            Some("recent") => SpeakerOrder::Recent,
            _ => SpeakerOrder::Quotes,
        },
        limit,
        offset,
    };
    let page = app.pool.run(move |s| Ok(s.speakers(&q)?)).await?;
    listing(&p, "speakers", page)
}

pub async fn clusters(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    let p = params(
        query,
        &[
            "speaker",
            "speaker_id",
            "altered",
            "disputed",
            "outlet",
            "since",
            "until",
            "speaker_type",
            "sort",
            "format",
            "limit",
            "offset",
        ],
    )?;
    let (limit, offset) = p.paging(app.config.default_page_size, app.config.max_page_size)?;
    let q = ClusterQuery {
        speaker: p.text("speaker"),
        speaker_id: p.int("speaker_id", 1, i64::MAX)?,
        altered: p.choice("altered", &["true", "false"])?.as_deref() == Some("true"),
        disputed: p.choice("disputed", &["true", "false"])?.as_deref() == Some("true"),
        outlet: p.text("outlet"),
        since: p.text("since"),
        until: p.text("until"),
        speaker_type: p.text("speaker_type"),
        sort: match p.choice("sort", &["articles", "recent"])?.as_deref() {
            Some("recent") => ClusterOrder::Recent,
            _ => ClusterOrder::Articles,
        },
        limit,
        offset,
        ..Default::default()
    };
    let page = app.pool.run(move |s| Ok(s.clusters(&q)?)).await?;
    listing(&p, "clusters", page)
}

pub async fn cluster(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    query: Pairs,
) -> Result<Response, ApiError> {
    params(query, &[])?;
    let id = positive_id("cluster", &path_id(path)?)?;
    let row = app
        .pool
        .run(move |s| {
            s.cluster(id)?
                .ok_or_else(|| ApiError::not_found(format!("no cluster {id}")))
        })
        .await?;
    Ok(Json(row).into_response())
}

/// One month of a speaker's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub quotes: u64,
}

#[derive(Serialize)]
struct SpeakerPage {
    #[serde(flatten)]
    speaker: SpeakerRow,
    /// Quotes per month of publication, every month from the first to the last.
    timeline: Vec<Month>,
    /// Quotes whose article has no publication date.
    undated: u64,
}

/// Months are filled in between the first and last only up to this many (100 years).
const MAX_FILLED_MONTHS: usize = 1200;

/// Counts quotes per month (`published` starting `YYYY-MM`), with the empty months between.
pub fn timeline<'a>(published: impl IntoIterator<Item = Option<&'a str>>) -> (Vec<Month>, u64) {
    let mut counts: BTreeMap<(i32, u32), u64> = BTreeMap::new();
    let mut undated = 0;
    for p in published {
        let ym = p.and_then(|p| {
            let year: i32 = p.get(0..4)?.parse().ok()?;
            let month: u32 = p.get(5..7)?.parse().ok()?;
            (p.as_bytes().get(4) == Some(&b'-') && (1..=12).contains(&month))
                .then_some((year, month))
        });
        match ym {
            Some(ym) => *counts.entry(ym).or_default() += 1,
            None => undated += 1,
        }
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return (Vec::new(), undated);
    };
    let span = (last.0 - first.0) as i64 * 12 + last.1 as i64 - first.1 as i64 + 1;
    let months: Vec<(i32, u32)> = if span as usize <= MAX_FILLED_MONTHS {
        let mut all = Vec::with_capacity(span as usize);
        let mut ym = first;
        while ym <= last {
            all.push(ym);
            ym = if ym.1 == 12 {
                (ym.0 + 1, 1)
            } else {
                (ym.0, ym.1 + 1)
            };
        }
        all
    } else {
        counts.keys().copied().collect()
    };
    let timeline = months
        .into_iter()
        .map(|ym| Month {
            month: format!("{:04}-{:02}", ym.0, ym.1),
            quotes: counts.get(&ym).copied().unwrap_or(0),
        })
        .collect();
    (timeline, undated)
}

/// A `what` id from a path: a positive integer.
fn positive_id(what: &str, raw: &str) -> Result<i64, ApiError> {
    match raw.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => {
            let shown: String = raw.chars().take(40).collect();
            Err(ApiError::bad_parameter(format!(
                "{what} id {shown:?}: expected a positive integer"
            )))
        }
    }
}

pub async fn speaker(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    query: Pairs,
) -> Result<Response, ApiError> {
    params(query, &[])?;
    let id = positive_id("speaker", &path_id(path)?)?;
    let page = app
        .pool
        .run(move |s| {
            let speaker = s
                .speaker(id)?
                .ok_or_else(|| ApiError::not_found(format!("no speaker {id}")))?;
            // The store has no aggregate query: page through the speaker's quotes.
            let mut published = Vec::new();
            // A merged speaker's old id answers with the speaker it joined.
            let mut q = QuoteQuery {
                speaker_id: Some(speaker.id),
                limit: crate::config::STORE_MAX_LIMIT,
                ..Default::default()
            };
            loop {
                let page = s.quotes(&q)?;
                published.extend(page.items.into_iter().map(|r| r.published));
                match page.next_offset {
                    Some(next) => q.offset = next,
                    None => break,
                }
            }
            let (timeline, undated) = timeline(published.iter().map(|p| p.as_deref()));
            Ok(SpeakerPage {
                speaker,
                timeline,
                undated,
            })
        })
        .await?;
    Ok(Json(page).into_response())
}

pub async fn articles(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    let p = params(
        query,
        &[
            "search", "outlet", "since", "until", "sort", "format", "limit", "offset",
        ],
    )?;
    let (limit, offset) = p.paging(app.config.default_page_size, app.config.max_page_size)?;
    let q = ArticleQuery {
        search: p.text("search"),
        outlet: p.text("outlet"),
        since: p.text("since"),
        until: p.text("until"),
        order: order(&p)?,
        limit,
        offset,
    };
    let page = app.pool.run(move |s| Ok(s.articles(&q)?)).await?;
    listing(&p, "articles", page)
}

pub async fn article(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    query: Pairs,
) -> Result<Response, ApiError> {
    params(query, &[])?;
    let id = path_id(path)?;
    let row = app
        .pool
        .run(move |s| {
            s.article(&id)?.ok_or_else(|| {
                let shown: String = id.chars().take(80).collect();
                ApiError::not_found(format!("no article {shown:?}"))
            })
        })
        .await?;
    Ok(Json(row).into_response())
}

/// `a == b` in time that does not depend on where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks the bearer token of a write request.
pub fn authorize(token: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = token else {
        return Err(ApiError::new(
            Code::ReadOnly,
            "this server is read-only: start it with --token (or VERBATIM_TOKEN) to accept articles",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    match given {
        None => Err(ApiError::new(
            Code::Unauthorized,
            "missing bearer token: send Authorization: Bearer TOKEN",
        )),
        Some(g) if same_secret(g.as_bytes(), token.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(Code::Unauthorized, "wrong bearer token")),
    }
}

#[derive(Serialize)]
struct Stored {
    key: String,
    id: Option<i64>,
}

#[derive(Serialize)]
struct Failed {
    origin: String,
    message: String,
}

#[derive(Serialize)]
struct IngestResponse {
    stored: usize,
    duplicates: usize,
    attributions: usize,
    /// Every article of the request, in order, with its store id.
    articles: Vec<Stored>,
    failed: Vec<Failed>,
    warnings: Vec<Warning>,
}

pub async fn post_articles(State(app): State<App>, req: Request) -> Result<Response, ApiError> {
    authorize(app.config.token.as_deref(), req.headers())?;
    let Some(analysis) = app.analysis.clone() else {
        return Err(ApiError::internal(
            "no analysis pool on a server with a token",
        ));
    };
    let body_timeout = app.config.body_timeout;
    let body = match tokio::time::timeout(body_timeout, Bytes::from_request(req, &())).await {
        Err(_) => {
            return Err(ApiError::new(
                Code::RequestTimeout,
                format!(
                    "the body did not arrive within {} (body_timeout)",
                    crate::config::TimeLimit(body_timeout)
                ),
            ))
        }
        Ok(body) => body.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    Code::PayloadTooLarge,
                    format!(
                        "the body is larger than {} bytes (max_body_bytes); send fewer articles per request",
                        app.config.max_body_bytes
                    ),
                )
            } else {
                ApiError::bad_parameter(format!("body: {}", r.body_text()))
            }
        })?,
    };
    let max_article_bytes = app.config.max_article_bytes;
    // Reading and analysing run on an analysis thread under the time budget; only the write
    // goes to the store's blocking pool.
    let (analysed, warnings) = analysis
        .run(move |pipeline, budget| {
            let (articles, warnings) = parse_articles(&body, max_article_bytes)?;
            let mut analysed = Vec::with_capacity(articles.len());
            for article in articles {
                if budget.exhausted() {
                    return Err(budget.exceeded());
                }
                let result = pipeline.analyze(&article);
                analysed.push((article, result));
            }
            Ok((analysed, warnings))
        })
        .await?;
    let response = app
        .pool
        .run(move |s| {
            let report = s.ingest_batch(&analysed)?;
            let mut stored = Vec::with_capacity(analysed.len());
            for (a, _) in &analysed {
                let id = s.article(&a.id)?.map(|row| row.id);
                stored.push(Stored {
                    key: a.id.clone(),
                    id,
                });
            }
            Ok(IngestResponse {
                stored: report.stored,
                duplicates: report.duplicates,
                attributions: report.attributions,
                articles: stored,
                failed: report
                    .failed
                    .into_iter()
                    .map(|(origin, message)| Failed { origin, message })
                    .collect(),
                warnings,
            })
        })
        .await?;
    if response.stored + response.duplicates == 0 {
        return Err(ApiError::internal(format!(
            "no article of the request could be stored: {}",
            response.failed.first().map_or("", |f| f.message.as_str())
        )));
    }
    let status = if response.stored > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(response)).into_response())
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    backend: verbatim_store::Backend,
    read_only: bool,
    stats: verbatim_store::Stats,
}

pub async fn health(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    params(query, &[])?;
    let read_only = app.config.token.is_none();
    let health = app
        .pool
        .run(move |s| {
            Ok(Health {
                status: "ok",
                version: env!("CARGO_PKG_VERSION"),
                backend: s.backend(),
                read_only,
                stats: s.stats()?,
            })
        })
        .await?;
    Ok(Json(health).into_response())
}

/// Row counts, or with `by=gender` the quotes of person speakers by gender (in all, per
/// outlet, per month).
pub async fn stats(State(app): State<App>, query: Pairs) -> Result<Response, ApiError> {
    let p = params(query, &["by"])?;
    match p.choice("by", &["gender"])? {
        Some(_) => {
            let g = app.pool.run(|s| Ok(s.gender_stats()?)).await?;
            Ok(Json(g).into_response())
        }
        None => {
            let counts = app.pool.run(|s| Ok(s.stats()?)).await?;
            Ok(Json(counts).into_response())
        }
    }
}

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::ui::OPENAPI,
    )
        .into_response()
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("no such route (see /api/openapi.json)")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        Code::MethodNotAllowed,
        "this route does not take that method (see /api/openapi.json)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn check_timeline(published: &[Option<&str>], expected: &[(&str, u64)], undated: u64) {
        let (got, got_undated) = timeline(published.iter().copied());
        let got: Vec<(&str, u64)> = got.iter().map(|m| (m.month.as_str(), m.quotes)).collect();
        assert_eq!(got, expected, "{published:?}");
        assert_eq!(got_undated, undated, "{published:?}");
    }

    #[test]
    fn timelines_fill_the_months_between() {
        check_timeline(&[], &[], 0);
        check_timeline(&[None, Some("")], &[], 2);
        check_timeline(&[Some("2017-03-03")], &[("2017-03", 1)], 0);
        check_timeline(
            &[
                Some("2017-03-03"),
                Some("2017-01-31T10:00:00"),
                Some("2017-03-01"),
                None,
            ],
            &[("2017-01", 1), ("2017-02", 0), ("2017-03", 2)],
            1,
        );
        check_timeline(
            &[Some("2016-12-01"), Some("2017-01-01")],
            &[("2016-12", 1), ("2017-01", 1)],
            0,
        );
        check_timeline(&[Some("2017"), Some("2017-13-01"), Some("20x7-01")], &[], 3);
        check_timeline(&[Some("2017-0é")], &[], 1);
        // Far apart: only the months with quotes.
        check_timeline(
            &[Some("1800-01-01"), Some("2017-01-01")],
            &[("1800-01", 1), ("2017-01", 1)],
            0,
        );
    }

    fn check_auth(token: Option<&str>, header: Option<&str>, expected: Result<(), Code>) {
        let mut headers = HeaderMap::new();
        if let Some(h) = header {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(h).unwrap());
        }
        let got = authorize(token, &headers).map_err(|e| e.code);
        assert_eq!(got, expected, "{token:?} {header:?}");
    }

    #[test]
    fn bearer_tokens_are_checked() {
        let t = Some("0123456789abcdef");
        check_auth(t, Some("Bearer 0123456789abcdef"), Ok(()));
        check_auth(t, Some("bearer  0123456789abcdef "), Ok(()));
        check_auth(t, Some("Bearer 0123456789abcdeX"), Err(Code::Unauthorized));
        check_auth(t, Some("Bearer 0123456789abcde"), Err(Code::Unauthorized));
        check_auth(t, Some("Basic 0123456789abcdef"), Err(Code::Unauthorized));
        check_auth(t, Some("0123456789abcdef"), Err(Code::Unauthorized));
        check_auth(t, None, Err(Code::Unauthorized));
        check_auth(None, Some("Bearer 0123456789abcdef"), Err(Code::ReadOnly));
        check_auth(None, None, Err(Code::ReadOnly));
    }

    #[test]
    fn speaker_ids_are_positive_integers() {
        assert_eq!(positive_id("speaker", "12"), Ok(12));
        assert!(positive_id("speaker", "0").is_err());
        assert!(positive_id("speaker", "-3").is_err());
        assert!(positive_id("speaker", "x").is_err());
        assert!(positive_id("speaker", "99999999999999999999").is_err());
        let e = positive_id("quote", "abc").unwrap_err();
        assert_eq!(e.message, "quote id \"abc\": expected a positive integer");
    }
}
