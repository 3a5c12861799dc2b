//! Training: gold labels from PolNeAR, the two passes, jackknifed cues, per-epoch dev scores.

use super::features::Doc;
use super::hash::Rng;
use super::perceptron::Trainer;
use super::{
    cue_context, decode_cues, dynamic_features, viterbi, Linked, ModelAttributor, Pass,
    StaticFeats, B_CON, B_CUE, B_SRC, CUE, O,
};
use crate::corpus::GoldDoc;
use crate::error::Result;
use crate::pipeline::SyntaxPipeline;
use crate::pos::{self, PosDoc, PosTagger};
use crate::segment::{Segmentation, Segmenter};
use crate::span::CharOffsets;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How to train.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    /// Epochs of the source/content tagger.
    pub epochs: usize,
    /// Epochs of the cue tagger.
    pub cue_epochs: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Folds for jackknifed cue predictions on train (0 or 1: use gold cues).
    pub jackknife_folds: usize,
    /// Averaged weights whose largest magnitude is below this are dropped.
    pub min_weight: f32,
    /// Features seen fewer times than this in training are dropped from the model.
    pub min_count: u32,
    /// Keep cues that got no content.
    pub keep_contentless: bool,
    /// Added to the `B-CUE` score when decoding pass 1 (in averaged-weight units), also for
    /// the jackknifed cues pass 2 trains on: pass 2 learns to sort out a recall-oriented
    /// first pass (dev attribution F1 +source, same linker: 0 → 71.1, 24 → 72.1, 40 → 72.5,
    /// 56 → 72.1).
    pub cue_bias: f32,
    /// Added to each pass-2 label's score when decoding (`O`, `B/I-SOURCE`, `B/I-CONTENT`,
    /// `B/I-CUE`; see the model settings). Chosen by 4-fold cross-validation on train
    /// (models/README.md, "Decoding settings"): pass 2, trained on a recall-oriented pass 1,
    /// keeps too many cues; `B-CUE` -160 trades some for precision, +32 on the source labels
    /// and +16 on the content ones win some recall back.
    pub role_bias: Vec<f32>,
    /// Source bias of the second decoding of sentences whose cue got no source (0: none);
    /// chosen with `role_bias`.
    pub source_retry: f32,
    /// Pass 2 re-decides the cues, with the pass-1 cues as features.
    pub joint: bool,
    /// Score dev after every epoch of the second pass (slower).
    pub dev_every_epoch: bool,
    /// Epochs of the POS tagger trained on the CoreNLP tags (0: no tagger, no POS features).
    pub pos_epochs: usize,
    /// Features from the dependency parse of the embedded parser (`models/parse.bin`).
    pub syntax: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 20,
            cue_epochs: 14,
            seed: 1,
            jackknife_folds: 4,
            min_weight: 0.5,
            min_count: 6,
            keep_contentless: false,
            cue_bias: 40.0,
            role_bias: vec![0.0, 32.0, 32.0, 16.0, 16.0, -160.0, 0.0],
            source_retry: 192.0,
            joint: true,
            dev_every_epoch: true,
            pos_epochs: 5,
            syntax: true,
        }
    }
}

/// One training document: tokens, observations and gold labels.
struct Prepared {
    doc: Doc,
    cue_gold: Vec<u8>,
    role_gold: Vec<u8>,
}

/// Per token: the first gold attribution and role (0 source, 1 cue, 2 content) covering it.
fn token_roles(g: &GoldDoc, seg: &Segmentation) -> Vec<Option<(usize, u8)>> {
    let map = CharOffsets::new(&g.text);
    let toks = &seg.tokens;
    let mut out = vec![None; toks.len()];
    for (ai, a) in g.attributions.iter().enumerate() {
        for (r, pieces) in [&a.source, &a.cue, &a.content].into_iter().enumerate() {
            for p in pieces {
                let sp = map.span_from_chars(p[0], p[1]);
                let first = toks.partition_point(|t| t.span.end <= sp.start);
                for (t, tok) in toks.iter().enumerate().skip(first) {
                    if tok.span.start >= sp.end {
                        break;
                    }
                    if out[t].is_none() {
                        out[t] = Some((ai, r as u8));
                    }
                }
            }
        }
    }
    out
}

