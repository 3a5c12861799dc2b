//! The pipeline: runs the stages over one article.

use crate::article::Article;
use crate::attribute::{Attribution, Attributor, RuleAttributor};
use crate::segment::{Segmentation, Segmenter};

/// Everything the pipeline learned about one article.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub segmentation: Segmentation,
    pub attributions: Vec<Attribution>,
}

/// The stages, built once and shared by every article (and thread).
pub struct Pipeline {
    segmenter: Segmenter,
    attributor: Box<dyn Attributor>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl Pipeline {
    pub fn new() -> Pipeline {
        Pipeline {
            segmenter: Segmenter::new(),
            attributor: Box::new(RuleAttributor::new()),
        }
    }

    pub fn with_attributor(attributor: Box<dyn Attributor>) -> Pipeline {
        Pipeline {
            segmenter: Segmenter::new(),
            attributor,
        }
    }

    pub fn analyze(&self, article: &Article) -> Analysis {
        let segmentation = self.segmenter.segment(&article.text);
        let mut attributions = self.attributor.attribute(&article.text, &segmentation);
        attributions.sort_by_key(|a| a.start());
        Analysis {
            segmentation,
            attributions,
        }
    }
}
