//! Training: CoreNLP silver NER projected onto our tokens, an averaged perceptron with
//! greedy decoding, quantisation to the model file.

use super::features::{
    dynamic_features, is_capitalised, is_sentence_initial, pack_gaz, ratio_bucket, static_features,
    Hasher, TokAttrs, GAZ_TYPES,
};
use super::model::{argmax_allowed, label_set, transitions, Model, Tag};
use super::{evaluate_ner, sequences, token_attrs, EntityType, Tagger};
use crate::corpus::{CoreNlp, GoldDoc};
use crate::error::{Error, Result};
use crate::segment::Segmenter;
use crate::span::{CharOffsets, Span};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Instant;

/// Training settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NerTrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Seed of the shuffling PRNG.
    pub seed: u64,
    /// log2 of the number of weight rows (8..=24).
    pub hash_bits: u32,
    /// A word enters the gazetteer when seen at least this often in train.
    pub min_gaz_count: u32,
    /// Weights are clipped at this quantile of their magnitudes before quantising to i16.
    pub clip_quantile: f64,
    /// Score dev after every epoch (costs a model build per epoch).
    pub eval_every_epoch: bool,
}

impl Default for NerTrainConfig {
    fn default() -> Self {
        NerTrainConfig {
            epochs: 6,
            seed: 1,
            hash_bits: 18,
            min_gaz_count: 2,
            clip_quantile: 1.0,
            eval_every_epoch: true,
        }
    }
}

/// The silver entities of a document: runs of CoreNLP tokens of one type within a CoreNLP
/// sentence, as byte spans of `text`, sorted.
pub(crate) fn silver_entities(
    text: &str,
    cn: &CoreNlp,
    offsets: &CharOffsets,
) -> Vec<(Span, EntityType)> {
    let sentence_starts: std::collections::BTreeSet<usize> =
        cn.sentences.iter().map(|s| s[0]).collect();
    let mut out: Vec<(Span, EntityType)> = Vec::new();
    let mut open: Option<(usize, usize, EntityType)> = None; // char start, end, type
    for (tok, label) in cn.tokens.iter().zip(&cn.ner) {
        let kind = EntityType::from_corenlp(label);
        let starts_sentence = sentence_starts.contains(&tok[0]);
        match (&mut open, kind) {
            (Some((_, end, t)), Some(k)) if *t == k && !starts_sentence => *end = tok[1],
            _ => {
                if let Some((s, e, t)) = open.take() {
                    out.push((offsets.span_from_chars(s, e), t));
                }
                open = kind.map(|k| (tok[0], tok[1], k));
            }
        }
    }
    if let Some((s, e, t)) = open {
        out.push((offsets.span_from_chars(s, e), t));
    }
    out.retain(|(s, _)| !s.is_empty() && text.get(s.range()).is_some());
    out.sort();
    out.dedup_by(|a, b| a.0.overlaps(b.0));
    out
}

/// One training sequence: token attributes and gold labels (indices into the label set).
struct Sequence {
    doc: usize,
    attrs: Vec<TokAttrs>,
    /// Per token: the index of its silver entity's type in `types`, or None.
    types: Vec<Option<(usize, bool)>>, // (type index, begins an entity)
}

/// Gazetteer counts of one word.
#[derive(Clone, Copy, Debug, Default)]
struct WordCounts {
    total: u32,
    non_initial: u32,
    capitalised: u32,
    per_type: [u32; GAZ_TYPES],
}

impl WordCounts {
    fn add(&mut self, o: &WordCounts, sign: i64) {
        let f = |a: &mut u32, b: u32| *a = (*a as i64 + sign * b as i64).max(0) as u32;
        f(&mut self.total, o.total);
        f(&mut self.non_initial, o.non_initial);
        f(&mut self.capitalised, o.capitalised);
        for k in 0..GAZ_TYPES {
            f(&mut self.per_type[k], o.per_type[k]);
        }
    }

    fn pack(&self, n_types: usize, min_count: u32) -> u16 {
        if self.total < min_count.max(1) {
            return 0;
        }
        let buckets: Vec<u16> = (0..n_types)
            .map(|k| ratio_bucket(self.per_type[k], self.total))
            .collect();
        pack_gaz(&buckets, ratio_bucket(self.capitalised, self.non_initial))
    }
}

fn count_words(seqs: &[&Sequence]) -> BTreeMap<u32, WordCounts> {
    let mut counts: BTreeMap<u32, WordCounts> = BTreeMap::new();
    for s in seqs {
        for (a, t) in s.attrs.iter().zip(&s.types) {
            let c = counts.entry(a.lower as u32).or_default();
            c.total += 1;
            if !is_sentence_initial(a) {
                c.non_initial += 1;
                if is_capitalised(a) {
                    c.capitalised += 1;
                }
            }
            if let Some((k, _)) = t {
                c.per_type[*k] += 1;
            }
        }
    }
    counts
}

