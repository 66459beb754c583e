//! One error vocabulary for pages and the API: every failure a handler meets converts into
//! `WebError` with `?`, and `WebError::status` is the one place deciding what the user is
//! told. Internal details go to the log, never to the page.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cws_analyse::figures::FiguresError;
use cws_analyse::load::LoadError;
use cws_collect::CollectError;
use cws_documents::DocumentError;
use cws_store::StoreError;

/// An error shown to the user as a page (or, through `api::ApiError`, as JSON).
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The page or the thing it names does not exist (404); the message says what.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is understood but what it asks is wrong (422); the message says how.
    #[error("{0}")]
    Unprocessable(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("collecting: {0}")]
    Collect(#[from] CollectError),
    #[error("figures: {0}")]
    Figures(#[from] FiguresError),
    #[error("loading the figures: {0}")]
    Load(#[from] LoadError),
    #[error("reference data: {0}")]
    Reference(#[from] cws_reference::ReferenceError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("document: {0}")]
    Document(#[from] DocumentError),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("a background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A lock or semaphore left unusable by a failure elsewhere.
    #[error("the figures are being rebuilt")]
    Rebuilding,
    #[error("targets: {0}")]
    Targets(#[from] cws_analyse::targets::TargetsError),
    #[error("{0}")]
    Internal(String),
}

impl<T> From<std::sync::PoisonError<T>> for WebError {
    fn from(_: std::sync::PoisonError<T>) -> Self {
        WebError::Rebuilding
    }
}

impl From<tokio::sync::AcquireError> for WebError {
    fn from(_: tokio::sync::AcquireError) -> Self {
        WebError::Rebuilding
    }
}

impl WebError {
    /// The status a user sees, and whether the message is for them (4xx) or for the log.
    pub fn status(&self) -> StatusCode {
        use WebError as E;
        match self {
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Store(StoreError::Refused(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            E::Collect(CollectError::UnknownArea(_) | CollectError::UnknownOrganisation { .. }) => {
                StatusCode::NOT_FOUND
            }
            E::Collect(CollectError::NoCollection(_)) => StatusCode::CONFLICT,
            E::Figures(FiguresError::UnknownScope(..)) => StatusCode::NOT_FOUND,
            E::Figures(FiguresError::TooManyDimensions) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Load(LoadError::NoCollection(_) | LoadError::NoCollections) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user is told: the message itself for their mistakes, a fixed apology for ours.
    pub fn public_message(&self) -> String {
        match self {
            WebError::NotFound(m) | WebError::Unprocessable(m) => m.clone(),
            WebError::Store(e) if self.status().is_client_error() => capitalised(&e.to_string()),
            WebError::Collect(e) if self.status().is_client_error() => capitalised(&e.to_string()),
            WebError::Figures(e) if self.status().is_client_error() => capitalised(&e.to_string()),
            WebError::Load(e) if self.status().is_client_error() => capitalised(&e.to_string()),
            _ => "Try again later.".to_string(),
        }
    }
}

/// The first letter in capitals (store and collect messages start in lower case).
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let heading = match status {
            StatusCode::NOT_FOUND => "Page not found",
            s if s.is_client_error() => "There is a problem",
            _ => {
                tracing::error!(error = %self, "request failed");
                "Sorry, there is a problem with the service"
            }
        };
        let body = crate::pages::error_page(heading, &self.public_message());
        (status, Html(body)).into_response()
    }
}

/// The framework's own refusals (a form that cannot be read, a field missing, a body too
/// large) come as plain text in its words; they are shown as cws's error page instead, or
/// as JSON for the API.
pub async fn own_rejections(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain_text = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    if !plain_text || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (title, text) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "What you sent is too large",
            "Files of up to 64 MB can be uploaded, and forms of up to 2 MB sent.",
        ),
        s if s.is_client_error() => (
            "What you sent could not be read",
            "Go back, check the form and try again. If it happens again, tell your administrator.",
        ),
        _ => (
            "Sorry, there is a problem with the service",
            "Try again later.",
        ),
    };
    if api {
        (
            status,
            axum::Json(serde_json::json!({ "error": format!("{title}. {text}") })),
        )
            .into_response()
    } else {
        (status, Html(crate::pages::error_page(title, text))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_places_are_not_found_and_our_failures_say_nothing_of_themselves() {
        let unknown = WebError::from(CollectError::UnknownArea("999".into()));
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        assert!(unknown
            .public_message()
            .starts_with("There is no area with the code '999'"));
        let refused = WebError::from(StoreError::Refused("the plan covers years 1 to 3".into()));
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.public_message(), "The plan covers years 1 to 3");
        let ours = WebError::from(StoreError::Corrupt("a worker record".into()));
        assert_eq!(ours.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(ours.public_message(), "Try again later.");
    }
}
