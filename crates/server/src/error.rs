//! The one error shape of the API, `{"error": {"code": "...", "message": "..."}}`, and the one
//! table that maps each code to its HTTP status.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What went wrong, as the API reports it. Every error response is built from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// A query parameter, path parameter or request body is invalid.
    BadParameter,
    /// `POST` without a bearer token, or with a wrong one.
    Unauthorized,
    /// `POST` on a server started without a token: the API is read-only.
    ReadOnly,
    /// No such route, speaker or article.
    NotFound,
    /// The route exists, the method does not.
    MethodNotAllowed,
    /// The client took longer than the configured time to send its request body.
    RequestTimeout,
    /// The request body, or an article in it, is larger than the configured limit.
    PayloadTooLarge,
    /// The request target (path and query) is longer than the HTTP parser takes.
    UriTooLong,
    /// The request head has too many or too large header fields.
    HeadersTooLarge,
    /// The analysis of a request's articles did not finish within the time budget.
    AnalysisTimeout,
    /// The server is at capacity (analysis queue or connections full); retry later.
    Busy,
    /// A failure of the server or the store; the message says no more than needed.
    Internal,
}

/// Every code with its JSON name and status: the one table.
pub const CODES: &[(Code, &str, StatusCode)] = &[
    (Code::BadParameter, "bad_parameter", StatusCode::BAD_REQUEST),
    (Code::Unauthorized, "unauthorized", StatusCode::UNAUTHORIZED),
    (Code::ReadOnly, "read_only", StatusCode::FORBIDDEN),
    (Code::NotFound, "not_found", StatusCode::NOT_FOUND),
    (
        Code::MethodNotAllowed,
        "method_not_allowed",
        StatusCode::METHOD_NOT_ALLOWED,
    ),
    (
        Code::RequestTimeout,
        "request_timeout",
        StatusCode::REQUEST_TIMEOUT,
    ),
    (
        Code::PayloadTooLarge,
        "payload_too_large",
        StatusCode::PAYLOAD_TOO_LARGE,
    ),
    (Code::UriTooLong, "uri_too_long", StatusCode::URI_TOO_LONG),
    (
        Code::HeadersTooLarge,
        "headers_too_large",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    ),
    (
        Code::AnalysisTimeout,
        "analysis_timeout",
        StatusCode::UNPROCESSABLE_ENTITY,
    ),
    (Code::Busy, "busy", StatusCode::SERVICE_UNAVAILABLE),
    (
        Code::Internal,
        "internal",
        StatusCode::INTERNAL_SERVER_ERROR,
    ),
];

impl Code {
    fn entry(self) -> (&'static str, StatusCode) {
        CODES
            .iter()
            .find(|(c, _, _)| *c == self)
            .map(|(_, name, status)| (*name, *status))
            .unwrap_or(("internal", StatusCode::INTERNAL_SERVER_ERROR))
    }

    pub fn name(self) -> &'static str {
        self.entry().0
    }

    pub fn status(self) -> StatusCode {
        self.entry().1
    }
}

/// An error response: a code and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn bad_parameter(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::BadParameter, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::NotFound, message)
    }

    /// An internal failure: the detail goes to the server's log, the client gets a short
    /// message.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("verbatim serve: internal error: {detail}");
        ApiError::new(Code::Internal, "internal server error (see the server log)")
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code.name(), "message": self.message}})
    }
}

impl From<verbatim_store::Error> for ApiError {
    fn from(e: verbatim_store::Error) -> ApiError {
        match e {
            verbatim_store::Error::InvalidQuery(m) => ApiError::bad_parameter(m),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), crate::json::Json(self.body())).into_response();
        if self.code == Code::Unauthorized {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"verbatim\""),
            );
        }
        if self.code == Code::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: Code, name: &str, status: u16) {
        assert_eq!(code.name(), name);
        assert_eq!(code.status().as_u16(), status);
        let body = ApiError::new(code, "why").body();
        assert_eq!(body["error"]["code"], name);
        assert_eq!(body["error"]["message"], "why");
        assert_eq!(body.as_object().unwrap().len(), 1);
    }

    #[test]
    fn every_code_has_its_status() {
        check(Code::BadParameter, "bad_parameter", 400);
        check(Code::Unauthorized, "unauthorized", 401);
        check(Code::ReadOnly, "read_only", 403);
        check(Code::NotFound, "not_found", 404);
        check(Code::MethodNotAllowed, "method_not_allowed", 405);
        check(Code::RequestTimeout, "request_timeout", 408);
        check(Code::PayloadTooLarge, "payload_too_large", 413);
        check(Code::UriTooLong, "uri_too_long", 414);
        check(Code::HeadersTooLarge, "headers_too_large", 431);
        check(Code::AnalysisTimeout, "analysis_timeout", 422);
        check(Code::Busy, "busy", 503);
        check(Code::Internal, "internal", 500);
    }

    #[test]
    fn the_table_has_each_code_once() {
        let mut names: Vec<&str> = CODES.iter().map(|(_, n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CODES.len());
    }

    #[test]
    fn store_query_errors_are_bad_parameters() {
        let e: ApiError = verbatim_store::Error::InvalidQuery("kind \"x\"".into()).into();
        assert_eq!(e.code, Code::BadParameter);
        assert_eq!(e.message, "kind \"x\"");
        let e: ApiError = verbatim_store::Error::Schema("v9".into()).into();
        assert_eq!(e.code, Code::Internal);
        assert!(!e.message.contains("v9"));
    }
}
