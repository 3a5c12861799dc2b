//! The pipeline: runs the stages over one article, in order: segment → POS → parse →
//! entities → attribute → resolve.

use crate::article::Article;
use crate::attribute::{Attribution, Attributor, ModelAttributor};
use crate::parse::{Parser, Syntax};
use crate::pos::PosTagger;
use crate::resolve::{Entity, Resolver};
use crate::segment::{Segmentation, Segmenter};
use crate::tag::{EntityMention, Tagger};

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
        let seg = self.segmenter.segment(text);
        let tags = self.pos.tag(text, &seg.token_spans());
        let parse = self.parser.parse(text, &seg, &tags);
        (seg, Syntax { tags, parse })
    }
}

/// The stages, built once and shared by every article (and thread).
pub struct Pipeline {
    syntax: SyntaxPipeline,
    tagger: Tagger,
    attributor: Box<dyn Attributor>,
    resolver: Resolver,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl Pipeline {
    /// The default pipeline with the embedded models.
    pub fn new() -> Pipeline {
        Pipeline::with_attributor(Box::new(ModelAttributor::embedded()))
    }

    pub fn with_attributor(attributor: Box<dyn Attributor>) -> Pipeline {
        Pipeline {
            syntax: SyntaxPipeline::new(),
            tagger: Tagger::embedded(),
            attributor,
            resolver: Resolver::new(),
        }
    }

    /// Segments, tags and parses a text (see [`SyntaxPipeline::syntax`]).
    pub fn syntax(&self, text: &str) -> (Segmentation, Syntax) {
        self.syntax.syntax(text)
    }

    pub fn analyze(&self, article: &Article) -> Analysis {
        let text = &article.text;
        let (segmentation, syntax) = self.syntax(text);
        let mentions = self.tagger.tag(text, &segmentation);
        let attributions = self.attributor.attribute(text, &segmentation, &syntax);
        self.finish(article, segmentation, syntax, mentions, attributions)
    }

    /// Runs every stage but the attributor, taking `attributions` as found (gold ones, to
    /// evaluate resolution on its own).
    pub fn analyze_given(&self, article: &Article, attributions: Vec<Attribution>) -> Analysis {
        let text = &article.text;
        let (segmentation, syntax) = self.syntax(text);
        let mentions = self.tagger.tag(text, &segmentation);
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
        let entities = self
            .resolver
            .resolve(text, &segmentation, &mut mentions, &mut attributions);
        Analysis {
            segmentation,
            syntax,
            mentions,
            entities,
            attributions,
        }
    }
}
