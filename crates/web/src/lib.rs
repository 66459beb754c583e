//! The cws web application: server-rendered pages over the store.
//!
//! Handlers only extract, call the store and render; all HTML is in `templates/` (askama,
//! compiled into the binary) and the one stylesheet is embedded too.

pub mod access;
pub mod api;
pub(crate) mod dashboards;
mod error;
mod figures;
mod forms;
pub mod headers;
mod pages;
mod place;
mod projection;
mod returns;
pub(crate) mod strategy;
mod targets;
mod uploads;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cws_collect::pseudonymise::Pseudonymiser;
use cws_store::Db;

pub use error::WebError;

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
    /// The deployment's figure settings (retirement age and horizon, vetting validity,
    /// working days): `[figures]` in `cws.toml`.
    pub settings: cws_analyse::figures::Settings,
    /// Uploads being read and checked at once (`uploads_at_once` in `cws.toml`); others wait
    /// their turn, and pages keep answering whatever the uploads are.
    pub upload_slots: std::sync::Arc<tokio::sync::Semaphore>,
    /// Where uploads wait between checking and submitting: a private folder (0700) under the
    /// data directory (`uploads_dir` in `cws.toml`).
    pub uploads_dir: std::path::PathBuf,
    /// Refusals counted by address, for the audit log.
    pub refusals: access::RefusalLog,
    /// The address people reach cws at, without a final `/`: links sent to people start
    /// with it (never with a request's `Host`).
    pub site_url: String,
}

/// Uploads read and checked at once unless configured.
pub const DEFAULT_UPLOADS_AT_ONCE: usize = 2;

impl AppState {
    pub fn new(db: Db, pseudo: Pseudonymiser) -> AppState {
        AppState {
            db,
            pseudo,
            figures: Default::default(),
            panels: Default::default(),
            settings: Default::default(),
            upload_slots: std::sync::Arc::new(tokio::sync::Semaphore::new(DEFAULT_UPLOADS_AT_ONCE)),
            // until configured, a folder of this process's own in the temporary folder
            uploads_dir: std::env::temp_dir().join(format!(
                "cws-uploads-{}-{}",
                std::process::id(),
                access::new_secret().get(..8).unwrap_or("0")
            )),
            refusals: Default::default(),
            site_url: "http://localhost:8080".into(),
        }
    }

    /// The state whose links to itself start with `url` (`https://cws.example.gov.uk`).
    pub fn with_site_url(mut self, url: String) -> AppState {
        self.site_url = url.trim_end_matches('/').to_string();
        self
    }

    /// The state keeping uploads between checking and submitting in `dir` (made private
    /// when first used).
    pub fn with_uploads_dir(mut self, dir: std::path::PathBuf) -> AppState {
        self.uploads_dir = dir;
        self
    }

    /// The state reading and checking at most `n` uploads at once (at least one).
    pub fn with_uploads_at_once(mut self, n: usize) -> AppState {
        self.upload_slots = std::sync::Arc::new(tokio::sync::Semaphore::new(n.max(1)));
        self
    }

    /// The state with the deployment's figure settings.
    pub fn with_settings(mut self, settings: cws_analyse::figures::Settings) -> AppState {
        self.settings = settings;
        self
    }

    /// Whether the figures include a generated, synthetic workforce: every page and every
    /// export of them says so.
    pub async fn holds_synthetic(&self) -> Result<bool, cws_store::StoreError> {
        Ok(cws_store::workforce::synthetic_run(&self.db)
            .await?
            .is_some())
    }

    /// Figure options at a census, with the deployment's settings.
    pub fn options(&self, census: chrono::NaiveDate) -> cws_analyse::figures::Options {
        cws_analyse::figures::Options::with_settings(census, &self.settings)
    }
}

