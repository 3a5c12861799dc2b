//! How well sources that are not names get a named speaker: resolution evaluated on gold
//! attributions, so that attribution errors do not blur it.

use super::percent;
use crate::article::Article;
use crate::attribute::{Attribution, CueClass, Kind};
use crate::corpus::GoldDoc;
use crate::pipeline::Pipeline;
use crate::resolve::{Evidence, SpeakerType};
use crate::span::{CharOffsets, Span};
use crate::tag::EntityType;
use std::fmt;

/// Which kind of non-name source a gold source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceForm {
    /// "he", "she", "they", "his", "who", ...
    Pronoun,
    /// A common noun phrase with no person name in it: "the President", "a Justice official".
    Nominal,
}

/// One gold source of a pronoun or nominal form, and what the resolver made of it.
#[derive(Clone, Debug)]
pub struct SpeakerCase {
    pub id: String,
    /// Code-point offsets of the whole source (first piece start to last piece end).
    pub source: [usize; 2],
    pub form: SourceForm,
    /// The resolved name, when the speaker is a person or organisation entity of the article.
    pub named: Option<String>,
    pub kind: SpeakerType,
}

/// Counts over the gold sources of a corpus.
#[derive(Clone, Debug, Default)]
pub struct SpeakerEval {
    pub n_sources: usize,
    pub cases: Vec<SpeakerCase>,
    /// Every resolved gold source, by article: what [`predicted_sources`] gives with `gold`
    /// true, so that a caller scoring referents need not resolve the corpus again.
    pub sources: PredSources,
}

/// Predicted sources by article id.
pub type PredSources = std::collections::BTreeMap<String, Vec<PredSource>>;

impl SpeakerEval {
    fn count(&self, form: SourceForm, named: bool) -> usize {
        self.cases
            .iter()
            .filter(|c| c.form == form && (!named || c.named.is_some()))
            .count()
    }
}

impl fmt::Display for SpeakerEval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "gold sources: {}", self.n_sources)?;
        writeln!(
            f,
            "{:<10} {:>7} {:>7} {:>8}",
            "form", "sources", "named", "share"
        )?;
        for (label, form) in [
            ("pronoun", SourceForm::Pronoun),
            ("nominal", SourceForm::Nominal),
        ] {
            let (n, named) = (self.count(form, false), self.count(form, true));
            let share = if n == 0 {
                0.0
            } else {
                100.0 * named as f64 / n as f64
            };
            writeln!(f, "{label:<10} {n:>7} {named:>7} {share:>7.1}%")?;
        }
        Ok(())
    }
}

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "i", "we", "it", "you", "him", "her", "them", "us", "his", "its", "their",
    "who", "which", "that", "whom",
];

/// Resolves the speakers of the gold attributions of `docs` and collects every source that is
/// a pronoun or a nominal.
pub fn evaluate_speakers(pipeline: &Pipeline, docs: &[GoldDoc]) -> SpeakerEval {
    let mut out = SpeakerEval::default();
    analyze_each(pipeline, docs, true, |doc, offsets, analysis| {
        out.sources
            .insert(doc.id.clone(), pred_sources(offsets, analysis));
        for att in &analysis.attributions {
            let (Some(first), Some(last)) = (att.source.first(), att.source.last()) else {
                continue;
            };
            out.n_sources += 1;
            let span = first.cover(*last);
            let text = span.slice(&doc.text).trim();
            let lower = text.to_lowercase();
            let has_name = analysis.mentions.iter().any(|m| {
                span.contains(m.span)
                    && matches!(
                        m.kind,
                        EntityType::Person | EntityType::Organization | EntityType::Location
                    )
            });
            let form = if PRONOUNS.contains(&lower.as_str()) {
                SourceForm::Pronoun
            } else if !has_name && text.split_whitespace().count() <= 8 {
                SourceForm::Nominal
            } else {
                continue;
            };
            let Some(speaker) = &att.speaker else {
                continue;
            };
            let named = (speaker.entity.is_some()
                && matches!(
                    speaker.kind,
                    SpeakerType::Person | SpeakerType::Organization
                ))
            .then(|| speaker.name.clone());
            out.cases.push(SpeakerCase {
                id: doc.id.clone(),
                source: offsets.span_to_chars(span),
                form,
                named,
                kind: speaker.kind,
            });
        }
    });
    out
}

