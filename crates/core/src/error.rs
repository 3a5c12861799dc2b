//! The error type of the core library.

/// Errors of the core library. Analysis never fails on odd text: these are for I/O, model
/// loading and malformed structured input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file or stream failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A JSON document or line could not be parsed.
    #[error("{origin}: invalid JSON: {message}")]
    Json { origin: String, message: String },
    /// Structured input was well-formed JSON but not what was expected.
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    /// A model file is missing, truncated or of another version.
    #[error("model {name}: {message}")]
    Model { name: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