/// The application's routes. Who may use each is decided in `access::policy`, which
/// lists every route here; a route missing there is refused to everyone.
pub fn router(state: AppState) -> Router {
    use access::{account, admin, second_factor};
    Router::new()
        .route("/healthz", get(healthz))
        .route("/assets/cws.css", get(stylesheet))
        .route("/about/data", get(pages::about_data))
        .route("/rules", get(returns::rules::rules_page))
        .route("/templates/{file}", get(returns::templates::blank_template))
        .route("/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route(
            "/sign-in/code",
            get(second_factor::code_form).post(second_factor::code),
        )
        .route(
            second_factor::SIGN_IN_SET_UP,
            get(second_factor::set_up_form).post(second_factor::set_up),
        )
        .route(
            second_factor::ACCOUNT_SET_UP,
            get(second_factor::set_up_form).post(second_factor::set_up),
        )
        .route(
            "/account/second-factor/recovery-codes",
            post(second_factor::new_codes),
        )
        .route(
            "/account/second-factor/turn-off",
            post(second_factor::turn_off),
        )
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
        .route("/areas/{code}/dashboard/{topic}", get(dashboards::dashboard))
        .route(
            "/areas/{code}/dashboard/{topic}/{file}",
            get(dashboards::download),
        )
        .route(
            "/regions/{code}/dashboard/{topic}",
            get(dashboards::dashboard),
        )
        .route(
            "/regions/{code}/dashboard/{topic}/{file}",
            get(dashboards::download),
        )
        .route("/areas/{code}/projection", get(projection::page))
        .route("/areas/{code}/projection/compare", get(projection::compare))
        .route(
            "/areas/{code}/projection/drivers",
            get(projection::drivers_page).post(projection::save_drivers),
        )
        .route(
            "/areas/{code}/projection/drivers/reset",
            post(projection::reset_drivers),
        )
        .route("/areas/{code}/projection/scenarios", post(projection::save_scenario))
        .route(
            "/areas/{code}/projection/scenarios/{scenario}/remove",
            post(projection::remove_scenario),
        )
        .route("/areas/{code}/projection/{file}", get(projection::download))
        .route(
            "/areas/{code}/targets",
            get(targets::page).post(targets::set),
        )
        .route("/areas/{code}/targets/{target}/remove", post(targets::remove))
        .route(
            "/areas/{code}/targets/{target}/what-it-would-take",
            get(targets::what_it_would_take),
        )
        .route("/regions/{code}/projection", get(projection::page))
        .route("/regions/{code}/projection/{file}", get(projection::download))
        .route("/england/projection", get(projection::page))
        .route("/england/projection/{file}", get(projection::download))
        .route("/projection/how-good", get(projection::how_good))
        .route("/england/dashboard/{topic}", get(dashboards::dashboard))
        .route("/england/dashboard/{topic}/{file}", get(dashboards::download))
        .route("/areas/{code}/returns", get(returns::coverage::returns_page))
        .route(
            "/areas/{code}/returns/chase.csv",
            get(returns::coverage::chase_list),
        )
        .route(
            "/areas/{code}/returns/upload",
            get(returns::upload::upload_form).post(returns::upload::upload),
        )
        .route(
            "/areas/{code}/returns/uploads/{token}/submit",
            post(returns::upload::submit),
        )
        .route(
            "/areas/{code}/returns/uploads/{token}/{file}",
            get(returns::upload::report_download),
        )
        .route(
            "/areas/{code}/organisations/{reference}/return",
            get(returns::own::return_page),
        )
        .route(
            "/areas/{code}/organisations/{reference}/return/send",
            post(returns::own::send),
        )
        .route(
            "/areas/{code}/organisations/{reference}/upload",
            get(returns::own::upload_form).post(returns::own::upload),
        )
        .route(
            "/areas/{code}/organisations/{reference}/uploads/{token}/submit",
            post(returns::own::submit),
        )
        .route(
            "/areas/{code}/organisations/{reference}/uploads/{token}/{file}",
            get(returns::own::report_download),
        )
        .route(
            "/areas/{code}/organisations/{reference}/workers",
            get(returns::workers::workers_form).post(returns::workers::workers_submit),
        )
        .route(
            "/areas/{code}/organisations/{reference}/delete",
            get(returns::delete::delete_org_form).post(returns::delete::delete_org),
        )
        .route(
            "/areas/{code}/organisations/{reference}/{file}",
            get(returns::templates::organisation_template),
        )
        .route(
            "/areas/{code}/strategy",
            get(strategy::list::list).post(strategy::list::create),
        )
        .route(
            "/areas/{code}/strategy/{id}",
            get(strategy::overview::overview),
        )
        .route(
            "/areas/{code}/strategy/{id}/sections/{section}",
            get(strategy::sections::section).post(strategy::sections::save_section),
        )
        .route(
            "/areas/{code}/strategy/{id}/analysis",
            post(strategy::analysis::add),
        )
        .route(
            "/areas/{code}/strategy/{id}/analysis/proposals/accept",
            post(strategy::analysis::accept),
        )
        .route(
            "/areas/{code}/strategy/{id}/analysis/proposals/reject",
            post(strategy::analysis::reject),
        )
        .route(
            "/areas/{code}/strategy/{id}/analysis/{entry}/remove",
            post(strategy::analysis::remove),
        )
        .route(
            "/areas/{code}/strategy/{id}/objectives",
            get(strategy::objectives::page).post(strategy::objectives::add),
        )
        .route(
            "/areas/{code}/strategy/{id}/objectives/{objective}",
            post(strategy::objectives::update),
        )
        .route(
            "/areas/{code}/strategy/{id}/projection",
            post(strategy::projection::choose),
        )
        .route(
            "/areas/{code}/strategy/{id}/actions",
            get(strategy::actions::page).post(strategy::actions::add),
        )
        .route(
            "/areas/{code}/strategy/{id}/actions/{action}/progress",
            post(strategy::actions::progress),
        )
        .route(
            "/areas/{code}/strategy/{id}/risks",
            get(strategy::risks::page).post(strategy::risks::add),
        )
        .route(
            "/areas/{code}/strategy/{id}/risks/{risk}",
            post(strategy::risks::rescore),
        )
        .route(
            "/areas/{code}/strategy/{id}/resources",
            get(strategy::resources::page),
        )
        .route(
            "/areas/{code}/strategy/{id}/resources/budgets",
            post(strategy::resources::add_budget),
        )
        .route(
            "/areas/{code}/strategy/{id}/resources/{part}/{entry}/remove",
            post(strategy::resources::remove),
        )
        .route(
            "/areas/{code}/strategy/{id}/resources/streams",
            post(strategy::resources::add_stream),
        )
        .route(
            "/areas/{code}/strategy/{id}/resources/streams/{stream}",
            post(strategy::resources::update_stream),
        )
        .route(
            "/areas/{code}/strategy/{id}/resources/lines",
            post(strategy::resources::add_line),
        )
        .route(
            "/areas/{code}/strategy/{id}/checklist",
            get(strategy::checklist::page).post(strategy::checklist::save),
        )
        .route(
            "/areas/{code}/strategy/{id}/checklist/questions",
            post(strategy::checklist::add_question),
        )
        .route(
            "/areas/{code}/strategy/{id}/checklist/questions/{question}/remove",
            post(strategy::checklist::remove_question),
        )
        .route(
            "/areas/{code}/strategy/{id}/print",
            get(strategy::export::print),
        )
        .route(
            "/areas/{code}/strategy/{id}/progress",
            get(strategy::progress::page),
        )
        .route(
            "/areas/{code}/strategy/{id}/export/{file}",
            get(strategy::export::export),
        )
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/areas", get(api::areas))
        .route("/api/areas/{code}", get(api::area))
        .route("/api/areas/{code}/published", get(api::published))
        .route("/api/areas/{code}/figures", get(api::figures))
        .route("/api/regions/{code}/figures", get(api::figures))
        .route("/api/england/figures", get(api::figures))
        .route("/api/areas/{code}/projection", get(projection::api_projection))
        .route("/api/regions/{code}/projection", get(projection::api_projection))
        .route("/api/england/projection", get(projection::api_projection))
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
        // spans carry the path only, its tokens hidden: query strings and some paths hold
        // tokens
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |r: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %r.method(), path = %headers::loggable_path(r.uri().path()))
                },
            ),
        )
        .layer(axum::middleware::from_fn(error::own_rejections))
        .layer(axum::middleware::from_fn(headers::secure))
        .with_state(state)
}

/// Connections served at once; more wait in the listen queue until one closes.
pub const MAX_CONNECTIONS: usize = 512;

/// How long a client may take to send a request's headers before the connection is closed
/// (a slow-headers client otherwise holds a connection for ever).
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves the application until Ctrl-C: HTTP/1.1, at most [`MAX_CONNECTIONS`] connections
/// at once, each given [`HEADER_READ_TIMEOUT`] to send its headers.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt as _;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "serving");
    let app = router(state);
    let connections = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let Ok(permit) = std::sync::Arc::clone(&connections).acquire_owned().await else {
            return Ok(());
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // out of file descriptors and the like: wait, do not spin
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let service =
            app.clone()
                .map_request(move |mut r: axum::http::Request<hyper::body::Incoming>| {
                    r.extensions_mut().insert(ConnectInfo(peer));
                    r
                });
        tokio::spawn(async move {
            let served = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(
                    hyper_util::rt::TokioIo::new(stream),
                    hyper_util::service::TowerToHyperService::new(service),
                )
                .with_upgrades()
                .await;
            if let Err(e) = served {
                tracing::debug!(error = %e, "a connection ended with an error");
            }
            drop(permit);
        });
    }
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
