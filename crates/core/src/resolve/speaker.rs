//! From an attribution's source span to a [`Speaker`].

use super::confidence::Evidence;
use super::entities::{
    group_entities, honorific_female, name_words, normalize_title, refine_mentions, Entity,
};
use super::lexicon::*;
use super::{Gender, Speaker, SpeakerType};
use crate::attribute::Attribution;
use crate::parse::{Label, Syntax};
use crate::segment::Segmentation;
use crate::span::Span;
use crate::tag::{EntityMention, EntityType};
use std::collections::BTreeMap;
use std::ops::Range;

/// Names the speaker of every attribution and returns the article's entities.
#[derive(Clone, Debug, Default)]
pub struct Resolver {}

const FEMALE_TITLES: &[&str] = &[
    "spokeswoman",
    "congresswoman",
    "chairwoman",
    "businesswoman",
    "first lady",
    "mrs",
    "ms",
    "madam",
];

const MALE_TITLES: &[&str] = &["spokesman", "congressman", "chairman", "businessman", "mr"];

/// What the article shows of a person's gender: an honorific before a mention ("Mrs.
/// Clinton", "Mr. Ban"), a gendered title ("spokeswoman"), or a first name whose gender the
/// corpus shows (`models/first_names.tsv`).
fn gender(text: &str, e: &Entity) -> Gender {
    let honorific = e.mentions.iter().find_map(|&m| honorific_female(text, m));
    if let Some(female) = honorific {
        return if female { Gender::Female } else { Gender::Male };
    }
    let titled = |list: &[&str]| {
        e.titles
            .iter()
            .any(|t| list.iter().any(|f| t.split(' ').any(|w| w == *f)))
    };
    let by_name = super::full_name_female(&name_words(&e.name));
    if by_name == Some(true) || titled(FEMALE_TITLES) {
        Gender::Female
    } else if by_name == Some(false) || titled(MALE_TITLES) {
        Gender::Male
    } else {
        Gender::Unknown
    }
}

/// How many sentences back a pronoun source can pick up the last speaker (chosen on train's
/// silver referents: 1, 2, 4 and 8 sentences score within 5 items of each other; 1 is best).
const SPEAKER_REACH: usize = 1;

/// How many sentences back "the company" looks for the organisation it is.
const ORGANIZATION_REACH: usize = 2;
/// How many sentences back "it" looks for the organisation it stands for.
const IT_REACH: usize = 6;
/// How many paragraphs after a writer's "I" its letter's signature may stand.
const SIGNATURE_REACH: usize = 8;

/// How many name mentions back a definite document looks for its issuer.
const ISSUER_LOOKBACK: usize = 40;

/// The gender a "she" (`female`) or "he" pronoun has, and the one it cannot have.
fn pronoun_genders(female: bool) -> (Gender, Gender) {
    if female {
        (Gender::Female, Gender::Male)
    } else {
        (Gender::Male, Gender::Female)
    }
}

impl Resolver {
    pub fn new() -> Resolver {
        Resolver {}
    }

    /// Repairs `mentions` with article-wide evidence ([`refine_mentions`]), groups them into
    /// entities, sets `speaker` on every attribution that has a source, and adds resolved
    /// pronoun and nominal sources to their entity's mentions.
    pub fn resolve(
        &self,
        text: &str,
        seg: &Segmentation,
        syntax: &Syntax,
        mentions: &mut Vec<EntityMention>,
        attributions: &mut [Attribution],
        byline: Option<&str>,
    ) -> Vec<Entity> {
        refine_mentions(text, seg, mentions);
        let mentions = &mentions[..];
        let (mut entities, of_mention) = group_entities(text, seg, mentions);
        let mut named: Vec<(Span, usize)> = mentions
            .iter()
            .zip(&of_mention)
            .filter_map(|(m, e)| e.map(|e| (m.span, e)))
            .collect();
        // In text order, so that the mentions in a range are found by binary search.
        named.sort_by_key(|&(m, _)| m);
        let mut mentions_of: Vec<Vec<usize>> = vec![Vec::new(); entities.len()];
        for (i, &(_, e)) in named.iter().enumerate() {
            mentions_of[e].push(i);
        }
        let quoted = quoted_regions(seg, attributions);
        let quoted_reach = reach(&quoted);
        let mut by_surname: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for e in entities.iter().filter(|e| e.kind == EntityType::Person) {
            if let Some(last) = name_words(&e.name).pop() {
                by_surname.entry(last).or_default().push(e.id);
            }
        }
        let genders: Vec<Gender> = entities.iter().map(|e| gender(text, e)).collect();
        let ctx = Context {
            text,
            seg,
            syntax,
            genders: &genders,
            entities: &entities,
            named: &named,
            mentions_of: &mentions_of,
            quoted: &quoted,
            quoted_reach: &quoted_reach,
            by_surname: &by_surname,
        };
        let mut added: Vec<(usize, Span)> = Vec::new();
        // The person who spoke last, and where: a pronoun source picks them up when nobody
        // else who could be meant was named since ("Fowler said ... He added").
        let mut last_speaker: Option<(usize, Span)> = None;
        for att in attributions.iter_mut() {
            let (Some(first), Some(last)) = (att.source.first(), att.source.last()) else {
                att.speaker = None;
                continue;
            };
            let span = first.cover(*last);
            let (mut speaker, evidence) = ctx.speaker(span, last_speaker, byline);
            if let Some(e) = speaker
                .entity
                .filter(|_| speaker.kind == SpeakerType::Person)
            {
                last_speaker = Some((e, span));
            }
            // A pronoun or description resolved to an entity becomes one of its mentions.
            if let (Some(e), true) = (speaker.entity, evidence.joins_entity()) {
                added.push((e, span));
            }
            speaker.evidence = evidence;
            speaker.confidence = super::confidence::confidence(evidence);
            att.speaker = Some(speaker);
        }
        // Each resolved span joins its entity's mentions once (sorted lookups: a pronoun-dense
        // article resolves thousands of spans to one person).
        added.sort();
        added.dedup();
        for e in &mut entities {
            e.mentions.sort();
        }
        let mut new_spans: Vec<(usize, Span)> = added
            .into_iter()
            .filter(|&(e, span)| entities[e].mentions.binary_search(&span).is_err())
            .collect();
        for (e, span) in new_spans.drain(..) {
            entities[e].mentions.push(span);
        }
        for e in &mut entities {
            e.mentions.sort();
        }
        entities
    }
}

