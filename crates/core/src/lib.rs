//! verbatim-core: the pipeline that turns news articles into a record of who said what.
//!
//! An article flows one way: [`ingest`] reads inputs into [`Article`]s, [`segment`] splits
//! them into paragraphs, sentences and tokens, [`attribute`] finds [`Attribution`]s (source,
//! cue, content), [`resolve`] names the speaker. [`Pipeline`] runs the stages;
//! [`wire::ExtractRecord`] is the JSON form with code-point offsets; [`eval`] scores
//! attributions against gold.
//!
//! ```
//! use verbatim_core::{Article, Pipeline};
//! let pipeline = Pipeline::new();
//! let article = Article { text: "\"We will win,\" Smith said.".into(), ..Default::default() };
//! let analysis = pipeline.analyze(&article);
//! assert_eq!(analysis.attributions.len(), 1);
//! ```

pub mod article;
pub mod attribute;
pub mod bench;
pub mod corpus;
pub mod error;
pub mod eval;
pub mod ingest;
pub mod json;
pub mod learn;
pub mod link;
pub mod parallel;
pub mod parse;
pub mod pipeline;
pub mod pos;
pub mod producer;
pub mod resolve;
pub mod segment;
mod sorted;
pub mod span;
mod table;
pub mod tag;
pub mod wire;

pub use article::{Article, Dateline, Meta, Timestamp};
pub use attribute::{Attribution, Attributor, Kind};
pub use error::{Error, Result};
pub use pipeline::{Analysis, Pipeline, SyntaxPipeline};
pub use producer::Producer;
pub use resolve::{Speaker, SpeakerType};
pub use segment::{Segmentation, Segmenter};
pub use span::{CharOffsets, Span};