fn prepare(g: &GoldDoc, segmenter: &Segmenter, stages: Option<&SyntaxPipeline>) -> Prepared {
    let seg = segmenter.segment(&g.text);
    let mut doc = Doc::new(&g.text, &seg);
    if let Some(stages) = stages {
        doc.set_parse(&stages.syntax(&g.text).1.parse);
    }
    let roles = token_roles(g, &seg);
    let mut cue_gold = vec![O; roles.len()];
    let mut role_gold = vec![O; roles.len()];
    for t in 0..roles.len() {
        let Some((_, r)) = roles[t] else { continue };
        let cont = t > 0 && roles[t - 1] == roles[t];
        let (b, arr) = match r {
            0 => (B_SRC, &mut role_gold),
            1 => {
                role_gold[t] = CUE + u8::from(cont);
                (B_CUE, &mut cue_gold)
            }
            _ => (B_CON, &mut role_gold),
        };
        arr[t] = b + u8::from(cont);
    }
    Prepared {
        doc,
        cue_gold,
        role_gold,
    }
}

/// A training document for one pass: observations, static features, gold labels and the
/// tokens forced to be cues.
type PassDoc<'a> = (&'a Doc, &'a StaticFeats, &'a [u8], Option<&'a [bool]>);

/// One epoch of the structured perceptron over `order`, one update per sentence; returns the
/// number of token errors.
fn epoch(trainer: &mut Trainer, pass: Pass, docs: &[PassDoc], order: &[usize]) -> usize {
    let mut errors = 0;
    let mut scratch = super::Scratch::default();
    let mut buf = Vec::with_capacity(16);
    for &i in order {
        let (d, sf, gold_raw, forced) = docs[i];
        // The gold sequence as the decoder may produce it.
        let mut gold = vec![O; d.len()];
        for t in 0..d.len() {
            gold[t] = if forced.is_some_and(|f| f[t]) {
                CUE
            } else {
                // Without forcing, pass 2 of the role-only kind cannot tag cues.
                let raw = if matches!(pass, Pass::Role) && gold_raw[t] >= CUE {
                    O
                } else {
                    gold_raw[t]
                };
                let prev = match t {
                    0 => O,
                    _ if d.sent[t] != d.sent[t - 1] => super::carry(pass, gold[t - 1]),
                    _ => gold[t - 1],
                };
                pass.repair(prev, raw)
            };
        }
        let mut prev_pred = O;
        for &(a, b) in &d.sents {
            let pred = viterbi(
                &*trainer,
                pass,
                d,
                sf,
                forced,
                &[],
                a..b,
                prev_pred,
                &mut scratch,
            );
            scratch.margins.clear();
            let prev_gold = if a > 0 {
                super::carry(pass, gold[a - 1])
            } else {
                O
            };
            for (k, t) in (a..b).enumerate() {
                let (g, p) = (gold[t], pred[k]);
                let gp = if k == 0 { prev_gold } else { gold[t - 1] };
                let pp = if k == 0 { prev_pred } else { pred[k - 1] };
                if g != p {
                    errors += 1;
                    trainer.add(sf.of(t), g as usize, 1.0);
                    trainer.add(sf.of(t), p as usize, -1.0);
                }
                if g != p || gp != pp {
                    buf.clear();
                    dynamic_features(d, t, gp, &mut super::Feats { out: &mut buf });
                    trainer.add(&buf, g as usize, 1.0);
                    buf.clear();
                    dynamic_features(d, t, pp, &mut super::Feats { out: &mut buf });
                    trainer.add(&buf, p as usize, -1.0);
                }
            }
            prev_pred = super::carry(pass, pred.last().copied().unwrap_or(O));
            trainer.tick();
        }
    }
    errors
}

