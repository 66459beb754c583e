//! The cws web application: server-rendered pages over the store.
//!
//! Handlers only extract, call the store and render; all HTML is in `templates/` (askama,
//! compiled into the binary) and the one stylesheet is embedded too.

pub mod access;
pub mod api;
mod chart;
mod collection;
pub mod dashboards;
mod figures;
mod pages;
pub mod strategy;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cws_collect::pseudonymise::Pseudonymiser;
use cws_store::Db;

/// Shared state of the application.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Pseudonymises worker references in uploaded returns.
    pub pseudo: Pseudonymiser,
    /// Census snapshots kept warm for the figures, updated when returns are accepted.
    pub figures: cws_analyse::live::LiveFigures,
    /// Dashboard panels computed per snapshot generation.
    pub panels: dashboards::PanelCache,
}

impl AppState {
    pub fn new(db: Db, pseudo: Pseudonymiser) -> AppState {
        AppState {
            db,
            pseudo,
            figures: Default::default(),
            panels: Default::default(),
        }
    }
}

/// The application's routes. Who may use each is decided in `access::policy`, which
/// lists every route here; a route missing there is refused to everyone.
pub fn router(state: AppState) -> Router {
    use access::{account, admin};
    Router::new()
        .route("/healthz", get(healthz))
        .route("/assets/cws.css", get(stylesheet))
        .route("/about/data", get(pages::about_data))
        .route("/rules", get(collection::rules_page))
        .route("/templates/{file}", get(collection::blank_template))
        .route("/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route(
            "/account/password/{token}",
            get(account::set_password_form).post(account::set_password),
        )
        .route("/", get(pages::index))
        .route("/sign-out", post(account::sign_out))
        .route("/account", get(account::account))
        .route(
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        )
        .route("/account/tokens", post(account::create_token))
        .route(
            "/account/tokens/{token}/revoke",
            post(account::revoke_token),
        )
        .route("/areas/{code}", get(pages::area))
        .route("/areas/{code}/figures.json", get(figures::area_figures))
        .route(
            "/areas/{code}/dashboard/{topic}",
            get(dashboards::area_dashboard),
        )
        .route(
            "/areas/{code}/dashboard/{topic}/{file}",
            get(dashboards::area_download),
        )
        .route(
            "/regions/{code}/dashboard/{topic}",
            get(dashboards::region_dashboard),
        )
        .route(
            "/regions/{code}/dashboard/{topic}/{file}",
            get(dashboards::region_download),
        )
        .route("/england/dashboard/{topic}", get(dashboards::england_dashboard))
        .route(
            "/england/dashboard/{topic}/{file}",
            get(dashboards::england_download),
        )
        .route("/areas/{code}/returns", get(collection::returns_page))
        .route(
            "/areas/{code}/returns/upload",
            get(collection::upload_form).post(collection::upload),
        )
        .route(
            "/areas/{code}/returns/uploads/{token}/submit",
            post(collection::submit),
        )
        .route(
            "/areas/{code}/returns/uploads/{token}/{file}",
            get(collection::report_download),
        )
        .route(
            "/areas/{code}/organisations/{reference}/workers",
            get(collection::workers_form).post(collection::workers_submit),
        )
        .route(
            "/areas/{code}/organisations/{reference}/delete",
            get(collection::delete_org_form).post(collection::delete_org),
        )
        .route(
            "/areas/{code}/organisations/{reference}/{file}",
            get(collection::organisation_template),
        )
        .route(
            "/areas/{code}/strategy",
            get(strategy::list).post(strategy::create),
        )
        .route("/areas/{code}/strategy/{id}", get(strategy::overview))
        .route(
            "/areas/{code}/strategy/{id}/sections/{section}",
            get(strategy::section).post(strategy::save_section),
        )
        .route(
            "/areas/{code}/strategy/{id}/export/{file}",
            get(strategy::export),
        )
        .route(
            "/areas/{code}/strategy/{id}/{page}",
            get(strategy::page).post(strategy::change),
        )
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/areas", get(api::areas))
        .route("/api/areas/{code}", get(api::area))
        .route("/api/areas/{code}/published", get(api::published))
        .route("/api/areas/{code}/figures", get(api::area_figures))
        .route("/api/regions/{code}/figures", get(api::region_figures))
        .route("/api/england/figures", get(api::england_figures))
        .route(
            "/api/areas/{code}/returns",
            get(api::returns_status).post(api::upload_return),
        )
        .route("/admin/users", get(admin::users_list).post(admin::invite))
        .route("/admin/users/{id}/reset", post(admin::reset))
        .route("/admin/users/{id}/disable", post(admin::disable))
        .route("/admin/users/{id}/enable", post(admin::enable))
        .route("/admin/audit", get(admin::audit_page))
        .route("/admin/audit.csv", get(admin::audit_csv))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::authorise,
        ))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .layer(axum::middleware::from_fn(access::check_csrf))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::identify,
        ))
        // spans carry the path only: query strings can hold tokens
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |r: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %r.method(), path = %r.uri().path())
                },
            ),
        )
        .with_state(state)
}

/// Serves the application until Ctrl-C.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "serving");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

async fn healthz() -> &'static str {
    "ok"
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/cws.css"),
    )
        .into_response()
}

/// An error shown to the user as a page. Internal details go to the log, not the page.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("store: {0}")]
    Store(#[from] cws_store::StoreError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            WebError::NotFound(what) => (StatusCode::NOT_FOUND, "Page not found", what.clone()),
            _ => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later.".to_string(),
                )
            }
        };
        (status, Html(pages::error_page(heading, &message))).into_response()
    }
}