/// Byte regions inside quotation marks, from the contents found that open with a quotation
/// of the segmentation: pronouns in them refer to the quoted speaker's world, not the
/// article's.
fn quoted_regions(seg: &Segmentation, attributions: &[Attribution]) -> Vec<Span> {
    let opens_quotation = |s: &Span| {
        let k = seg.quotations.partition_point(|q| q.span.start < s.start);
        seg.quotations
            .get(k)
            .is_some_and(|q| q.span.start == s.start)
    };
    let mut out: Vec<Span> = attributions
        .iter()
        .flat_map(|a| a.content.iter().copied())
        .filter(opens_quotation)
        .collect();
    out.sort();
    out
}

struct Context<'a> {
    text: &'a str,
    genders: &'a [Gender],
    seg: &'a Segmentation,
    syntax: &'a Syntax,
    entities: &'a [Entity],
    named: &'a [(Span, usize)],
    /// For each entity: the indices of its mentions in `named`, in text order.
    mentions_of: &'a [Vec<usize>],
    quoted: &'a [Span],
    /// `quoted_reach[i]`: the furthest end among `quoted[..=i]`.
    quoted_reach: &'a [usize],
    /// Person entities by the last word of their name, in entity order.
    by_surname: &'a BTreeMap<String, Vec<usize>>,
}

/// The running maximum of the ends of sorted spans.
fn reach(spans: &[Span]) -> Vec<usize> {
    spans
        .iter()
        .scan(0, |far, s| {
            *far = (*far).max(s.end);
            Some(*far)
        })
        .collect()
}