/// Runs the pipeline over every document (on its gold attributions when `gold`, else finding
/// its own) and hands each analysis to `each`, with the document's code-point offsets.
fn analyze_each(
    pipeline: &Pipeline,
    docs: &[GoldDoc],
    gold: bool,
    mut each: impl FnMut(&GoldDoc, &CharOffsets, &crate::pipeline::Analysis),
) {
    for doc in docs {
        let offsets = CharOffsets::new(&doc.text);
        let article = Article {
            id: doc.id.clone(),
            text: doc.text.clone(),
            meta: crate::article::Meta {
                byline: doc.author.clone().filter(|a| a != "None" && !a.is_empty()),
                ..Default::default()
            },
            ..Default::default()
        };
        let analysis = if gold {
            pipeline.analyze_given(&article, gold_attributions(doc, &offsets))
        } else {
            pipeline.analyze(&article)
        };
        each(doc, &offsets, &analysis);
    }
}

/// The attributions of an analysis as the referent scorer sees them.
fn pred_sources(offsets: &CharOffsets, analysis: &crate::pipeline::Analysis) -> Vec<PredSource> {
    analysis
        .attributions
        .iter()
        .map(|a| PredSource {
            source: a.source.iter().map(|&s| offsets.span_to_chars(s)).collect(),
            name: a.speaker.as_ref().map(|s| s.name.clone()),
            kind: a.speaker.as_ref().map(|s| s.kind),
            evidence: a.speaker.as_ref().map(|s| s.evidence),
            confidence: a.speaker.as_ref().map(|s| s.confidence),
        })
        .collect()
}

/// One hand-judged (or silver) non-name source and the referent a careful reader names: a
/// line of `../shared/data/speakers/dev.jsonl` (see its CONVENTIONS.md).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct ReferentItem {
    pub id: String,
    /// Code-point pieces of the gold source span.
    pub source: Vec<[usize; 2]>,
    #[serde(default)]
    pub source_text: String,
    /// The fullest proper name of the entity meant; `None` when the article never names it.
    pub referent: Option<String>,
    /// `high` or `low`; only `high` named items are scored (as the reference scorer does).
    #[serde(default = "high")]
    pub confidence: String,
}

fn high() -> String {
    "high".to_string()
}

/// Reads referent items (JSONL), reporting the line of a bad one.
pub fn read_referents(jsonl: &str) -> Result<Vec<ReferentItem>, String> {
    let mut out = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item: ReferentItem =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        if item.source.is_empty() {
            return Err(format!("line {}: empty source", n + 1));
        }
        out.push(item);
    }
    Ok(out)
}

/// Silver referents from CoreNLP's coreference chains (train.jsonl carries them): for every
/// gold source that is a pronoun or a nominal (no proper noun in it) and that holds a chain
/// mention, the referent is the longest run of named-entity tokens among the chain's
/// mentions, or `None` when no mention of the chain is a name. Silver, not truth: a
/// development measure on train, so that resolution rules are not fitted to dev's items.
///
/// With `with_names`, sources that hold a proper noun are items too (their referent is the
/// chain's longest name, or the longest name inside the source when no chain holds it): the
/// counts behind the confidence of the name rules.
pub fn silver_referents(docs: &[GoldDoc], with_names: bool) -> Vec<ReferentItem> {
    let mut out = Vec::new();
    for doc in docs {
        let Some(c) = &doc.corenlp else { continue };
        if c.pos.len() != c.tokens.len() || c.ner.len() != c.tokens.len() {
            continue;
        }
        let offsets = CharOffsets::new(&doc.text);
        let slice = |s: usize, e: usize| offsets.span_from_chars(s, e).slice(&doc.text);
        let mut seen = std::collections::BTreeSet::new();
        for g in &doc.attributions {
            let (Some(first), Some(last)) = (g.source.first(), g.source.last()) else {
                continue;
            };
            let (s, e) = (first[0], last[1]);
            if !seen.insert((s, e)) {
                continue;
            }
            let text = slice(s, e);
            let lower = text.trim().to_lowercase();
            let toks = c.tokens_within(s, e);
            if toks.is_empty() {
                continue;
            }
            let proper = toks.clone().any(|t| c.pos[t].starts_with("NNP"));
            let pronoun = PRONOUNS.contains(&lower.as_str());
            if !pronoun && !proper && lower.split_whitespace().count() > 8 {
                continue;
            }
            if !pronoun && proper && !with_names {
                continue;
            }
            // The chain of the longest mention inside the source. A name source that no
            // chain covers for the most part is its own referent ("Top Republican Party donor
            // Sheldon Adelson": CoreNLP leaves singletons out of its chains).
            let own = [(s, e, false)];
            let named = proper && !pronoun;
            let Some(chain) = c
                .coref
                .iter()
                .filter_map(|ch| {
                    ch.iter()
                        .filter(|m| m.0 >= s && m.1 <= e)
                        .map(|m| m.1 - m.0)
                        .max()
                        .map(|len| (len, ch.as_slice()))
                })
                .max_by_key(|&(len, _)| len)
                .filter(|&(len, _)| !named || 5 * len >= 3 * (e - s))
                .map(|(_, ch)| ch)
                .or(named.then_some(&own[..]))
            else {
                continue;
            };
            // Runs of PERSON / ORGANIZATION / LOCATION tokens in the chain's mentions; the
            // referent is the longest run of the kind most runs have (a person's chain holds
            // "Fox" in "Fox host Megyn Kelly" too).
            const KINDS: [EntityType; 3] = [
                EntityType::Person,
                EntityType::Organization,
                EntityType::Location,
            ];
            let runs: Vec<(usize, std::ops::Range<usize>)> = chain
                .iter()
                .flat_map(|m| c.entity_runs(c.tokens_within(m.0, m.1)))
                .filter_map(|(run, kind)| Some((KINDS.iter().position(|&k| k == kind)?, run)))
                .collect();
            let mut per_kind = [0usize; 3];
            for r in &runs {
                per_kind[r.0] += 1;
            }
            let kind = (0..3).max_by_key(|&k| (per_kind[k], 3 - k));
            let best = runs
                .into_iter()
                .filter(|r| Some(r.0) == kind)
                .max_by_key(|r| r.1.len())
                .map(|(_, run)| {
                    slice(c.tokens[run.start][0], c.tokens[run.end - 1][1]).to_string()
                });
            out.push(ReferentItem {
                id: doc.id.clone(),
                source: vec![[s, e]],
                source_text: text.to_string(),
                referent: best,
                confidence: high(),
            });
        }
    }
    out
}

