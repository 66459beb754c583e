//! Who may use which route: the one place authorisation is decided (docs/definitions.md §1, §11).
//!
//! Every route is listed in `ROUTES` with what it needs; a route that is not listed is
//! refused to everyone (deny by default). `decide` answers for a user's role and scope and
//! the area or organisation named in the path. Worker-level data never leaves its area: only
//! the area's lead sees it, and an employer sees only its own organisation's.

use axum::http::Method;
use cws_domain::user::{Access, Scope, UserRole};

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Aggregate figures of the area in the path: its lead and board, its region's
    /// analysts, national analysts and administrators.
    AreaAggregates,
    /// Worker-level data or returns of the area in the path: its lead only.
    AreaWorkers,
    /// Worker-level data of the organisation in the path: the area's lead, or the
    /// organisation's own employer submitter.
    OrgWorkers,
    /// Aggregates of the region in the path: its analysts, national analysts, administrators.
    RegionAggregates,
    /// Aggregates of England: national analysts and administrators.
    NationalAggregates,
    /// Administration: administrators.
    Admin,
}

/// A route and what it needs; `audit` names the event recorded when it is used.
#[derive(Debug, Clone, Copy)]
pub struct RouteRule {
    pub method: &'static str,
    pub path: &'static str,
    pub need: Need,
    pub audit: Option<&'static str>,
}

const fn rule(
    method: &'static str,
    path: &'static str,
    need: Need,
    audit: Option<&'static str>,
) -> RouteRule {
    RouteRule {
        method,
        path,
        need,
        audit,
    }
}

use Need::*;