/// splitmix64: the seeded PRNG of the shuffles.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        super::features::mix(self.0)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// A sequence before its types are numbered: document, attributes, (type, begins) labels.
type RawSequence = (usize, Vec<TokAttrs>, Vec<Option<(EntityType, bool)>>);

fn prepare(docs: &[GoldDoc]) -> (Vec<Sequence>, Vec<EntityType>) {
    let segmenter = Segmenter::new();
    let mut raw: Vec<RawSequence> = Vec::new();
    let mut present = std::collections::BTreeSet::new();
    for (d, doc) in docs.iter().enumerate() {
        let Some(cn) = &doc.corenlp else { continue };
        let offsets = CharOffsets::new(&doc.text);
        let ents = silver_entities(&doc.text, cn, &offsets);
        let seg = segmenter.segment(&doc.text);
        let attrs = token_attrs(&doc.text, &seg);
        // Project: a token takes the type of the first silver entity it overlaps.
        let mut tok_ent: Vec<Option<usize>> = vec![None; seg.tokens.len()];
        let mut e = 0;
        for (k, tok) in seg.tokens.iter().enumerate() {
            while e < ents.len() && ents[e].0.end <= tok.span.start {
                e += 1;
            }
            if e < ents.len() && ents[e].0.overlaps(tok.span) {
                tok_ent[k] = Some(e);
            }
        }
        for range in sequences(&seg) {
            let mut labels = Vec::with_capacity(range.len());
            for k in range.clone() {
                labels.push(tok_ent[k].map(|e| {
                    present.insert(ents[e].1);
                    let begins = k == range.start || tok_ent[k - 1] != Some(e);
                    (ents[e].1, begins)
                }));
            }
            raw.push((d, attrs[range].to_vec(), labels));
        }
    }
    let types: Vec<EntityType> = present.into_iter().collect();
    let seqs = raw
        .into_iter()
        .map(|(doc, attrs, labels)| Sequence {
            doc,
            attrs,
            types: labels
                .into_iter()
                .map(|l| l.map(|(t, b)| (types.iter().position(|&x| x == t).unwrap(), b)))
                .collect(),
        })
        .collect();
    (seqs, types)
}

fn gold_label(t: Option<(usize, bool)>) -> usize {
    match t {
        None => 0,
        Some((k, true)) => 1 + 2 * k,
        Some((k, false)) => 2 + 2 * k,
    }
}