/// A predicted attribution as the referent scorer sees it: source pieces (code points) and
/// the speaker's name and type.
#[derive(Clone, Debug)]
pub struct PredSource {
    pub source: Vec<[usize; 2]>,
    pub name: Option<String>,
    pub kind: Option<SpeakerType>,
    /// The resolver rule that named the speaker, and its confidence.
    pub evidence: Option<Evidence>,
    pub confidence: Option<f64>,
}

/// The predicted sources of every article, from the pipeline's own attributions (`gold` false:
/// end to end) or from the resolver run on the gold attributions (`gold` true).
pub fn predicted_sources(pipeline: &Pipeline, docs: &[GoldDoc], gold: bool) -> PredSources {
    let mut out = PredSources::new();
    analyze_each(pipeline, docs, gold, |doc, offsets, analysis| {
        out.insert(doc.id.clone(), pred_sources(offsets, analysis));
    });
    out
}

/// Titles the reference scorer drops before comparing names.
const NAME_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "president",
    "the",
];

fn name_words_of(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !NAME_TITLES.contains(w))
        .map(str::to_string)
        .collect()
}

/// Whether a predicted name names the referent: the same words (titles dropped), or the same
/// last word and no conflicting first word (the rule of `score_speakers.py`).
pub fn same_name(pred: &str, gold: &str) -> bool {
    let (p, g) = (name_words_of(pred), name_words_of(gold));
    if p.is_empty() || g.is_empty() {
        return false;
    }
    p == g || (p.last() == g.last() && (p.len() == 1 || g.len() == 1 || p[0] == g[0]))
}

/// One scored item, for `--show`.
#[derive(Clone, Debug)]
pub struct ReferentOutcome {
    pub item: ReferentItem,
    /// The predicted source taken for the item: `None` when none overlaps the item's.
    pub got: Option<PredSource>,
    pub right: bool,
}

/// Referent scores, in the figures of `score_speakers.py`.
#[derive(Clone, Debug, Default)]
pub struct ReferentScore {
    pub named: usize,
    pub named_found: usize,
    pub named_ok: usize,
    pub null: usize,
    pub null_found: usize,
    pub null_ok: usize,
    pub outcomes: Vec<ReferentOutcome>,
}

