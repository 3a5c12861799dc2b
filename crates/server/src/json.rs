//! JSON responses, written by core's one JSON writer (`verbatim_core::json`: U+2028 and
//! U+2029 escaped), so that the API's bytes match the CLI's.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A JSON response body (`application/json`).
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match verbatim_core::json::to_vec(&self.0) {
            Ok(bytes) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                bytes,
            )
                .into_response(),
            // Our response types always serialise; should one not, the client still gets the
            // error shape (written out here, since serialising it is what failed).
            Err(e) => {
                eprintln!("verbatim serve: internal error: encoding a response: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    r#"{"error":{"code":"internal","message":"internal server error (see the server log)"}}"#,
                )
                    .into_response()
            }
        }
    }
}
