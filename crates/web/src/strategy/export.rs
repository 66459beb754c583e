//! The strategy as a document: the print view (HTML, with print styles) and the Word
//! downloads of the strategy and of the board report, from the same blocks.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use cws_plan::framework::Section;

use super::document::{self, Block};
use super::objectives::tracking;
use super::progress::{progress_blocks, report_dates};
use super::{evidence, today, Frame, Here, Loaded, Opened, PageQuery};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "strategy/document.html")]
pub(crate) struct DocumentPage {
    pub attribution: &'static str,
    pub synthetic_banner: bool,
    pub f: Frame,
    pub heading: String,
    pub blocks: Vec<Block>,
    /// The board report's dates (the print view has none).
    pub dates: Option<(String, String)>,
    pub docx: String,
}

async fn strategy_document(state: &AppState, h: &Here, l: &Loaded) -> Result<Vec<Block>, WebError> {
    let mut live = Vec::new();
    for s in [Section::CurrentPosition, Section::WorkforceData] {
        live.push((s, evidence::live(state, &h.place, h.protect, s).await?));
    }
    let t = tracking(state, h, l).await?;
    let projection = super::projection::shown(state, h, l).await?;
    Ok(document::strategy_blocks(
        l,
        &h.area.name,
        &live,
        projection.as_ref(),
        &t,
        today(),
    ))
}

async fn render_print(state: &AppState, h: &Here, l: &Loaded) -> Result<String, WebError> {
    let f = Frame::new(h, &l.strategy, "print", None);
    let docx = format!("{}/export/strategy.docx", f.base());
    Ok(DocumentPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        heading: l.strategy.title.clone(),
        blocks: strategy_document(state, h, l).await?,
        dates: None,
        docx,
        f,
    }
    .render()?)
}

pub async fn print(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
) -> Result<Html<String>, WebError> {
    Ok(Html(render_print(&state, &h, &l).await?))
}

pub async fn export(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, file)): Path<(String, i64, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let (title, blocks, name, contents) = match file.as_str() {
        "strategy.docx" => (
            l.strategy.title.clone(),
            strategy_document(&state, &h, &l).await?,
            format!(
                "workforce-strategy-{}-{}.docx",
                h.area.code,
                l.strategy.period_start.format("%Y")
            ),
            true,
        ),
        "progress.docx" => {
            let censuses = super::evidence::census_dates(&state).await?;
            let (from, to) = report_dates(&l, &q, &censuses).map_err(WebError::Unprocessable)?;
            (
                format!("Board progress report: {}", l.strategy.title),
                progress_blocks(&state, &h, &l, from, to).await?,
                format!("workforce-strategy-progress-{}-{to}.docx", h.area.code),
                // a short report: no contents list
                false,
            )
        }
        _ => {
            return Err(WebError::NotFound(format!(
                "There is no download called '{file}'."
            )))
        }
    };
    // the version is the day of the last change to the text
    let modified = l
        .sections
        .values()
        .map(|s| s.edited_at.clone())
        .max()
        .unwrap_or_else(|| l.strategy.created_at.clone());
    let changed = chrono::DateTime::parse_from_rfc3339(&modified)
        .map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| modified.clone());
    let about = cws_documents::docx::About {
        title,
        author: format!("{} (written in cws)", h.area.name),
        created: l.strategy.created_at.clone(),
        modified,
        version: format!("Version of {changed}, made {}", today().format("%-d %B %Y")),
        contents,
        synthetic: h.synthetic,
    };
    // building the document (and its chart pictures) is CPU work
    let bytes =
        tokio::task::spawn_blocking(move || cws_documents::docx::build(&about, &blocks)).await??;
    tracing::info!(strategy = %id, file = %file, bytes = bytes.len(), "strategy exported");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