/// Scores predictions against referent items: for each item the first predicted source that
/// overlaps it is taken; a named item is right when the speaker's name is the referent's, a
/// null item when no person or organisation name is given.
pub fn score_referents(items: &[ReferentItem], preds: &PredSources) -> ReferentScore {
    let overlap = |a: &[[usize; 2]], b: &[[usize; 2]]| {
        a.iter()
            .any(|x| b.iter().any(|y| x[0] < y[1] && y[0] < x[1]))
    };
    let mut out = ReferentScore::default();
    for it in items {
        let hit = preds
            .get(&it.id)
            .and_then(|p| p.iter().find(|p| overlap(&p.source, &it.source)));
        let got = hit.cloned();
        let right = match &it.referent {
            Some(r) if it.confidence == "high" => {
                out.named += 1;
                out.named_found += usize::from(hit.is_some());
                let ok = hit
                    .and_then(|h| h.name.as_deref())
                    .is_some_and(|n| same_name(n, r));
                out.named_ok += usize::from(ok);
                ok
            }
            Some(_) => continue,
            None => {
                out.null += 1;
                out.null_found += usize::from(hit.is_some());
                let ok = hit.is_some_and(|h| {
                    h.name.is_none()
                        || matches!(
                            h.kind,
                            Some(
                                SpeakerType::Anonymous
                                    | SpeakerType::Group
                                    | SpeakerType::Document
                                    | SpeakerType::Unknown
                            )
                        )
                });
                out.null_ok += usize::from(ok);
                ok
            }
        };
        out.outcomes.push(ReferentOutcome {
            item: it.clone(),
            got,
            right,
        });
    }
    out
}

/// The confidence bands the referent report is broken down by: [low, high).
const BANDS: [(f64, f64); 5] = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0)];

impl ReferentScore {
    /// Items found whose speaker's confidence passes `wanted`, and how many are right.
    fn found_at(&self, wanted: impl Fn(f64) -> bool) -> (usize, usize) {
        self.outcomes
            .iter()
            .filter(|o| {
                o.got
                    .as_ref()
                    .and_then(|g| g.confidence)
                    .is_some_and(&wanted)
            })
            .fold((0, 0), |(n, ok), o| (n + 1, ok + usize::from(o.right)))
    }

    /// Items found, by the confidence band of their speaker: (low, high, found, right). The
    /// last band includes 1.0.
    pub fn bands(&self) -> Vec<(f64, f64, usize, usize)> {
        BANDS
            .iter()
            .map(|&(lo, hi)| {
                let (found, right) = self.found_at(|c| c >= lo && (c < hi || hi >= 1.0));
                (lo, hi, found, right)
            })
            .collect()
    }

    /// Items found whose speaker has confidence at least `at`, and how many are right.
    pub fn confident(&self, at: f64) -> (usize, usize) {
        self.found_at(|c| c >= at)
    }
}

impl fmt::Display for ReferentScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "named referents: {}/{} right end to end ({:.1}%), {}/{} of those found ({:.1}%)",
            self.named_ok,
            self.named,
            percent(self.named_ok, self.named),
            self.named_ok,
            self.named_found,
            percent(self.named_ok, self.named_found)
        )?;
        writeln!(
            f,
            "null referents:  {}/{} kept unnamed end to end ({:.1}%), {}/{} of those found ({:.1}%)",
            self.null_ok,
            self.null,
            percent(self.null_ok, self.null),
            self.null_ok,
            self.null_found,
            percent(self.null_ok, self.null_found)
        )?;
        writeln!(f, "by speaker confidence (items found):")?;
        for (lo, hi, found, right) in self.bands() {
            let close = if hi >= 1.0 { ']' } else { ')' };
            writeln!(
                f,
                "  [{lo:.1}, {hi:.1}{close} {found:>5} items {right:>5} right ({:.1}%)",
                percent(right, found)
            )?;
        }
        let (found, right) = self.confident(0.8);
        writeln!(
            f,
            "  >= 0.8    {found:>5} items {right:>5} right ({:.1}%)",
            percent(right, found)
        )
    }
}

/// How many hand-judged items a rule needs before its confidence is counted on them rather
/// than on the silver referents.
const MIN_JUDGED: u64 = 3;

/// Right and total per resolver rule, for the outcomes `keep` lets through.
fn rule_counts(
    score: &ReferentScore,
    keep: impl Fn(&ReferentOutcome, Evidence) -> bool,
) -> std::collections::BTreeMap<Evidence, (u64, u64)> {
    let mut counts: std::collections::BTreeMap<Evidence, (u64, u64)> = Default::default();
    for o in &score.outcomes {
        let Some(evidence) = o.got.as_ref().and_then(|g| g.evidence) else {
            continue;
        };
        if !keep(o, evidence) {
            continue;
        }
        let c = counts.entry(evidence).or_default();
        c.0 += u64::from(o.right);
        c.1 += 1;
    }
    counts
}