/// Every route of the application.
pub const ROUTES: &[RouteRule] = &[
    rule("GET", "/healthz", Public, None),
    rule("GET", "/assets/cws.css", Public, None),
    rule("GET", "/about/data", Public, None),
    rule("GET", "/rules", Public, None),
    rule("GET", "/templates/{file}", Public, None),
    rule("GET", "/sign-in", Public, None),
    rule("POST", "/sign-in", Public, None),
    // the second factor's step after a right password: the handlers know the half-way session
    rule("GET", "/sign-in/code", Public, None),
    rule("POST", "/sign-in/code", Public, None),
    rule("GET", "/sign-in/set-up", Public, None),
    rule("POST", "/sign-in/set-up", Public, None),
    rule("GET", "/account/password/{token}", Public, None),
    rule("POST", "/account/password/{token}", Public, None),
    rule("GET", "/", SignedIn, None),
    rule("POST", "/sign-out", SignedIn, None),
    rule("GET", "/account", SignedIn, None),
    rule("POST", "/account/sign-out-everywhere", SignedIn, None),
    rule("POST", "/account/tokens", SignedIn, None),
    rule("GET", "/account/second-factor", SignedIn, None),
    rule("POST", "/account/second-factor", SignedIn, None),
    rule(
        "POST",
        "/account/second-factor/recovery-codes",
        SignedIn,
        None,
    ),
    rule("POST", "/account/second-factor/turn-off", SignedIn, None),
    rule("POST", "/account/tokens/{token}/revoke", SignedIn, None),
    rule("GET", "/areas/{code}", AreaAggregates, None),
    rule("GET", "/areas/{code}/figures.json", AreaAggregates, None),
    rule(
        "GET",
        "/areas/{code}/dashboard/{topic}",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/dashboard/{topic}/{file}",
        AreaAggregates,
        Some("export"),
    ),
    rule(
        "GET",
        "/regions/{code}/dashboard/{topic}",
        RegionAggregates,
        None,
    ),
    rule(
        "GET",
        "/regions/{code}/dashboard/{topic}/{file}",
        RegionAggregates,
        Some("export"),
    ),
    rule(
        "GET",
        "/england/dashboard/{topic}",
        NationalAggregates,
        None,
    ),
    rule(
        "GET",
        "/england/dashboard/{topic}/{file}",
        NationalAggregates,
        Some("export"),
    ),
    rule("GET", "/areas/{code}/projection", AreaAggregates, None),
    rule(
        "GET",
        "/areas/{code}/projection/{file}",
        AreaAggregates,
        Some("export"),
    ),
    rule(
        "GET",
        "/areas/{code}/projection/compare",
        AreaAggregates,
        None,
    ),
    // what an area's need follows: seen by those who see its aggregates, set by its lead
    rule(
        "GET",
        "/areas/{code}/projection/drivers",
        AreaAggregates,
        None,
    ),
    rule(
        "POST",
        "/areas/{code}/projection/drivers",
        AreaWorkers,
        Some("driver_map_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/projection/drivers/reset",
        AreaWorkers,
        Some("driver_map_change"),
    ),
    // an area's kept scenarios: read by those who see its aggregates, kept by its lead
    rule(
        "POST",
        "/areas/{code}/projection/scenarios",
        AreaWorkers,
        Some("scenario_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/projection/scenarios/{scenario}/remove",
        AreaWorkers,
        Some("scenario_change"),
    ),
    // an area's targets: seen by those who see its aggregates, set and removed by its lead
    rule("GET", "/areas/{code}/targets", AreaAggregates, None),
    rule(
        "POST",
        "/areas/{code}/targets",
        AreaWorkers,
        Some("target_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/targets/{target}/remove",
        AreaWorkers,
        Some("target_change"),
    ),
    rule(
        "GET",
        "/areas/{code}/targets/{target}/what-it-would-take",
        AreaAggregates,
        None,
    ),
    rule("GET", "/regions/{code}/projection", RegionAggregates, None),
    rule(
        "GET",
        "/regions/{code}/projection/{file}",
        RegionAggregates,
        Some("export"),
    ),
    rule("GET", "/england/projection", NationalAggregates, None),
    rule(
        "GET",
        "/england/projection/{file}",
        NationalAggregates,
        Some("export"),
    ),
    // published figures only: anyone signed in
    rule("GET", "/projection/how-good", SignedIn, None),
    rule(
        "GET",
        "/areas/{code}/returns",
        AreaWorkers,
        Some("read_returns"),
    ),
    rule(
        "GET",
        "/areas/{code}/returns/chase.csv",
        AreaWorkers,
        Some("export"),
    ),
    rule("GET", "/areas/{code}/returns/upload", AreaWorkers, None),
    rule(
        "POST",
        "/areas/{code}/returns/upload",
        AreaWorkers,
        Some("import_check"),
    ),
    rule(
        "POST",
        "/areas/{code}/returns/uploads/{token}/submit",
        AreaWorkers,
        Some("import"),
    ),
    rule(
        "GET",
        "/areas/{code}/returns/uploads/{token}/{file}",
        AreaWorkers,
        Some("export"),
    ),
    rule(
        "GET",
        "/areas/{code}/organisations/{reference}/return",
        OrgWorkers,
        Some("read_returns"),
    ),
    rule(
        "POST",
        "/areas/{code}/organisations/{reference}/return/send",
        OrgWorkers,
        Some("import"),
    ),
    rule(
        "GET",
        "/areas/{code}/organisations/{reference}/upload",
        OrgWorkers,
        None,
    ),
    rule(
        "POST",
        "/areas/{code}/organisations/{reference}/upload",
        OrgWorkers,
        Some("import_check"),
    ),
    rule(
        "POST",
        "/areas/{code}/organisations/{reference}/uploads/{token}/submit",
        OrgWorkers,
        Some("import"),
    ),
    rule(
        "GET",
        "/areas/{code}/organisations/{reference}/uploads/{token}/{file}",
        OrgWorkers,
        Some("export"),
    ),
    rule(
        "GET",
        "/areas/{code}/organisations/{reference}/workers",
        OrgWorkers,
        Some("read_workers"),
    ),
    rule(
        "POST",
        "/areas/{code}/organisations/{reference}/workers",
        OrgWorkers,
        Some("import"),
    ),
    rule(
        "GET",
        "/areas/{code}/organisations/{reference}/{file}",
        OrgWorkers,
        Some("export"),
    ),
    rule("GET", "/api/openapi.json", Public, None),
    rule("GET", "/api/areas", SignedIn, None),
    rule("GET", "/api/areas/{code}", SignedIn, None),
    rule("GET", "/api/areas/{code}/published", SignedIn, None),
    rule("GET", "/api/areas/{code}/figures", AreaAggregates, None),
    rule("GET", "/api/regions/{code}/figures", RegionAggregates, None),
    rule("GET", "/api/england/figures", NationalAggregates, None),
    rule("GET", "/api/areas/{code}/projection", AreaAggregates, None),
    rule(
        "GET",
        "/api/regions/{code}/projection",
        RegionAggregates,
        None,
    ),
    rule("GET", "/api/england/projection", NationalAggregates, None),
    rule(
        "GET",
        "/api/areas/{code}/returns",
        AreaWorkers,
        Some("read_returns"),
    ),
    rule(
        "POST",
        "/api/areas/{code}/returns",
        AreaWorkers,
        Some("import"),
    ),
    rule(
        "GET",
        "/areas/{code}/organisations/{reference}/delete",
        AreaWorkers,
        None,
    ),
    rule(
        "POST",
        "/areas/{code}/organisations/{reference}/delete",
        AreaWorkers,
        Some("delete_organisation_data"),
    ),
    // the local strategy: read by those who see the area's aggregates, changed by its lead
    rule("GET", "/areas/{code}/strategy", AreaAggregates, None),
    rule(
        "POST",
        "/areas/{code}/strategy",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule("GET", "/areas/{code}/strategy/{id}", AreaAggregates, None),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/sections/{section}",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/objectives",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/actions",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/risks",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/resources",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/checklist",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/print",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/progress",
        AreaAggregates,
        None,
    ),
    rule(
        "GET",
        "/areas/{code}/strategy/{id}/export/{file}",
        AreaAggregates,
        Some("export"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/sections/{section}",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/analysis",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/analysis/proposals/accept",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/analysis/proposals/reject",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/analysis/{entry}/remove",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/objectives",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/objectives/{objective}",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/projection",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/actions",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/actions/{action}/progress",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/risks",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/risks/{risk}",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/resources/budgets",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/resources/{part}/{entry}/remove",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/resources/streams",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/resources/streams/{stream}",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/resources/lines",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/checklist",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/checklist/questions",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule(
        "POST",
        "/areas/{code}/strategy/{id}/checklist/questions/{question}/remove",
        AreaWorkers,
        Some("strategy_change"),
    ),
    rule("GET", "/admin/users", Admin, None),
    rule("POST", "/admin/users", Admin, None),
    rule("POST", "/admin/users/{id}/reset", Admin, None),
    rule("POST", "/admin/users/{id}/disable", Admin, None),
    rule("POST", "/admin/users/{id}/enable", Admin, None),
    rule("GET", "/admin/audit", Admin, None),
    rule("GET", "/admin/audit.csv", Admin, Some("export")),
];

/// The rule for a matched route, if there is one.
pub fn rule_for(method: &Method, path: &str) -> Option<&'static RouteRule> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// The area and organisation a request is about, resolved from its path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The area's GSS code and DfE number.
    pub area: Option<(String, String)>,
    pub region: Option<String>,
    pub organisation_id: Option<cws_store::OrganisationId>,
}

impl Target {
    fn is_area(&self, code: &str) -> bool {
        self.area
            .as_ref()
            .is_some_and(|(gss, old)| gss == code || old == code)
    }
}

/// Whether a user with `access` (or nobody, when `None`) may use a route needing `need` on
/// `target`.
pub fn decide(access: Option<&Access>, need: Need, target: &Target) -> bool {
    if need == Public {
        return true;
    }
    let Some(access) = access else {
        return false;
    };
    let role = access.role();
    match (need, access.scope()) {
        (Public | SignedIn, _) => true,
        (AreaAggregates, Scope::Area { area }) => {
            matches!(role, UserRole::AreaLead | UserRole::BoardViewer) && target.is_area(area)
        }
        (AreaAggregates | RegionAggregates, Scope::Region { region }) => {
            role == UserRole::RegionalAnalyst && target.region.as_deref() == Some(region)
        }
        (AreaAggregates | RegionAggregates | NationalAggregates, Scope::National) => {
            matches!(role, UserRole::NationalAnalyst | UserRole::Administrator)
        }
        (AreaWorkers | OrgWorkers, Scope::Area { area }) => {
            role == UserRole::AreaLead && target.is_area(area)
        }
        (OrgWorkers, Scope::Organisation { area, org }) => {
            role == UserRole::EmployerSubmitter
                && target.is_area(area)
                && target.organisation_id.map(|id| id.to_string()).as_deref() == Some(org)
        }
        (Admin, Scope::National) => role == UserRole::Administrator,
        _ => false,
    }
}
