//! The pipeline: runs the stages over one article, in order: segment → POS → parse →
//! entities → attribute → resolve.

use crate::article::Article;
use crate::attribute::cue_class::classify_cue;
use crate::attribute::{classify, outside_dateline, Attribution, Attributor, ModelAttributor};
use crate::parse::{Parser, Syntax};
use crate::pos::PosTagger;
use crate::producer::Producer;
use crate::resolve::{Entity, Resolver};
use crate::segment::{Segmentation, Segmenter};
use crate::tag::{EntityMention, Tagger};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The stages, in pipeline order (the names `verbatim bench` prints).
pub const STAGES: [&str; 6] = [
    "segment",
    "pos",
    "parse",
    "entities",
    "attribute",
    "resolve",
];

/// Time spent in each stage of [`STAGES`], summed over the articles analysed with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageTimes(pub [Duration; 6]);

/// Adds the time since `*t` to stage `k` and restarts the clock (nothing when not timing).
fn lap(times: &mut Option<&mut StageTimes>, t: &mut Instant, k: usize) {
    if let Some(times) = times {
        let now = Instant::now();
        times.0[k] += now - *t;
        *t = now;
    }
}

/// Everything the pipeline learned about one article.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub segmentation: Segmentation,
    /// Part-of-speech tags and the dependency parse, one entry per token.
    pub syntax: Syntax,
    /// Entity and title mentions, sorted.
    pub mentions: Vec<EntityMention>,
    /// The article's entities; `Speaker::entity` indexes this list.
    pub entities: Vec<Entity>,
    /// Attributions in text order.
    pub attributions: Vec<Attribution>,
    /// What made this analysis (shared by every analysis of one pipeline).
    pub producer: Arc<Producer>,
}

/// The syntax stages alone (segment → POS → parse): what `verbatim parse` needs, without
/// loading the entity and attribution models.
pub struct SyntaxPipeline {
    segmenter: Segmenter,
    pos: PosTagger,
    parser: Parser,
}

impl Default for SyntaxPipeline {
    fn default() -> Self {
        SyntaxPipeline::new()
    }
}

impl SyntaxPipeline {
    /// The syntax stages with the embedded models.
    pub fn new() -> SyntaxPipeline {
        SyntaxPipeline {
            segmenter: Segmenter::new(),
            pos: PosTagger::embedded(),
            parser: Parser::embedded(),
        }
    }

    /// Segments, tags and parses a text: the syntax every later stage reads.
    pub fn syntax(&self, text: &str) -> (Segmentation, Syntax) {
        self.syntax_timed(text, &mut None)
    }

    fn syntax_timed(
        &self,
        text: &str,
        times: &mut Option<&mut StageTimes>,
    ) -> (Segmentation, Syntax) {
        let mut t = Instant::now();
        let seg = self.segmenter.segment(text);
        lap(times, &mut t, 0);
        let tags = self.pos.tag(text, &seg.token_spans());
        lap(times, &mut t, 1);
        let parse = self.parser.parse(text, &seg, &tags);
        lap(times, &mut t, 2);
        (seg, Syntax { tags, parse })
    }
}

/// The stages, built once and shared by every article (and thread).
pub struct Pipeline {
    syntax: SyntaxPipeline,
    tagger: Tagger,
    attributor: Box<dyn Attributor>,
    resolver: Resolver,
    producer: Arc<Producer>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl Pipeline {
    /// The default pipeline with the embedded models.
    pub fn new() -> Pipeline {
        Pipeline::build(Box::new(ModelAttributor::embedded()), Producer::embedded())
    }

    /// The embedded models with another attributor (its [`Attributor::model_id`] goes into
    /// every record's producer).
    pub fn with_attributor(attributor: Box<dyn Attributor>) -> Pipeline {
        let producer = Producer::with_attribution(attributor.model_id());
        Pipeline::build(attributor, producer)
    }

    fn build(attributor: Box<dyn Attributor>, producer: Producer) -> Pipeline {
        Pipeline {
            syntax: SyntaxPipeline::new(),
            tagger: Tagger::embedded(),
            attributor,
            resolver: Resolver::new(),
            producer: Arc::new(producer),
        }
    }

    /// What this pipeline's records say produced them.
    pub fn producer(&self) -> &Producer {
        &self.producer
    }

    /// Segments, tags and parses a text (see [`SyntaxPipeline::syntax`]).
    pub fn syntax(&self, text: &str) -> (Segmentation, Syntax) {
        self.syntax.syntax(text)
    }

    pub fn analyze(&self, article: &Article) -> Analysis {
        self.analyze_timed(article, &mut None)
    }

    /// [`Pipeline::analyze`], adding the time of each stage to `times` when given.
    pub fn analyze_timed(
        &self,
        article: &Article,
        times: &mut Option<&mut StageTimes>,
    ) -> Analysis {
        let text = &article.text;
        let (segmentation, syntax) = self.syntax.syntax_timed(text, times);
        let mut t = Instant::now();
        let mentions = self.tagger.tag(text, &segmentation);
        lap(times, &mut t, 3);
        let mut attributions = self.attributor.attribute(text, &segmentation, &syntax);
        outside_dateline(&segmentation, &mut attributions);
        lap(times, &mut t, 4);
        let analysis = self.finish(article, segmentation, syntax, mentions, attributions);
        lap(times, &mut t, 5);
        analysis
    }

    /// Runs every stage but the attributor, taking `attributions` as found (gold ones, to
    /// evaluate resolution on its own); their kinds are classified again from this text's
    /// quotations.
    pub fn analyze_given(&self, article: &Article, attributions: Vec<Attribution>) -> Analysis {
        let text = &article.text;
        let (segmentation, syntax) = self.syntax(text);
        let mentions = self.tagger.tag(text, &segmentation);
        let mut attributions = attributions;
        for a in &mut attributions {
            a.kind = classify(text, &segmentation.quotations, &a.cue, &a.content);
            a.cue_class = classify_cue(text, &a.cue, a.kind);
        }
        self.finish(article, segmentation, syntax, mentions, attributions)
    }

    fn finish(
        &self,
        article: &Article,
        segmentation: Segmentation,
        syntax: Syntax,
        mut mentions: Vec<EntityMention>,
        mut attributions: Vec<Attribution>,
    ) -> Analysis {
        let text = &article.text;
        attributions.sort_by_key(|a| a.start());
        let entities = self.resolver.resolve(
            text,
            &segmentation,
            &syntax,
            &mut mentions,
            &mut attributions,
            article.meta.byline.as_deref(),
        );
        Analysis {
            segmentation,
            syntax,
            mentions,
            entities,
            attributions,
            producer: Arc::clone(&self.producer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_times_add_up_to_at_most_the_whole() {
        let p = Pipeline::new();
        let article = Article {
            text:
                "The mayor said on Monday that the bridge would reopen. \"It is safe,\" she said."
                    .into(),
            ..Default::default()
        };
        let mut times = StageTimes::default();
        let start = Instant::now();
        let a = p.analyze_timed(&article, &mut Some(&mut times));
        let whole = start.elapsed();
        assert!(!a.attributions.is_empty());
        let sum: Duration = times.0.iter().sum();
        assert!(sum <= whole, "{sum:?} > {whole:?}");
        // Segmenting and parsing a sentence takes some time on any clock.
        assert!(
            times.0[0] > Duration::ZERO && times.0[2] > Duration::ZERO,
            "{times:?}"
        );
        // Timing changes nothing in the result.
        assert_eq!(p.analyze(&article).attributions, a.attributions);
    }
}