/// The counts behind `models/speaker_confidence.tsv`: the gold sources of `docs` (train)
/// resolved by `pipeline`, scored per resolver rule against `judged`, hand-judged referents
/// of train articles, for every rule they show at least `MIN_JUDGED` times, and for the
/// others (the name rules: judged items are non-name sources) against the silver referents
/// of CoreNLP's coreference, names included.
pub fn learn_speaker_confidence(
    pipeline: &Pipeline,
    docs: &[GoldDoc],
    judged: &[ReferentItem],
) -> String {
    let preds = predicted_sources(pipeline, docs, true);
    let hand = rule_counts(&score_referents(judged, &preds), |_, _| true);
    // A chain without a name is mostly a chain CoreNLP broke ("The president" linked to
    // nothing): a rule that names someone is counted on the items whose chain names someone.
    let silver = rule_counts(
        &score_referents(&silver_referents(docs, true), &preds),
        |o, evidence| evidence.via() == crate::resolve::Via::None || o.item.referent.is_some(),
    );
    let mut table = std::collections::BTreeMap::new();
    for e in Evidence::ALL {
        let judged = hand.get(&e).copied().filter(|c| c.1 >= MIN_JUDGED);
        let row = match judged {
            Some((right, total)) => (right, total, "judged"),
            None => {
                let (right, total) = silver.get(&e).copied().unwrap_or((0, 0));
                (right, total, "silver")
            }
        };
        table.insert(e, row);
    }
    crate::resolve::confidence::write_table(&table)
}

/// The gold attributions of a document as pipeline attributions (byte spans), for resolving
/// the speakers of gold sources.
fn gold_attributions(doc: &GoldDoc, offsets: &CharOffsets) -> Vec<Attribution> {
    let to_spans = |pieces: &[[usize; 2]]| -> Vec<Span> {
        pieces
            .iter()
            .map(|&[s, e]| offsets.span_from_chars(s, e))
            .filter(|s| !s.is_empty())
            .collect()
    };
    doc.attributions
        .iter()
        .map(|g| Attribution {
            // Classified from the quotations and the cue by `analyze_given`.
            kind: Kind::Other,
            cue_class: CueClass::Other,
            source: to_spans(&g.source),
            cue: to_spans(&g.cue),
            content: to_spans(&g.content),
            speaker: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_the_reference_scorer_matches_them() {
        assert!(same_name("Donald Trump", "Donald J. Trump"));
        assert!(same_name("Mr. Trump", "Donald Trump"));
        assert!(same_name("Sen. Lindsey Graham", "Lindsey Graham"));
        assert!(!same_name("Ivanka Trump", "Donald Trump"));
        assert!(!same_name("", "Donald Trump"));
        assert!(!same_name("the senator", "Lindsey Graham"));
    }

    #[test]
    fn referents_are_scored_by_the_first_overlapping_source() {
        let raw = concat!(
            r#"{"id": "a", "source": [[0, 2]], "referent": "Jane Roe", "confidence": "high"}"#,
            "\n",
            r#"{"id": "a", "source": [[10, 20]], "referent": null, "confidence": "high"}"#,
            "\n",
            r#"{"id": "a", "source": [[30, 33]], "referent": "Ann Lee", "confidence": "low"}"#,
            "\n",
            r#"{"id": "b", "source": [[0, 3]], "referent": "John Doe", "confidence": "high"}"#,
        );
        let items = read_referents(raw).unwrap();
        let pred = |s: usize, e: usize, name: &str, kind| PredSource {
            source: vec![[s, e]],
            name: Some(name.to_string()),
            kind: Some(kind),
            evidence: None,
            confidence: Some(if kind == SpeakerType::Person {
                0.85
            } else {
                0.3
            }),
        };
        let mut preds = std::collections::BTreeMap::new();
        preds.insert(
            "a".to_string(),
            vec![
                pred(0, 2, "Roe", SpeakerType::Person),
                pred(12, 15, "officials", SpeakerType::Anonymous),
            ],
        );
        let s = score_referents(&items, &preds);
        assert_eq!((s.named, s.named_found, s.named_ok), (2, 1, 1));
        assert_eq!((s.null, s.null_found, s.null_ok), (1, 1, 1));
        assert_eq!(
            s.outcomes.len(),
            3,
            "the low-confidence named item is not scored"
        );
        let bands = s.bands();
        assert_eq!(bands[0], (0.0, 0.5, 1, 1), "the anonymous speaker at 0.3");
        assert_eq!(bands[3], (0.8, 0.9, 1, 1), "Roe at 0.85");
        assert_eq!(s.confident(0.8), (1, 1));
        assert!(read_referents(r#"{"id": "a", "source": [], "referent": null}"#).is_err());
        assert!(read_referents("{").unwrap_err().starts_with("line 1"));
    }
}
