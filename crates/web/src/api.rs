//! The JSON API: reference data, returns (upload, status, report) and figures, for scripts
//! with a personal API token (`Authorization: Bearer cws_…`) or a browser session. Access is
//! decided by the same route policy as the pages; the OpenAPI document describing every
//! route is served at `/api/openapi.json`.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use cws_analyse::figures::{Dimension, FiguresError};
use cws_analyse::load::LoadError;
use cws_analyse::measure::Measure;
use cws_collect::import::Explanations;
use cws_store::{geography, returns};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::access::Viewer;
use crate::dashboards::protected;
use crate::place::PlaceInPath;
use crate::uploads::{NotStaged, Owner, Staged};
use crate::{AppState, WebError};
use cws_analyse::panels::cut;

/// An API error: a status and a JSON body saying what is wrong.
pub struct ApiError(StatusCode, String);

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError(status, message.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        let e: WebError = e.into();
        let status = e.status();
        if status.is_client_error() {
            return ApiError(status, e.public_message());
        }
        tracing::error!(error = %e, "api request failed");
        ApiError(
            status,
            "there is a problem with the service; try again later".into(),
        )
    }
}

fn bad_request(m: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, m.into())
}

/// Every area, past and present, with its region.
pub async fn areas(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let areas = geography::areas(&state.db, None, true).await?;
    Ok(Json(json!(areas
        .iter()
        .map(|a| json!({
            "code": a.code,
            "old_la_code": a.old_la_code,
            "name": a.name,
            "kind": a.kind,
            "region_code": a.region_code,
            "region_name": a.region_name,
            "opened": a.opened,
            "closed": a.closed,
            "joint": a.is_joint,
        }))
        .collect::<Vec<_>>())))
}

async fn area_row(state: &AppState, code: &str) -> Result<geography::AreaRow, ApiError> {
    geography::area(&state.db, code).await?.ok_or_else(|| {
        ApiError(
            StatusCode::NOT_FOUND,
            format!("there is no area with the code '{code}'"),
        )
    })
}

/// One area and its statistical neighbours.
pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let a = area_row(&state, &code).await?;
    let neighbours = geography::neighbours(&state.db, &a.old_la_code).await?;
    Ok(Json(json!({
        "code": a.code,
        "old_la_code": a.old_la_code,
        "name": a.name,
        "region_code": a.region_code,
        "region_name": a.region_name,
        "neighbours": neighbours.iter().map(|n| json!({
            "rank": n.rank, "code": n.code, "name": n.name,
        })).collect::<Vec<_>>(),
    })))
}