/// Counts how often each feature fires in training (with gold previous labels).
fn count_features(trainer: &mut Trainer, d: &Doc, sf: &StaticFeats, gold: &[u8]) {
    let mut buf = Vec::new();
    for t in 0..d.len() {
        trainer.count(sf.of(t));
        buf.clear();
        let prev = if t > 0 { gold[t - 1] } else { O };
        dynamic_features(d, t, prev, &mut super::Feats { out: &mut buf });
        trainer.count(&buf);
    }
}

fn train_cues(
    prepared: &[&Prepared],
    feats: &[&StaticFeats],
    config: &TrainConfig,
    seed: u64,
) -> Trainer {
    let mut trainer = Trainer::new(Pass::Cue.n_labels());
    let docs: Vec<_> = prepared
        .iter()
        .zip(feats)
        .map(|(p, f)| (&p.doc, *f, p.cue_gold.as_slice(), None))
        .collect();
    for &(d, sf, gold, _) in &docs {
        count_features(&mut trainer, d, sf, gold);
    }
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = Rng::new(seed);
    for _ in 0..config.cue_epochs {
        rng.shuffle(&mut order);
        epoch(&mut trainer, Pass::Cue, &docs, &order);
    }
    trainer
}

/// Trains a model on `train`, reporting dev scores through `progress`; returns the model
/// file bytes. Same data, config and seed give the same bytes.
pub fn train(
    train: &[GoldDoc],
    dev: &[GoldDoc],
    config: &TrainConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<u8>> {
    let segmenter = Segmenter::new();
    let stages = config.syntax.then(SyntaxPipeline::new);
    let prepared: Vec<Prepared> = train
        .iter()
        .map(|g| prepare(g, &segmenter, stages.as_ref()))
        .collect();
    let mut prepared = prepared;
    let pos = (config.pos_epochs > 0).then(|| {
        let train_pos: Vec<PosDoc> = train
            .iter()
            .zip(&prepared)
            .map(|(g, p)| pos::silver_doc(g, &p.doc.spans))
            .collect();
        let tagger = pos::train_pos(&train_pos, config.pos_epochs, config.seed, pos::PRUNE);
        let dev_docs: Vec<(Doc, &GoldDoc)> = dev
            .iter()
            .map(|g| (Doc::new(&g.text, &segmenter.segment(&g.text)), g))
            .collect();
        let dev_pos: Vec<PosDoc> = dev_docs
            .iter()
            .map(|(d, g)| pos::silver_doc(g, &d.spans))
            .collect();
        progress(&format!(
            "POS tagger: {} features, accuracy train {:.2}% dev {:.2}%",
            tagger.weights.keys.len(),
            pos::accuracy(&tagger, &train_pos) * 100.0,
            pos::accuracy(&tagger, &dev_pos) * 100.0
        ));
        tagger
    });
    if let Some(tagger) = &pos {
        // Train gets jackknifed tags (as accurate as on unseen text), not the tagger's own.
        let all: Vec<PosDoc> = train
            .iter()
            .zip(&prepared)
            .map(|(g, p)| pos::silver_doc(g, &p.doc.spans))
            .collect();
        let tags = pos::jackknife(
            &all,
            tagger,
            config.jackknife_folds,
            config.pos_epochs,
            config.seed,
        );
        for (p, t) in prepared.iter_mut().zip(tags) {
            p.doc.pos = t;
        }
    }
    let n_tokens: usize = prepared.iter().map(|p| p.doc.len()).sum();
    progress(&format!(
        "{} train documents, {n_tokens} tokens",
        prepared.len()
    ));
    let cue_feats: Vec<StaticFeats> = prepared.iter().map(|p| StaticFeats::base(&p.doc)).collect();

    // Pass 1 on all of train.
    let all: Vec<&Prepared> = prepared.iter().collect();
    let all_feats: Vec<&StaticFeats> = cue_feats.iter().collect();
    let cue_weights = train_cues(&all, &all_feats, config, config.seed)
        .finish(config.min_weight, config.min_count);
    progress(&format!("cue tagger: {} features", cue_weights.keys.len()));

    // Cue predictions for pass-2 training: jackknifed, or gold.
    let folds = config.jackknife_folds;
    let mut train_cues_pred: Vec<Vec<u8>> = prepared.iter().map(|p| p.cue_gold.clone()).collect();
    let mut train_margins: Vec<Vec<f32>> = vec![Vec::new(); prepared.len()];
    if folds >= 2 {
        for fold in 0..folds {
            let (held, rest): (Vec<usize>, Vec<usize>) =
                (0..prepared.len()).partition(|i| i % folds == fold);
            let ps: Vec<&Prepared> = rest.iter().map(|&i| &prepared[i]).collect();
            let fs: Vec<&StaticFeats> = rest.iter().map(|&i| &cue_feats[i]).collect();
            let w = train_cues(&ps, &fs, config, config.seed ^ (fold as u64 + 1))
                .finish(config.min_weight, config.min_count);
            for &i in &held {
                let (labels, margins) = decode_cues(
                    &w,
                    &prepared[i].doc,
                    &cue_feats[i],
                    &super::cue_bias(config.cue_bias),
                );
                train_cues_pred[i] = labels;
                train_margins[i] = margins;
            }
            progress(&format!("jackknife fold {}/{folds} done", fold + 1));
        }
    }

    // Pass 2.
    let contexts: Vec<_> = train_cues_pred
        .iter()
        .zip(&train_margins)
        .map(|(l, m)| cue_context(l, m))
        .collect();
    let role_feats: Vec<StaticFeats> = prepared
        .iter()
        .zip(&cue_feats)
        .zip(&contexts)
        .map(|((p, base), c)| StaticFeats::with_cues(&p.doc, base, c))
        .collect();
    drop(cue_feats);
    let docs: Vec<_> = prepared
        .iter()
        .zip(&role_feats)
        .zip(&contexts)
        .map(|((p, f), c)| {
            let forced = (!config.joint).then_some(c.is_cue.as_slice());
            (&p.doc, f, p.role_gold.as_slice(), forced)
        })
        .collect();
    let pass = if config.joint {
        Pass::Joint
    } else {
        Pass::Role
    };
    let mut trainer = Trainer::new(pass.n_labels());
    for &(d, sf, gold, _) in &docs {
        count_features(&mut trainer, d, sf, gold);
    }
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = Rng::new(config.seed.wrapping_add(0x5eed));
    for e in 0..config.epochs {
        rng.shuffle(&mut order);
        let errors = epoch(&mut trainer, pass, &docs, &order);
        let mut line = format!(
            "epoch {}/{}: {errors} token errors on train",
            e + 1,
            config.epochs
        );
        if !dev.is_empty() && (config.dev_every_epoch || e + 1 == config.epochs) {
            let model = ModelAttributor::from_parts(
                cue_weights.clone(),
                trainer.finish(config.min_weight, config.min_count),
                pos.is_some(),
                config,
            );
            line.push_str(&format!("; dev {}", evaluate(&model, pos.as_ref(), dev)));
        }
        progress(&line);
    }
    let model = ModelAttributor::from_parts(
        cue_weights,
        trainer.finish(config.min_weight, config.min_count),
        pos.is_some(),
        config,
    );
    Ok(model.to_bytes())
}

/// Dev scores computed over segment tokens: token-level F1 per role and attribution-level F1
/// (cue and content overlap the same gold attribution; `+source` also needs the sources to
/// overlap or both be empty).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DevScores {
    pub token_f1: [f64; 3],
    pub attribution_f1: f64,
    pub attribution_source_f1: f64,
}

