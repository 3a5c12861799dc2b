//! The first, rule-based attributor.

use super::{Attribution, Attributor};
use crate::segment::Segmentation;

/// Finds direct quotes by their marks, `X said (that) ...`, `according to X` and colon cues.
#[derive(Debug, Default)]
pub struct RuleAttributor {}

impl RuleAttributor {
    pub fn new() -> RuleAttributor {
        RuleAttributor {}
    }
}

impl Attributor for RuleAttributor {
    fn attribute(&self, _text: &str, _seg: &Segmentation) -> Vec<Attribution> {
        Vec::new()
    }
}
