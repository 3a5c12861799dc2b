//! The pipeline: runs the stages over one article.

use crate::article::Article;
use crate::attribute::{Attribution, Attributor, ModelAttributor};
use crate::resolve::{Entity, Resolver};
use crate::segment::{Segmentation, Segmenter};
use crate::tag::{EntityMention, Tagger};

/// Everything the pipeline learned about one article.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub segmentation: Segmentation,
    /// Entity and title mentions, sorted.
    pub mentions: Vec<EntityMention>,
    /// The article's entities; `Speaker::entity` indexes this list.
    pub entities: Vec<Entity>,
    /// Attributions in text order.
    pub attributions: Vec<Attribution>,
}

/// The stages, built once and shared by every article (and thread).
pub struct Pipeline {
    segmenter: Segmenter,
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
            segmenter: Segmenter::new(),
            tagger: Tagger::embedded(),
            attributor,
            resolver: Resolver::new(),
        }
    }

    pub fn analyze(&self, article: &Article) -> Analysis {
        let segmentation = self.segmenter.segment(&article.text);
        let attributions = self.attributor.attribute(&article.text, &segmentation);
        self.finish(article, segmentation, attributions)
    }

    /// Runs every stage but the attributor, taking `attributions` as found (gold ones, to
    /// evaluate resolution on its own).
    pub fn analyze_given(&self, article: &Article, attributions: Vec<Attribution>) -> Analysis {
        let segmentation = self.segmenter.segment(&article.text);
        self.finish(article, segmentation, attributions)
    }

    fn finish(
        &self,
        article: &Article,
        segmentation: Segmentation,
        mut attributions: Vec<Attribution>,
    ) -> Analysis {
        let text = &article.text;
        let mut mentions = self.tagger.tag(text, &segmentation);
        attributions.sort_by_key(|a| a.start());
        let entities = self
            .resolver
            .resolve(text, &segmentation, &mut mentions, &mut attributions);
        Analysis {
            segmentation,
            mentions,
            entities,
            attributions,
        }
    }
}