impl std::fmt::Display for DevScores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "token F1 source {:.1} cue {:.1} content {:.1}; attribution F1 {:.1} (+source {:.1})",
            self.token_f1[0] * 100.0,
            self.token_f1[1] * 100.0,
            self.token_f1[2] * 100.0,
            self.attribution_f1 * 100.0,
            self.attribution_source_f1 * 100.0
        )
    }
}

type TokAttr = [BTreeSet<usize>; 3];

fn f1(tp_p: usize, n_p: usize, tp_r: usize, n_r: usize) -> f64 {
    let p = if n_p == 0 {
        0.0
    } else {
        tp_p as f64 / n_p as f64
    };
    let r = if n_r == 0 {
        0.0
    } else {
        tp_r as f64 / n_r as f64
    };
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn overlaps(a: &BTreeSet<usize>, b: &BTreeSet<usize>) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// Scores `model` on gold documents (see [`DevScores`]), with the POS tags of `tagger`.
pub fn evaluate(
    model: &ModelAttributor,
    tagger: Option<&PosTagger>,
    docs: &[GoldDoc],
) -> DevScores {
    let segmenter = Segmenter::new();
    let stages = model.reads_syntax().then(SyntaxPipeline::new);
    let mut tok = [[0usize; 3]; 3]; // per role: tp, pred, gold
    let (mut correct, mut correct_s, mut n_pred) = (0usize, 0usize, 0usize);
    let (mut matched, mut matched_s, mut n_gold) = (0usize, 0usize, 0usize);
    for g in docs {
        let seg = segmenter.segment(&g.text);
        let tags = tagger.map_or(Vec::new(), |t| t.tag(&g.text, &seg.token_spans()));
        let parse = stages
            .as_ref()
            .map(|st| st.syntax(&g.text).1.parse)
            .unwrap_or_default();
        let d = model.doc(&g.text, &seg, &tags, &parse);
        let roles = token_roles(g, &seg);
        let mut gold: Vec<TokAttr> = vec![Default::default(); g.attributions.len()];
        for (t, r) in roles.iter().enumerate() {
            if let Some((a, r)) = *r {
                gold[a][r as usize].insert(t);
            }
        }
        let pred: Vec<TokAttr> = model
            .link_doc(&d)
            .iter()
            .map(|l: &Linked| {
                let mut s: TokAttr = Default::default();
                s[1].extend(l.cue.0..l.cue.1);
                if let Some(src) = l.source {
                    s[0].extend(src.0..src.1);
                }
                for c in &l.content {
                    s[2].extend(c.0..c.1);
                }
                s
            })
            .collect();
        for r in 0..3 {
            let gs: BTreeSet<usize> = gold.iter().flat_map(|a| a[r].iter().copied()).collect();
            let ps: BTreeSet<usize> = pred.iter().flat_map(|a| a[r].iter().copied()).collect();
            tok[r][0] += gs.intersection(&ps).count();
            tok[r][1] += ps.len();
            tok[r][2] += gs.len();
        }
        let hit = |p: &TokAttr, g: &TokAttr| overlaps(&p[1], &g[1]) && overlaps(&p[2], &g[2]);
        let src_ok = |p: &TokAttr, g: &TokAttr| {
            (p[0].is_empty() && g[0].is_empty()) || overlaps(&p[0], &g[0])
        };
        n_pred += pred.len();
        n_gold += gold.len();
        for p in &pred {
            correct += usize::from(gold.iter().any(|g| hit(p, g)));
            correct_s += usize::from(gold.iter().any(|g| hit(p, g) && src_ok(p, g)));
        }
        for g in &gold {
            matched += usize::from(pred.iter().any(|p| hit(p, g)));
            matched_s += usize::from(pred.iter().any(|p| hit(p, g) && src_ok(p, g)));
        }
    }
    let role_f1 = |r: usize| f1(tok[r][0], tok[r][1], tok[r][0], tok[r][2]);
    DevScores {
        token_f1: [role_f1(0), role_f1(1), role_f1(2)],
        attribution_f1: f1(correct, n_pred, matched, n_gold),
        attribution_source_f1: f1(correct_s, n_pred, matched_s, n_gold),
    }
}