/// DfE's published social-work indicators for an area, every year (symbols as published).
pub async fn published(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let a = area_row(&state, &code).await?;
    let names: Vec<&str> = cws_reference::INDICATORS.to_vec();
    // an area in a joint return (Richmond with Kingston) is published under the joint entry
    let joint = geography::joint_areas_of(&state.db, a.id).await?;
    let mut codes = vec![a.old_la_code.clone()];
    codes.extend(joint.iter().map(|j| j.old_la_code.clone()));
    let values = geography::published_for_las(&state.db, &codes, &names).await?;
    Ok(Json(json!({
        "code": a.code,
        "name": a.name,
        "published_as": joint.iter().map(|j| &j.name).collect::<Vec<_>>(),
        "source": "Department for Education, Children's social work workforce statistics",
        "values": values.iter().map(|v| json!({
            "year": v.year, "published_for": v.geo_name, "indicator": v.indicator,
            "value": v.value, "symbol": v.symbol,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    /// Dimensions, comma-separated.
    #[serde(default)]
    by: String,
    /// Measures, comma-separated (DfE's names where DfE publishes them).
    #[serde(default)]
    measures: String,
}

fn parse_request(q: &FiguresQuery) -> Result<(Vec<Dimension>, Vec<Measure>), ApiError> {
    let dims =
        q.by.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|d| Dimension::parse(d).map_err(|e| bad_request(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
    if dims.len() > cws_analyse::figures::MAX_DIMENSIONS {
        return Err(bad_request("at most 4 dimensions can be combined"));
    }
    let mut measures = q
        .measures
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|m| Measure::parse(m).map_err(|e| bad_request(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    if measures.is_empty() {
        measures.push(Measure::People);
        measures.extend(cws_analyse::measure::published_measures());
    }
    Ok((dims, measures))
}

/// Figures of an area, a region or England.
pub async fn figures(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    place: Result<PlaceInPath, WebError>,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<Value>, ApiError> {
    let PlaceInPath(place) = place?;
    let (dims, measures) = parse_request(&q)?;
    let protect = protected(viewer.as_ref(), &place);
    let synthetic = state.holds_synthetic().await.map_err(WebError::from)?;
    let snapshot = match state.figures.snapshot(&state.db, None).await {
        Ok(s) => s,
        Err(LoadError::NoCollections) => {
            return Err(ApiError(
                StatusCode::NOT_FOUND,
                "there is no collection yet".into(),
            ))
        }
        Err(e) => return Err(WebError::from(e).into()),
    };
    let snap = snapshot.read()?;
    let census = snap.census.ok_or(WebError::from(FiguresError::NoCensus))?;
    let table = cut(
        &snap,
        &place,
        &dims,
        &measures,
        &state.options(census),
        protect,
        format!("{} at {census}", place.name()),
    )?;
    let mut doc = table.json(synthetic);
    doc["census_date"] = json!(census);
    doc["protected"] = json!(protect);
    Ok(Json(doc))
}

#[derive(Deserialize, Default)]
pub struct CensusQuery {
    census: Option<chrono::NaiveDate>,
}

/// Each organisation's return status for a collection (the latest unless `census`).
pub async fn returns_status(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<CensusQuery>,
) -> Result<Json<Value>, ApiError> {
    let a = area_row(&state, &code).await?;
    let c = returns::collection(&state.db, q.census)
        .await?
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, "there is no such collection".into()))?;
    let rows = returns::coverage(&state.db, a.id, c.id).await?;
    let returned = rows.iter().filter(|r| r.version.is_some()).count();
    Ok(Json(json!({
        "area": a.code,
        "census_date": c.census_date,
        "due": c.due,
        "closes": c.closes,
        "organisations": rows.len(),
        "returned": returned,
        "returns": rows.iter().map(|r| json!({
            "reference": r.reference, "name": r.name, "sector": r.sector,
            "service": r.service, "setting_type": r.setting_type, "status": r.status,
            "version": r.version, "submitted_at": r.submitted_at,
            "errors": r.errors, "queries": r.queries,
        })).collect::<Vec<_>>(),
    })))
}

/// Uploads a return: `files` parts of a multipart body (the cws template, census XML or
/// bulk-upload file), with `organisation`, `dry_run=true` and `explain_RULE=text` in the
/// query. Answers with the full report: 200 when accepted (or, on a dry run, acceptable),
/// 422 when errors block it.
pub async fn upload_return(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(code): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    form: Multipart,
) -> Result<Response, ApiError> {
    area_row(&state, &code).await?;
    let mut organisation = String::new();
    let mut dry_run = false;
    let mut explanations = Explanations::default();
    for (k, v) in &q {
        match k.as_str() {
            "organisation" => organisation = v.trim().to_string(),
            "dry_run" => dry_run = matches!(v.as_str(), "true" | "1" | "yes"),
            k if k.starts_with("explain_") => {
                explanations
                    .by_rule
                    .insert(k["explain_".len()..].to_ascii_uppercase(), v.trim().into());
            }
            _ => {}
        }
    }
    let owner = Owner::of(&state, viewer.as_ref(), &code).await?;
    let staged = match Staged::stage(&state, &owner, form, Some(organisation)).await? {
        Ok(staged) => staged,
        Err(NotStaged::NoFile) => {
            return Err(bad_request(
                "send the return as one or more multipart parts named 'files'",
            ))
        }
        Err(NotStaged::Unreadable) => {
            return Err(bad_request(
                "a file could not be received: it may be larger than 64 MB",
            ))
        }
        Err(NotStaged::TooMany) => {
            return Err(ApiError(
                StatusCode::TOO_MANY_REQUESTS,
                crate::returns::upload::too_many(),
            ));
        }
    };
    let report = staged
        .import(
            &state,
            &code,
            dry_run,
            explanations,
            viewer.as_ref().map(|v| v.user_id),
        )
        .await;
    staged.remove();
    let report = report?;
    let blocked = report
        .messages
        .iter()
        .any(|m| m.severity == cws_collect::rules::Severity::Error);
    let status = if blocked || (!dry_run && !report.accepted) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!(report))).into_response())
}

/// The OpenAPI 3.1 document describing the API.
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi_document().to_string(),
    )
        .into_response()
}

fn param(name: &str, location: &str, description: &str, required: bool) -> Value {
    json!({
        "name": name, "in": location, "required": required,
        "description": description, "schema": { "type": "string" },
    })
}

/// The OpenAPI document (kept beside the handlers; a test checks it lists every API route).
pub fn openapi_document() -> Value {
    let code = param(
        "code",
        "path",
        "An area's GSS code (E09000027) or DfE number (318)",
        true,
    );
    let region = param("code", "path", "A region's GSS code (E12000007)", true);
    let by = param(
        "by",
        "query",
        "Dimensions, comma-separated: region, area, sector, service, setting_type, role, role_group, contract, core_wider",
        false,
    );
    let measures = param(
        "measures",
        "query",
        "Measures, comma-separated, with DfE's indicator names where DfE publishes them (inpost_fte, turnover_rate_fte, …); default: people and DfE's measures",
        false,
    );
    let table = json!({ "$ref": "#/components/schemas/Table" });
    let projection = json!({ "$ref": "#/components/schemas/Projection" });
    // the levers (docs/definitions.md §7), then the horizon, runs and seed
    let projection_params = |place: Option<&Value>| -> Value {
        let mut out: Vec<Value> = place.into_iter().cloned().collect();
        for (i, (name, min, max, unit)) in cws_project::levers::RANGES.iter().enumerate() {
            out.push(param(
                name,
                "query",
                &format!(
                    "{}: {min} to {max}{unit}; empty: as now",
                    cws_project::levers::LABELS[i]
                ),
                false,
            ));
        }
        out.push(param(
            "horizon",
            "query",
            "The last year projected (default ten years after the census; at most 2040)",
            false,
        ));
        out.push(param(
            "runs",
            "query",
            "Monte Carlo runs, 1 to 5000 (default 1000)",
            false,
        ));
        out.push(param(
            "seed",
            "query",
            "The seed: the same seed gives the same figures (default 1)",
            false,
        ));
        Value::Array(out)
    };
    let ok = |description: &str, schema: Value| json!({ "description": description, "content": { "application/json": { "schema": schema } } });
    let errors = json!({
        "401": { "description": "Not signed in and no valid token" },
        "403": { "description": "Your account does not give you access to this" },
        "404": { "description": "No such area, region or collection" },
    });
    let with_errors = |mut responses: Value| {
        if let (Some(r), Some(e)) = (responses.as_object_mut(), errors.as_object()) {
            for (k, v) in e {
                r.insert(k.clone(), v.clone());
            }
        }
        responses
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "cws API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The children's workforce system: reference data, workforce returns and figures. Authenticate with a personal API token made under Your account (Authorization: Bearer cws_…); a token sees exactly what its owner sees. Figures shown outside the owning area are protected by disclosure control (c: suppressed, z: not applicable).",
        },
        "servers": [{ "url": "/" }],
        "security": [{ "token": [] }],
        "paths": {
            "/api/openapi.json": { "get": { "summary": "This document", "security": [],
                "responses": { "200": { "description": "The OpenAPI document" } } } },
            "/api/areas": { "get": { "summary": "Every area, past and present, with its region",
                "responses": with_errors(json!({ "200": ok("Areas", json!({ "type": "array", "items": { "type": "object" } })) })) } },
            "/api/areas/{code}": { "get": { "summary": "An area and its ten statistical neighbours", "parameters": [code],
                "responses": with_errors(json!({ "200": ok("The area", json!({ "type": "object" })) })) } },
            "/api/areas/{code}/published": { "get": { "summary": "DfE's published social-work indicators for the area, every year", "parameters": [code],
                "responses": with_errors(json!({ "200": ok("Published values (symbols as published)", json!({ "type": "object" })) })) } },
            "/api/areas/{code}/figures": { "get": { "summary": "Workforce figures from the returns held, cut by dimensions, with totals", "parameters": [code, by, measures],
                "responses": with_errors(json!({ "200": ok("A table of figures", table.clone()), "400": { "description": "An unknown dimension or measure (named)" } })) } },
            "/api/regions/{code}/figures": { "get": { "summary": "A region's figures (always protected)", "parameters": [region, by, measures],
                "responses": with_errors(json!({ "200": ok("A table of figures", table.clone()), "400": { "description": "An unknown dimension or measure" } })) } },
            "/api/england/figures": { "get": { "summary": "England's figures (always protected)", "parameters": [by, measures],
                "responses": with_errors(json!({ "200": ok("A table of figures", table), "400": { "description": "An unknown dimension or measure" } })) } },
            "/api/areas/{code}/projection": { "get": { "summary": "The area's workforce projected from the latest census: supply, need and the gap by year and role group, expected and P10/P50/P90 over seeded Monte Carlo runs, under the levers given", "parameters": projection_params(Some(&code)),
                "responses": with_errors(json!({ "200": ok("The projection", projection.clone()), "422": { "description": "A lever, the horizon, runs or seed out of range (each named with its range)" } })) } },
            "/api/regions/{code}/projection": { "get": { "summary": "A region's projection: its areas' runs joined draw by draw (always protected)", "parameters": projection_params(Some(&region)),
                "responses": with_errors(json!({ "200": ok("The projection", projection.clone()), "422": { "description": "A lever or setting out of range" } })) } },
            "/api/england/projection": { "get": { "summary": "England's projection (always protected)", "parameters": projection_params(None),
                "responses": with_errors(json!({ "200": ok("The projection", projection), "422": { "description": "A lever or setting out of range" } })) } },
            "/api/areas/{code}/returns": {
                "get": { "summary": "Each organisation's return status (area leads)", "parameters": [code, param("census", "query", "A census date (YYYY-MM-DD); the latest when not given", false)],
                    "responses": with_errors(json!({ "200": ok("Return status by organisation", json!({ "type": "object" })) })) },
                "post": { "summary": "Upload a return: checked, and stored unless a dry run (area leads)",
                    "parameters": [code,
                        param("organisation", "query", "The organisation's reference, when the files do not say (census XML never does)", false),
                        param("dry_run", "query", "true: check only, store nothing", false),
                        param("explain_RULE", "query", "An explanation accepting the queries under RULE (e.g. explain_R11=...)", false)],
                    "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object",
                        "properties": { "files": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
                    "responses": with_errors(json!({
                        "200": ok("Accepted (or acceptable, on a dry run): the report", json!({ "$ref": "#/components/schemas/Report" })),
                        "422": ok("Not accepted: the report says why, message by message", json!({ "$ref": "#/components/schemas/Report" })),
                        "400": { "description": "No files in the request" } })) },
            },
        },
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "A personal API token (cws_…)" } },
            "schemas": {
                "Projection": { "type": "object", "properties": {
                    "place": { "type": "string" }, "levers": { "type": "object" },
                    "runs": { "type": "integer" }, "seed": { "type": "integer" },
                    "protected": { "type": "boolean" }, "synthetic": { "type": "boolean" },
                    "projection": { "type": "object", "properties": {
                        "census_year": { "type": "integer" }, "horizon": { "type": "integer" },
                        "areas_with_returns": { "type": "integer" }, "areas": { "type": "integer" },
                        "notes": { "type": "array", "items": { "type": "string" } },
                        "lines": { "type": "array", "items": { "type": "object", "description": "A year and role group (or All role groups): supply_fte, p10, p50, p90, people_p50, demand_fte, gap_p10, gap_p50, gap_p90, gap_pct_p50 (the gap P50 as % of need, a vacancy-rate equivalent); null where suppressed or not known" } } } } } },
                "Table": { "type": "object", "properties": {
                    "title": { "type": "string" }, "census_date": { "type": "string", "format": "date" },
                    "protected": { "type": "boolean" }, "columns": { "type": "array", "items": { "type": "string" } },
                    "rows": { "type": "array", "items": { "type": "object", "description": "One value per column: a number, or a symbol (c suppressed, z not applicable)" } },
                    "footnote": { "type": "string" } } },
                "Report": { "type": "object", "properties": {
                    "accepted": { "type": "boolean" },
                    "messages": { "type": "array", "items": { "type": "object", "properties": {
                        "file": { "type": "string" }, "row": { "type": ["integer", "null"] }, "column": { "type": ["string", "null"] },
                        "value": { "type": ["string", "null"] }, "rule": { "type": "string" }, "severity": { "type": "string" },
                        "text": { "type": "string" }, "fix": { "type": "string" },
                        "not_listed": { "type": "integer", "description": "On the line that stands for the messages of one rule and file beyond the first 100: how many are not listed" } } } } } },
            },
        },
    })
}