/// Trains a model on `train` (documents with CoreNLP annotations) and returns the model
/// file's bytes. `dev` is scored after each epoch when `cfg.eval_every_epoch` is set.
/// Deterministic: the same documents and configuration give the same bytes.
pub fn train_ner(
    train: &[GoldDoc],
    dev: &[GoldDoc],
    cfg: &NerTrainConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<u8>> {
    let invalid = |message: String| Error::Invalid {
        origin: "ner training".to_string(),
        message,
    };
    if !(8..=24).contains(&cfg.hash_bits) {
        return Err(invalid(format!(
            "hash_bits {} not in 8..=24",
            cfg.hash_bits
        )));
    }
    if !(0.5..=1.0).contains(&cfg.clip_quantile) {
        return Err(invalid("clip_quantile not in 0.5..=1".to_string()));
    }
    let started = Instant::now();
    let (mut seqs, types) = prepare(train);
    if seqs.is_empty() || types.is_empty() {
        return Err(invalid(
            "no training documents with CoreNLP entities".to_string(),
        ));
    }
    let labels = label_set(&types);
    let allowed = transitions(&labels);
    let n_labels = labels.len();
    let n_tokens: usize = seqs.iter().map(|s| s.attrs.len()).sum();
    progress(&format!(
        "{} sequences, {} tokens, types {:?}",
        seqs.len(),
        n_tokens,
        types.iter().map(|t| t.as_str()).collect::<Vec<_>>()
    ));

    // Gazetteer: all of train for the model; leave-one-document-out for training features.
    let all: Vec<&Sequence> = seqs.iter().collect();
    let totals = count_words(&all);
    let mut by_doc: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, s) in seqs.iter().enumerate() {
        by_doc.entry(s.doc).or_default().push(k);
    }
    for members in by_doc.values() {
        let own = count_words(&members.iter().map(|&k| &seqs[k]).collect::<Vec<_>>());
        for &k in members {
            for a in &mut seqs[k].attrs {
                let key = a.lower as u32;
                let mut c = totals[&key];
                c.add(&own[&key], -1);
                a.gaz = c.pack(types.len(), cfg.min_gaz_count);
            }
        }
    }
    let mut gaz_keys = Vec::new();
    let mut gaz_vals = Vec::new();
    for (&k, c) in &totals {
        let v = c.pack(types.len(), cfg.min_gaz_count);
        if v != 0 {
            gaz_keys.push(k);
            gaz_vals.push(v);
        }
    }

    // Static features, once.
    let h = Hasher::new(cfg.hash_bits);
    let mut feats: Vec<Vec<u32>> = Vec::with_capacity(seqs.len());
    let mut offs: Vec<Vec<u32>> = Vec::with_capacity(seqs.len());
    for s in &seqs {
        let mut f = Vec::new();
        let mut o = vec![0u32];
        for i in 0..s.attrs.len() {
            static_features(h, &s.attrs, i, &mut f);
            o.push(f.len() as u32);
        }
        feats.push(f);
        offs.push(o);
    }

    let n_weights = (1usize << cfg.hash_bits) * n_labels;
    let mut w = vec![0i32; n_weights];
    let mut u = vec![0i64; n_weights];
    let mut c: i64 = 1;
    let mut rng = Rng(cfg.seed);
    let mut order: Vec<usize> = (0..seqs.len()).collect();
    let mut scores = vec![0i32; n_labels];
    let mut best_model = Vec::new();
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let mut errors = 0usize;
        for &sidx in &order {
            let s = &seqs[sidx];
            let (mut prev, mut prev2) = (u32::MAX, u32::MAX);
            for i in 0..s.attrs.len() {
                let fs = &feats[sidx][offs[sidx][i] as usize..offs[sidx][i + 1] as usize];
                let dyn_fs = dynamic_features(h, &s.attrs[i], prev, prev2);
                scores.iter_mut().for_each(|x| *x = 0);
                for &b in fs.iter().chain(&dyn_fs) {
                    let row = &w[b as usize * n_labels..b as usize * n_labels + n_labels];
                    for (x, &wt) in scores.iter_mut().zip(row) {
                        *x += wt;
                    }
                }
                let row = if prev == u32::MAX {
                    0
                } else {
                    prev as usize + 1
                };
                let pred = argmax_allowed(&scores, &allowed[row]);
                let gold = gold_label(s.types[i]);
                if pred != gold {
                    errors += 1;
                    for &b in fs.iter().chain(&dyn_fs) {
                        let base = b as usize * n_labels;
                        w[base + gold] += 1;
                        u[base + gold] += c;
                        w[base + pred] -= 1;
                        u[base + pred] -= c;
                    }
                }
                c += 1;
                prev2 = prev;
                prev = pred as u32;
            }
        }
        let model = quantise(&w, &u, c, cfg, &labels, &gaz_keys, &gaz_vals);
        let mut msg = format!(
            "epoch {}/{}: train token accuracy {:.4}, {:.1}s",
            epoch + 1,
            cfg.epochs,
            1.0 - errors as f64 / n_tokens.max(1) as f64,
            started.elapsed().as_secs_f64()
        );
        let bytes = model.to_bytes();
        if cfg.eval_every_epoch && !dev.is_empty() {
            let tagger = Tagger::from_bytes(&bytes)?;
            let scores = evaluate_ner(&tagger, dev);
            msg.push_str(&format!(
                ", dev F1 {:.2} (P {:.2} R {:.2})",
                100.0 * scores.overall.f1(),
                100.0 * scores.overall.precision(),
                100.0 * scores.overall.recall()
            ));
        }
        progress(&msg);
        best_model = bytes;
    }
    if best_model.is_empty() {
        best_model = quantise(&w, &u, c, cfg, &labels, &gaz_keys, &gaz_vals).to_bytes();
    }
    progress(&format!(
        "model: {} bytes, {} gazetteer words, {:.1}s",
        best_model.len(),
        gaz_keys.len(),
        started.elapsed().as_secs_f64()
    ));
    Ok(best_model)
}

/// Averages the perceptron weights and quantises them to i16.
fn quantise(
    w: &[i32],
    u: &[i64],
    c: i64,
    cfg: &NerTrainConfig,
    labels: &[Tag],
    gaz_keys: &[u32],
    gaz_vals: &[u16],
) -> Model {
    let avg: Vec<f64> = w
        .iter()
        .zip(u)
        .map(|(&w, &u)| w as f64 - u as f64 / c as f64)
        .collect();
    let mut mags: Vec<f64> = avg.iter().map(|x| x.abs()).filter(|&x| x > 0.0).collect();
    mags.sort_by(f64::total_cmp);
    let clip = if mags.is_empty() {
        1.0
    } else {
        let k = ((mags.len() - 1) as f64 * cfg.clip_quantile).round() as usize;
        mags[k.min(mags.len() - 1)].max(f64::MIN_POSITIVE)
    };
    let scale = 32767.0 / clip;
    let weights = avg
        .iter()
        .map(|&x| (x * scale).round().clamp(-32767.0, 32767.0) as i16)
        .collect();
    Model {
        hash_bits: cfg.hash_bits,
        labels: labels.to_vec(),
        allowed: transitions(labels),
        weights,
        gaz_keys: gaz_keys.to_vec(),
        gaz_vals: gaz_vals.to_vec(),
    }
}