impl Context<'_> {
    /// The name mentions starting inside `from..to` (byte offsets), in text order.
    fn named_from(&self, from: usize, to: usize) -> &[(Span, usize)] {
        let a = self.named.partition_point(|(m, _)| m.start < from);
        let b = self.named.partition_point(|(m, _)| m.start < to).max(a);
        &self.named[a..b]
    }

    /// The entity of the last name mention ending before `span` whose entity passes `wanted`.
    /// (Entity by entity, so a long article does not walk back over every mention for every
    /// description.)
    fn last_named_before(
        &self,
        span: Span,
        wanted: impl Fn(usize) -> bool,
    ) -> Option<(Span, usize)> {
        let limit = self.named_from(0, span.start).len();
        let mut best: Option<usize> = None;
        for (e, idx) in self.mentions_of.iter().enumerate() {
            let n = idx.partition_point(|&i| i < limit);
            let Some(&i) = idx[..n]
                .iter()
                .rev()
                .find(|&&i| self.named[i].0.end <= span.start)
            else {
                continue;
            };
            if best.is_none_or(|b| i > b) && wanted(e) {
                best = Some(i);
            }
        }
        best.map(|i| self.named[i])
    }

    /// The organisation named last before `span`, outside quotations, in its sentence or the
    /// `ORGANIZATION_REACH` sentences before.
    fn nearest_organization(&self, span: Span) -> Option<(Span, usize)> {
        self.organization_before(span, ORGANIZATION_REACH)
    }

    /// The organisation named last before `span`, outside quotations, in its sentence or the
    /// `reach` sentences before.
    fn organization_before(&self, span: Span, reach: usize) -> Option<(Span, usize)> {
        let sent = self.seg.sentence_of(self.seg.token_at(span.start));
        let floor = sent.saturating_sub(reach);
        let from = self.seg.sentences[floor].span.start;
        self.named_from(from, span.start)
            .iter()
            .rev()
            .filter(|(m, _)| m.end <= span.start && !self.in_quotation(*m))
            .find(|&&(_, e)| self.entities[e].kind == EntityType::Organization)
            .copied()
    }

    /// The signature of the letter holding `span`: the first paragraph after it, at most
    /// `SIGNATURE_REACH` paragraphs on, that is nothing but a person's name ("Michael
    /// Pravica."), outside quotations.
    fn signature_after(&self, span: Span) -> Option<(Span, usize)> {
        let sent = self.seg.sentence_of(self.seg.token_at(span.start));
        let para = self.seg.paragraph_of(sent);
        let last = (para + SIGNATURE_REACH).min(self.seg.paragraphs.len().saturating_sub(1));
        (para + 1..=last).find_map(|p| {
            let pspan = self.seg.paragraphs[p].span;
            let body = pspan.slice(self.text).trim().trim_end_matches(['.', ',']);
            let &(m, e) = self.named_from(pspan.start, pspan.end).first()?;
            (self.entities[e].kind == EntityType::Person
                && m.slice(self.text).trim() == body
                && !self.in_quotation(m))
            .then_some((m, e))
        })
    }

    /// The name mention holding token `t` (mentions are sorted and do not nest: one of the
    /// last few starting at or before the token).
    fn named_at(&self, t: usize) -> Option<(Span, usize)> {
        let ts = self.seg.tokens[t].span;
        self.named_from(0, ts.start + 1)
            .iter()
            .rev()
            .take(4)
            .find(|(s, _)| s.contains(ts))
            .copied()
    }

    /// Whether a document noun ("report", "email") outside any name is the subject of a
    /// clause in `from..to` ("The report also listed ...", not "cut its forecast").
    fn document_between(&self, from: usize, to: usize) -> bool {
        let parse = &self.syntax.parse;
        if parse.len() != self.seg.tokens.len() {
            return false;
        }
        let tokens = self.seg.tokens_within(Span::new(from, to));
        tokens.into_iter().any(|t| {
            let ts = self.seg.tokens[t].span;
            let word = ts.slice(self.text).to_lowercase();
            parse.label(t).is_subject()
                && DOCUMENT_HEADS.contains(&word.as_str())
                && self.named_at(t).is_none()
        })
    }

    /// The last name mention of entity `e` ending at or before byte `pos`.
    fn last_mention_before(&self, e: usize, pos: usize) -> Option<Span> {
        self.mentions_of[e]
            .iter()
            .rev()
            .map(|&i| self.named[i].0)
            .find(|m| m.end <= pos)
    }

    /// Whether quotation marks of the segmentation enclose `span`.
    fn in_marks(&self, span: Span) -> bool {
        let k = self
            .seg
            .quotations
            .partition_point(|q| q.span.start <= span.start);
        self.seg.quotations[..k]
            .iter()
            .any(|q| q.span.end >= span.end)
    }

    /// The article's writer as a speaker: the person entity the byline names, else the
    /// byline's name itself.
    fn byline_speaker(&self, byline: &str) -> Option<Speaker> {
        let name = byline
            .trim()
            .trim_start_matches("By ")
            .trim_start_matches("by ")
            .split([',', ';', '|'])
            .next()?
            .trim();
        let words = name_words(name);
        if words.is_empty() || words.len() > 4 || name.contains(" and ") {
            return None;
        }
        let entity = self
            .entities
            .iter()
            .find(|e| e.kind == EntityType::Person && name_words(&e.name) == words);
        let gender = match entity {
            Some(e) => self.genders[e.id],
            None => match super::full_name_female(&words) {
                Some(true) => Gender::Female,
                Some(false) => Gender::Male,
                None => Gender::Unknown,
            },
        };
        Some(Speaker {
            name: entity.map_or_else(|| name.to_string(), |e| e.name.clone()),
            kind: SpeakerType::Person,
            entity: entity.map(|e| e.id),
            description: None,
            affiliation: None,
            role: None,
            issuer: None,
            evidence: Evidence::Byline,
            antecedent: None,
            confidence: 0.0,
            gender: Some(gender),
        })
    }

    /// The role and principal of a representative named at `m` inside the source `span`:
    /// the common noun nearest before the name ("spokesman", "lawyer"; "An attorney for
    /// Pagliano, Mark MacDougall"), and the person or organisation named before the name
    /// ("Clinton" → "Hillary Clinton"), with the words between it and the role ("campaign")
    /// kept: "Hillary Clinton campaign".
    fn representative(
        &self,
        within: Range<usize>,
        m: Span,
        inside: &[(Span, usize)],
    ) -> Option<(String, String)> {
        let nouns: Vec<usize> = within
            .filter(|&t| {
                let ts = self.seg.tokens[t].span;
                !m.contains(ts)
                    && self.tag_in(t, &["NN", "NNS"])
                    && ts
                        .slice(self.text)
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase)
            })
            .collect();
        // The noun nearest before the name: a role given after the name ("Sessions, a former
        // senator from Alabama,") describes the person, it does not make them a representative.
        let role_tok = nouns
            .iter()
            .rev()
            .find(|&&t| self.seg.tokens[t].span.end <= m.start)
            .copied()?;
        let role_span = self.seg.tokens[role_tok].span;
        let role = role_span.slice(self.text).to_lowercase();
        // The nearest before the name: "Yahoo News, Clinton spokesman Jesse Lehrich".
        let (pm, pe) = inside.iter().rev().copied().find(|&(s, e)| {
            // A place is where a title holds ("Alabama senator"), not whom one speaks for.
            s.end <= m.start
                && !s.contains(m)
                && !m.contains(s)
                && matches!(
                    self.entities[e].kind,
                    EntityType::Person | EntityType::Organization
                )
        })?;
        let mut principal = self.entities[pe].name.clone();
        // "Clinton campaign spokesman": the words between the principal and the role.
        if pm.end <= role_span.start {
            let between = self.text[pm.end..role_span.start].trim();
            let between = between
                .trim_start_matches("'s")
                .trim_start_matches("\u{2019}s")
                .trim_start_matches(['\'', '\u{2019}'])
                .trim();
            let plain = !between.is_empty()
                && between.split_whitespace().count() <= 2
                && between
                    .chars()
                    .all(|c| c.is_lowercase() || c == ' ' || c == '-');
            if plain {
                principal = format!("{principal} {between}");
            }
        }
        Some((role, principal))
    }

    /// Whether a quotation holds `m`.
    fn in_quotation(&self, m: Span) -> bool {
        let n = self.quoted.partition_point(|q| q.start <= m.start);
        n > 0 && self.quoted_reach[n - 1] >= m.end
    }

    fn entity_speaker(&self, e: usize) -> Speaker {
        let entity = &self.entities[e];
        let kind = match entity.kind {
            EntityType::Person => SpeakerType::Person,
            EntityType::Organization => SpeakerType::Organization,
            // "Washington", "Moscow", "Democrats" (CoreNLP's MISC) as speakers are bodies.
            EntityType::Location => SpeakerType::Organization,
            EntityType::Other | EntityType::Title => SpeakerType::Group,
        };
        Speaker {
            name: entity.name.clone(),
            kind,
            entity: Some(e),
            description: None,
            affiliation: None,
            role: None,
            issuer: None,
            evidence: Evidence::FullName,
            antecedent: None,
            confidence: 0.0,
            gender: (kind == SpeakerType::Person).then_some(self.genders[e]),
        }
    }

    /// The speaker entity `e`, found by `evidence` through the mention `antecedent`.
    fn resolved(&self, e: usize, evidence: Evidence, antecedent: Span) -> (Speaker, Evidence) {
        let speaker = Speaker {
            antecedent: Some(antecedent),
            ..self.entity_speaker(e)
        };
        (speaker, evidence)
    }

    /// The speaker entity `e` named in the source `span` itself: `name` when the source holds
    /// the entity's fullest form, else `alias` with that fullest mention as the antecedent.
    fn named_in(&self, e: usize, span: Span, evidence: Evidence) -> (Speaker, Evidence) {
        let entity = &self.entities[e];
        let full = entity.mentions.iter().copied().find(|m| {
            m.slice(self.text)
                .split_whitespace()
                .eq(entity.name.split_whitespace())
        });
        match full {
            Some(m) if !span.contains(m) && evidence == Evidence::FullName => {
                self.resolved(e, Evidence::ShortName, m)
            }
            _ => (self.entity_speaker(e), evidence),
        }
    }

    fn phrase_speaker(
        &self,
        phrase: &str,
        kind: SpeakerType,
        affiliation: Option<String>,
    ) -> Speaker {
        let description = match &affiliation {
            Some(a) => format!("{phrase} ({a})"),
            None => phrase.to_string(),
        };
        let described = matches!(
            kind,
            SpeakerType::Anonymous | SpeakerType::Group | SpeakerType::Document
        );
        Speaker {
            name: phrase.to_string(),
            kind,
            entity: None,
            description: described.then_some(description),
            affiliation,
            role: None,
            issuer: None,
            evidence: Evidence::Unknown,
            antecedent: None,
            confidence: 0.0,
            gender: None,
        }
    }

    /// The speaker of a source span and the evidence that named it.
    fn speaker(
        &self,
        span: Span,
        last_speaker: Option<(usize, Span)>,
        byline: Option<&str>,
    ) -> (Speaker, Evidence) {
        let phrase = span
            .slice(self.text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let lower = phrase.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        let head = words.last().copied().unwrap_or("");
        let inside: Vec<(Span, usize)> = self
            .named_from(span.start, span.end)
            .iter()
            .filter(|(s, _)| span.contains(*s))
            .copied()
            .collect();
        // The person the phrase is about: "Sessions' spokeswoman Sarah Isgur Flores" is
        // Isgur Flores, so a possessive name is passed over when another person follows.
        let persons: Vec<(Span, usize)> = inside
            .iter()
            .filter(|(_, e)| self.entities[*e].kind == EntityType::Person)
            .copied()
            .collect();
        let anonymous_marked = ANONYMITY_MARKERS.iter().any(|m| lower.contains(m));
        // The phrase's syntactic head decides whom it is about: "Clinton campaign spokesman
        // Brian Fallon" is Fallon, "An attorney for Pagliano, Mark MacDougall," is MacDougall
        // (the head's apposition), while "Pagliano's lawyer" and "Clinton aides" are
        // headed by common nouns and are not the persons they name.
        let within = self.seg.tokens_within(span);
        let head_tok = self.head_token(within.clone());
        // The head word the word lists are matched against: the last word when a list knows
        // it, else the parse's head ("A spokeswoman for Hillary Clinton", "Officials at
        // Homeland Security Investigations").
        let head_word = head_tok.map(|h| self.seg.tokens[h].span.slice(self.text).to_lowercase());
        let listed = |w: &str| {
            [
                ANONYMOUS_HEADS,
                DOCUMENT_HEADS,
                GROUP_HEADS,
                ORGANIZATION_HEADS,
            ]
            .iter()
            .any(|l| l.contains(&w))
        };
        let head = match &head_word {
            Some(w) if !listed(head) && listed(w) => w.as_str(),
            _ => head,
        };
        let named_at = |t: usize| self.named_at(t);
        // Without a usable head: the first person named who is not a possessive.
        let first_person = || {
            persons
                .iter()
                .find(|(s, _)| !self.is_possessive(*s))
                .or(persons.first())
                .copied()
        };
        let mut role_noun = false;
        let person: Option<((Span, usize), Evidence)> = match head_tok {
            Some(h) => match named_at(h) {
                Some((m, e)) => (self.entities[e].kind == EntityType::Person)
                    .then_some(((m, e), Evidence::FullName)),
                None => {
                    // A name in apposition inside the span ("A lawyer for the news outlets,
                    // David Schulz,": the parse may hang it on "outlets").
                    let appos = self.appositive_person(within.clone(), &named_at);
                    // A document's issuer is its speaker ("an analysis by Lily Batchelder").
                    let document = head_word
                        .as_deref()
                        .is_some_and(|w| DOCUMENT_HEADS.contains(&w));
                    // "One of Mr. Moss's advisers": a quantity heads the phrase; the noun it
                    // counts decides.
                    let counted = self
                        .tag_in(h, &["CD", "DT", "JJ", "JJS"])
                        .then(|| self.syntax.parse.child(h, |l| l == Label::NMOD))
                        .flatten()
                        .filter(|c| within.contains(c));
                    let noun = counted.unwrap_or(h);
                    role_noun = appos.is_none() && !document && self.tag_in(noun, &["NN", "NNS"]);
                    appos.map(|a| (a, Evidence::Apposition)).or_else(|| {
                        (!role_noun)
                            .then(&first_person)
                            .flatten()
                            .map(|p| (p, Evidence::FirstPerson))
                    })
                }
            },
            None => first_person().map(|p| (p, Evidence::FirstPerson)),
        };

        if let Some(((m, e), evidence)) = person.filter(|_| !anonymous_marked) {
            let (mut speaker, evidence) = match evidence {
                Evidence::Apposition => self.resolved(e, evidence, m),
                _ => self.named_in(e, span, evidence),
            };
            // A representative: the role noun and the principal named before the person
            // ("Clinton campaign spokesman Brian Fallon", "Stein spokeswoman Melezia
            // Figueroa").
            if let Some((role, principal)) = self.representative(within, m, &inside) {
                speaker.role = Some(role);
                speaker.affiliation = Some(principal);
            }
            return (speaker, evidence);
        }
        if OUTLETS.contains(&lower.as_str()) {
            return match inside.first() {
                Some(&(_, e)) => (
                    Speaker {
                        kind: SpeakerType::Organization,
                        gender: None,
                        ..self.entity_speaker(e)
                    },
                    Evidence::Outlet,
                ),
                None => (
                    self.phrase_speaker(&phrase, SpeakerType::Organization, None),
                    Evidence::OrganizationPhrase,
                ),
            };
        }
        if words.len() == 1 && RELATIVE_PRONOUNS.contains(&head) {
            if let Some((m, e)) = self.relative_antecedent(span, head) {
                return self.resolved(e, Evidence::Relative, m);
            }
            return (
                self.phrase_speaker(&phrase, SpeakerType::Unknown, None),
                Evidence::PronounUnresolved,
            );
        }
        if words.len() == 1 && (MALE_PRONOUNS.contains(&head) || FEMALE_PRONOUNS.contains(&head)) {
            let female = FEMALE_PRONOUNS.contains(&head);
            // "he told Hannity", "he said of Cruz": not Hannity, not Cruz.
            let mates = self.clause_objects(span);
            let continued = last_speaker
                .filter(|&(e, _)| !mates.contains(&e))
                .filter(|&(e, at)| self.continues(e, at, span, female))
                .and_then(|(e, _)| {
                    let m = self.last_mention_before(e, span.start)?;
                    Some(((m, e), Evidence::PronounContinued))
                });
            if let Some(((m, e), evidence)) =
                continued.or_else(|| self.pronoun_antecedent(span, female, &mates))
            {
                return self.resolved(e, evidence, m);
            }
            return (
                self.phrase_speaker(&phrase, SpeakerType::Unknown, None),
                Evidence::PronounUnresolved,
            );
        }
        // "it" as a source: the organisation named last before it, outside quotations, in its
        // sentence or the `IT_REACH` sentences before, unless a document noun is a subject
        // between them ("The report also provided details ... It said": the document).
        if words == ["it"] {
            let found = self
                .organization_before(span, IT_REACH)
                .filter(|&(m, _)| !self.document_between(m.end, span.start));
            if let Some((m, e)) = found {
                return self.resolved(e, Evidence::PronounOrganization, m);
            }
        }
        // The writer's own "I", outside quotation marks, is the letter's signature when one
        // follows (a letters page), else the byline.
        if matches!(&words[..], ["i"] | ["my"]) && !self.in_marks(span) {
            if let Some((m, e)) = self.signature_after(span) {
                return self.resolved(e, Evidence::Signature, m);
            }
        }
        if words == ["i"] && !self.in_marks(span) {
            if let Some(speaker) = byline.and_then(|b| self.byline_speaker(b)) {
                return (speaker, Evidence::Byline);
            }
        }
        // "his campaign", "whose campaign": the campaign of the person the pronoun is.
        if let [owner, "campaign"] = &words[..] {
            let found = if MALE_PRONOUNS.contains(owner) || FEMALE_PRONOUNS.contains(owner) {
                self.pronoun_antecedent(span, FEMALE_PRONOUNS.contains(owner), &[])
                    .map(|(found, _)| found)
            } else if *owner == "whose" {
                self.relative_antecedent(span, "who")
            } else {
                None
            };
            if let Some((m, e)) =
                found.filter(|&(_, e)| self.entities[e].kind == EntityType::Person)
            {
                let surname = name_words(&self.entities[e].name).pop().unwrap_or_default();
                let person = &self.entities[e].name;
                let surname = person
                    .split_whitespace()
                    .rev()
                    .find(|w| w.to_lowercase().starts_with(&surname))
                    .unwrap_or(person);
                let speaker = Speaker {
                    name: format!("{surname} campaign"),
                    kind: SpeakerType::Organization,
                    entity: None,
                    affiliation: Some(person.clone()),
                    antecedent: Some(m),
                    ..self.phrase_speaker(&phrase, SpeakerType::Organization, None)
                };
                return (speaker, Evidence::CampaignOf);
            }
        }
        if words.len() == 1 && PLURAL_PRONOUNS.contains(&head) {
            return (
                self.phrase_speaker(&phrase, SpeakerType::Group, None),
                Evidence::PluralPronoun,
            );
        }
        // "a Justice official", "officials", "sources familiar with"; not "the official".
        let definite = words.first().is_some_and(|w| *w == "the");
        if anonymous_marked || ANONYMOUS_HEADS.contains(&head) && !definite {
            return (
                self.phrase_speaker(
                    &phrase,
                    SpeakerType::Anonymous,
                    affiliation(&lower, &inside, self),
                ),
                Evidence::Anonymous,
            );
        }
        let description = match words.first() {
            Some(&"the") | Some(&"this") => Some(&words[1..]),
            _ if inside.is_empty() && words.len() <= 3 => Some(&words[..]),
            _ => None,
        };
        if let Some(((m, e), evidence)) = description.and_then(|d| self.nominal_antecedent(span, d))
        {
            return self.resolved(e, evidence, m);
        }
        // "The company", "the network": the organisation last named, nearby.
        let singular = head_tok.is_none_or(|h| !self.tag_in(h, &["NNS", "NNPS"]));
        if definite && singular && words.len() <= 4 && ORGANIZATION_HEADS.contains(&head) {
            if let Some((m, e)) = self.nearest_organization(span) {
                return self.resolved(e, Evidence::DescriptionNearest, m);
            }
        }
        if DOCUMENT_HEADS.contains(&head) {
            // A document named with its issuer ("A Quinnipiac University poll", "a study by
            // Harvard") speaks for the issuer: the first organisation or person named in it.
            let within_issuer = inside
                .iter()
                .copied()
                .find(|&(_, e)| {
                    matches!(
                        self.entities[e].kind,
                        EntityType::Organization | EntityType::Person
                    )
                })
                .map(|found| (found, Evidence::IssuerInside));
            // "the poll" after "A Bloomberg poll shows": the issuer named with the same kind
            // of document earlier.
            let issuer = within_issuer.or_else(|| {
                words
                    .first()
                    .filter(|w| matches!(**w, "the" | "this" | "these"))
                    .and_then(|_| self.document_issuer(span, head))
                    .map(|found| (found, Evidence::IssuerEarlier))
            });
            // "His website", "her statement": the person the possessive pronoun is.
            let issuer = issuer.or_else(|| {
                let owner = *words.first()?;
                let female = FEMALE_PRONOUNS.contains(&owner);
                if !(female || MALE_PRONOUNS.contains(&owner)) || words.len() > 3 {
                    return None;
                }
                self.pronoun_antecedent(span, female, &[])
                    .map(|(found, _)| (found, Evidence::IssuerPossessive))
            });
            return match issuer {
                Some(((m, e), evidence)) => {
                    let name = self.entities[e].name.clone();
                    let speaker = Speaker {
                        kind: SpeakerType::Document,
                        description: Some(phrase.clone()),
                        issuer: Some(name),
                        gender: None,
                        antecedent: Some(m),
                        ..self.entity_speaker(e)
                    };
                    (speaker, evidence)
                }
                None => (
                    self.phrase_speaker(&phrase, SpeakerType::Document, None),
                    Evidence::Document,
                ),
            };
        }
        if ANONYMOUS_HEADS.contains(&head) {
            return (
                self.phrase_speaker(
                    &phrase,
                    SpeakerType::Anonymous,
                    affiliation(&lower, &inside, self),
                ),
                Evidence::Anonymous,
            );
        }
        if let Some(&(_, e)) = inside.last().filter(|_| !role_noun) {
            let mut speaker = self.entity_speaker(e);
            if speaker.kind == SpeakerType::Group {
                speaker.description = Some(phrase);
            }
            return (speaker, Evidence::NameInside);
        }
        if let Some(e) = self.name_like_antecedent(&phrase) {
            if let Some(m) = self
                .last_mention_before(e, span.start)
                .or_else(|| self.mentions_of[e].first().map(|&i| self.named[i].0))
            {
                return self.resolved(e, Evidence::Surname, m);
            }
        }
        if GROUP_HEADS.contains(&head) {
            return (
                self.phrase_speaker(&phrase, SpeakerType::Group, None),
                Evidence::Group,
            );
        }
        if ORGANIZATION_HEADS.contains(&head) {
            return (
                self.phrase_speaker(&phrase, SpeakerType::Organization, None),
                Evidence::OrganizationPhrase,
            );
        }
        (
            self.phrase_speaker(&phrase, SpeakerType::Unknown, None),
            Evidence::Unknown,
        )
    }

    /// The person a pronoun source refers to: the first person named (outside quotations) in
    /// the pronoun's sentence before it, else in each of the three sentences before, nearest
    /// first. "she" skips persons known to be men and the reverse.
    fn pronoun_antecedent(
        &self,
        span: Span,
        female: bool,
        mates: &[usize],
    ) -> Option<((Span, usize), Evidence)> {
        let sent = self.seg.sentence_of(self.seg.token_at(span.start));
        let floor = sent.saturating_sub(6);
        let (wanted, excluded) = pronoun_genders(female);
        // First a subject-like person known to have the pronoun's gender, then one not known
        // to differ, then any person not known to differ.
        for (strict, subjects_only, evidence) in [
            (true, true, Evidence::PronounGendered),
            (false, true, Evidence::PronounSubject),
            (false, false, Evidence::PronounAny),
        ] {
            for s in (floor..=sent).rev() {
                let sspan = self.seg.sentences[s].span;
                let limit = if s == sent { span.start } else { sspan.end };
                let found = self
                    .named_from(sspan.start, limit)
                    .iter()
                    .filter(|(m, _)| m.end <= limit)
                    .filter(|(m, _)| !self.in_quotation(*m))
                    .filter(|(m, _)| !subjects_only || self.subject_like(*m))
                    .copied()
                    .find(|&(_, e)| {
                        let g = self.genders[e];
                        !mates.contains(&e)
                            && self.entities[e].kind == EntityType::Person
                            && if strict { g == wanted } else { g != excluded }
                    });
                if let Some(found) = found {
                    return Some((found, evidence));
                }
            }
        }
        None
    }

    /// The entities named as objects of the predicate a pronoun source is the subject of
    /// (`dobj`, `iobj`, `nmod` of the same head in the parse): a pronoun is never its own
    /// clause's object ("he told Hannity" is not Hannity).
    fn clause_objects(&self, span: Span) -> Vec<usize> {
        let parse = &self.syntax.parse;
        if parse.len() != self.seg.tokens.len() {
            return Vec::new();
        }
        let Some(t) = self.seg.tokens_within(span).next() else {
            return Vec::new();
        };
        let Some(verb) = parse.head(t).filter(|_| parse.label(t).is_subject()) else {
            return Vec::new();
        };
        parse
            .children(verb)
            .filter(|&c| matches!(parse.label(c), Label::DOBJ | Label::IOBJ | Label::NMOD))
            .filter_map(|c| self.named_at(c))
            .map(|(_, e)| e)
            .collect()
    }

    /// Whether a pronoun source at `span` continues the last speaker `e` (source at `at`): the
    /// source is at most `SPEAKER_REACH` sentences before, `e` is not known to have the other
    /// gender, and no other person not known to differ is named as a subject in between,
    /// outside quotations.
    fn continues(&self, e: usize, at: Span, span: Span, female: bool) -> bool {
        let (_, excluded) = pronoun_genders(female);
        if self.genders[e] == excluded || at.end > span.start {
            return false;
        }
        let (from, to) = (
            self.seg.sentence_of(self.seg.token_at(at.start)),
            self.seg.sentence_of(self.seg.token_at(span.start)),
        );
        if to - from > SPEAKER_REACH {
            return false;
        }
        !self
            .named_from(at.end, span.start)
            .iter()
            .filter(|(m, _)| m.end <= span.start && !self.in_quotation(*m) && self.subject_like(*m))
            .any(|&(_, o)| {
                o != e && self.entities[o].kind == EntityType::Person && self.genders[o] != excluded
            })
    }

    /// The issuer of a definite document ("the poll"): the organisation or person named just
    /// before an earlier mention of the same document noun ("A Bloomberg poll", "the
    /// Reuters/Ipsos poll"), the nearest of the last `ISSUER_LOOKBACK` name mentions.
    fn document_issuer(&self, span: Span, head: &str) -> Option<(Span, usize)> {
        let before = self.named_from(0, span.start);
        before
            .iter()
            .rev()
            .take(ISSUER_LOOKBACK)
            .filter(|(m, _)| m.end <= span.start)
            .find_map(|&(m, e)| {
                let kind = self.entities[e].kind;
                if !matches!(kind, EntityType::Organization | EntityType::Person) {
                    return None;
                }
                // The name, then at most two more words, then the document noun.
                let cut = crate::span::floor_char_boundary(self.text, span.start.min(m.end + 80));
                let rest = &self.text[m.end..cut];
                let words: Vec<&str> = rest.split_whitespace().take(3).collect();
                let hit = words.iter().position(|w| {
                    w.trim_end_matches([',', '.', ';', ':', '\'', '\u{2019}'])
                        .eq_ignore_ascii_case(head)
                })?;
                let clean = words[..hit].iter().all(|w| {
                    w.chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '/')
                });
                clean.then_some((m, e))
            })
    }

    /// The antecedent of "who" / "which" / "that": the name just before it, separated by a
    /// comma or nothing ("Trump, who said ...").
    fn relative_antecedent(&self, span: Span, head: &str) -> Option<(Span, usize)> {
        self.adjacent_antecedent(span, head)
            .or_else(|| self.relative_clause_antecedent(span, head))
    }

    /// The antecedent of a relative pronoun by the parse: the noun its clause modifies
    /// (`acl:relcl`) when that noun is a name, or stands in apposition to one ("Heather
    /// Samuelson, a Clinton campaign staffer-turned-legal assistant who made ...").
    fn relative_clause_antecedent(&self, span: Span, head: &str) -> Option<(Span, usize)> {
        let parse = &self.syntax.parse;
        if parse.len() != self.seg.tokens.len() {
            return None;
        }
        let t = self.seg.tokens_within(span).next()?;
        let clause = parse.head(t)?;
        if parse.label(clause) != Label::ACL_RELCL {
            return None;
        }
        let noun = parse.head(clause)?;
        let found = self.named_at(noun).or_else(|| {
            (parse.label(noun) == Label::APPOS)
                .then(|| parse.head(noun))
                .flatten()
                .and_then(|h| self.named_at(h))
        })?;
        let person = self.entities[found.1].kind == EntityType::Person;
        (found.0.end <= span.start && (person || !matches!(head, "who" | "whom"))).then_some(found)
    }

    /// "who" right after a name, separated by a comma or nothing.
    fn adjacent_antecedent(&self, span: Span, head: &str) -> Option<(Span, usize)> {
        let (m, e) = self
            .named_from(0, span.start)
            .iter()
            .rev()
            .find(|(m, _)| m.end <= span.start)?;
        let between = &self.text[m.end..span.start];
        let joined = between.chars().all(|c| c.is_whitespace() || c == ',');
        // "who" is a person ("a staffer at the State Department who" is not the department).
        let person = self.entities[*e].kind == EntityType::Person;
        let agrees = if matches!(head, "who" | "whom") {
            person
        } else {
            true
        };
        (joined && between.len() <= 3 && agrees).then_some((*m, *e))
    }

    /// The syntactic head of a source span: of its tokens (punctuation aside) whose head in
    /// the parse lies outside the span, the first subject, else the first.
    fn head_token(&self, within: Range<usize>) -> Option<usize> {
        let parse = &self.syntax.parse;
        if parse.len() != self.seg.tokens.len() {
            return None;
        }
        let mut tops = within.clone().filter(|&t| {
            parse.label(t) != Label::PUNCT && parse.head(t).is_none_or(|h| !within.contains(&h))
        });
        let top = tops.next()?;
        let subject = |t: usize| matches!(parse.label(t), Label::NSUBJ | Label::NSUBJPASS);
        if subject(top) {
            return Some(top);
        }
        Some(tops.find(|&t| subject(t)).unwrap_or(top))
    }

    /// The person named by an apposition among the tokens `within` whose head is there too.
    fn appositive_person(
        &self,
        within: Range<usize>,
        named_at: &dyn Fn(usize) -> Option<(Span, usize)>,
    ) -> Option<(Span, usize)> {
        let parse = &self.syntax.parse;
        within
            .clone()
            .filter(|&t| {
                parse.label(t) == Label::APPOS && parse.head(t).is_some_and(|h| within.contains(&h))
            })
            .find_map(|t| named_at(t).filter(|&(_, e)| self.entities[e].kind == EntityType::Person))
    }

    /// Whether token `t`'s tag is one of `tags`.
    fn tag_in(&self, t: usize, tags: &[&str]) -> bool {
        let tag = self
            .syntax
            .tags
            .get(t)
            .copied()
            .unwrap_or(crate::pos::NO_TAG);
        crate::pos::TAGS
            .get(usize::from(tag))
            .is_some_and(|name| tags.contains(name))
    }

    fn is_possessive(&self, m: Span) -> bool {
        let after = &self.text[m.end..];
        after.starts_with("'s")
            || after.starts_with("\u{2019}s")
            || after.starts_with(['\'', '\u{2019}'])
    }

    /// Whether a name mention can be the subject a later pronoun picks up: not the object of a
    /// preposition ("pressed by Holt", "with Rusty Humphries") and not a possessive ("Holt's
    /// colleague Matt Lauer").
    fn subject_like(&self, m: Span) -> bool {
        const PREPOSITIONS: &[&str] = &[
            "with", "by", "to", "for", "of", "from", "about", "against", "like", "than", "at",
            "on", "in", "as",
        ];
        let before = self.text[..m.start].trim_end();
        let prev = before
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_lowercase();
        let possessive = self.is_possessive(m);
        let object = PREPOSITIONS.contains(&prev.as_str())
            && before.ends_with(|c: char| c.is_alphanumeric());
        !(object || possessive || self.modifies_a_noun(m))
    }

    /// Whether a name mention modifies a noun in the parse ("Former Trump campaign manager
    /// Corey Lewandowski", "the Sanders campaign"): its head token is a `compound`.
    fn modifies_a_noun(&self, m: Span) -> bool {
        let parse = &self.syntax.parse;
        if parse.len() != self.seg.tokens.len() {
            return false;
        }
        let within = self.seg.tokens_within(m);
        within
            .clone()
            .find(|&t| parse.head(t).is_none_or(|h| !within.contains(&h)))
            .is_some_and(|t| parse.label(t) == Label::COMPOUND)
    }

    /// The entity a definite description refers to: "the President" → the last-mentioned
    /// entity with the title "president" (or one ending in "president").
    fn nominal_antecedent(&self, span: Span, words: &[&str]) -> Option<((Span, usize), Evidence)> {
        let skip = [
            "former",
            "u.s.",
            "us",
            "american",
            "then",
            "current",
            "new",
            "embattled",
        ];
        let rest: Vec<&str> = words
            .iter()
            .copied()
            .skip_while(|w| skip.contains(w))
            .collect();
        if rest.is_empty() || rest.len() > 4 {
            return None;
        }
        let phrase = normalize_title(&rest.join(" "));
        let head = phrase.split(' ').next_back().unwrap_or("");
        // "the President" matches the title "president" or "U.S. president"; "the Democratic
        // nominee" does not match "republican nominee": every word of the phrase must be in it.
        let titled = self.last_named_before(span, |e| {
            self.entities[e].titles.iter().any(|t| {
                *t == phrase
                    || (t.split(' ').next_back() == Some(head)
                        && phrase.split(' ').all(|w| t.split(' ').any(|tw| tw == w)))
            })
        });
        // "the Times" → The New York Times, "the agency" → the Environmental Protection Agency.
        titled.map(|t| (t, Evidence::DescriptionTitle)).or_else(|| {
            self.last_named_before(span, |e| {
                self.entities[e].kind == EntityType::Organization
                    && name_words(&self.entities[e].name).iter().any(|w| w == head)
            })
            .map(|t| (t, Evidence::DescriptionName))
        })
    }

    /// A source that looks like a name the tagger missed ("Mr. Trump", "Wallace"): the person
    /// whose name ends in its last word.
    fn name_like_antecedent(&self, phrase: &str) -> Option<usize> {
        let words: Vec<&str> = phrase.split_whitespace().collect();
        let proper = !words.is_empty()
            && words.len() <= 4
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if !proper {
            return None;
        }
        let last = name_words(words.last()?).pop()?;
        // Two people share the surname: the phrase does not say which.
        match self.by_surname.get(&last)?.as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }
}

/// The organisation an anonymous source speaks for: a named organisation inside the phrase,
/// else a known affiliation word ("Justice" → "Justice Department").
fn affiliation(lower: &str, inside: &[(Span, usize)], ctx: &Context<'_>) -> Option<String> {
    if let Some(&(_, e)) = inside.iter().find(|&&(_, e)| {
        matches!(
            ctx.entities[e].kind,
            EntityType::Organization | EntityType::Location
        )
    }) {
        let name = &ctx.entities[e].name;
        if let Some((_, full)) = AFFILIATIONS.iter().find(|(k, _)| *k == name.to_lowercase()) {
            return Some(full.to_string());
        }
        return Some(name.clone());
    }
    let padded = format!(" {} ", lower.replace([',', '.'], " "));
    AFFILIATIONS
        .iter()
        .find(|(k, _)| padded.contains(&format!(" {k} ")))
        .map(|(_, full)| full.to_string())
}
