//! Dashboards: the workforce held in cws for an area, a region or England, by topic —
//! overview, composition, recruitment and retention, age and retirement, diversity against
//! the community, qualifications, returns coverage — each panel a chart (SVG, with title and
//! description), the table behind it, and downloads of both (SVG, PNG, CSV, XLSX).
//!
//! What each panel shows is decided in `cws_analyse::panels`; here they are cached
//! (`cache`), fetched and drawn (`panels`), shown (this module) and downloaded (`download`).
//! Disclosure control applies to everything shown outside the owning area: regions,
//! England, and an area seen by regional or national users.

mod cache;
mod download;
mod panels;
mod view;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::Extension;
pub use cws_analyse::panels::{Panel, Place, Topic};

pub use cache::PanelCache;
pub use download::download;
pub(crate) use panels::{panels, protected, Draw, PanelView};

use crate::access::Viewer;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};
use view::{FilterField, View, ViewQuery, BY_AREA};

/// The path a place's dashboards live under.
fn base(place: &Place) -> String {
    match place {
        Place::Area { code, .. } => format!("/areas/{code}/dashboard"),
        Place::Region { code, .. } => format!("/regions/{code}/dashboard"),
        Place::England => "/england/dashboard".into(),
    }
}

fn topic_of(slug: &str) -> Result<Topic, WebError> {
    Topic::parse(slug)
        .ok()
        .ok_or_else(|| WebError::NotFound(format!("There is no dashboard called '{slug}'.")))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    attribution: &'static str,
    synthetic_banner: bool,
    place_name: String,
    base: String,
    topics: Vec<(&'static str, &'static str, bool)>,
    topic_title: &'static str,
    intro: &'static str,
    census: String,
    protected: bool,
    panels: Vec<PanelView>,
    breadcrumbs: Vec<(String, String)>,
    /// The filters offered (none on the coverage dashboard, which counts organisations).
    fields: Vec<FilterField>,
    /// The part of the workforce shown, in words, when filtered.
    filtered: Option<String>,
    /// `?…` keeping the view in links to other topics and downloads.
    query: String,
    view: View,
    by_area: &'static str,
}

impl DashboardPage {
    /// The slug of the topic shown.
    fn topics_current(&self, topics: &[(&'static str, &'static str, bool)]) -> &'static str {
        topics.iter().find(|t| t.2).map_or("overview", |t| t.0)
    }

    fn sorted_by(&self, column: &str) -> String {
        self.view.sorted_by(column)
    }

    fn aria_sort(&self, column: &str) -> &'static str {
        self.view.aria_sort(column)
    }
}

/// The topic in a dashboard's path.
#[derive(serde::Deserialize)]
pub struct TopicPath {
    topic: String,
}

/// A dashboard of an area, a region or England.
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Path(TopicPath { topic }): Path<TopicPath>,
    Query(query): Query<ViewQuery>,
) -> Result<Html<String>, WebError> {
    let topic = topic_of(&topic)?;
    let view = View::try_from(query)?;
    let protect = protected(viewer.as_ref(), &place);
    let computed = panels(&state, &place, topic, protect, view.filter).await?;
    let views = computed
        .panels
        .iter()
        .map(|p| view.arrange(p).view())
        .collect();
    let breadcrumbs = match &place {
        Place::Area { code, name, .. } => vec![
            ("/".to_string(), "Areas".to_string()),
            (format!("/areas/{code}"), name.clone()),
        ],
        Place::Region { .. } | Place::England => vec![("/".into(), "Areas".into())],
    };
    Ok(Html(
        DashboardPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
                .await?
                .is_some(),
            place_name: place.name().to_string(),
            base: base(&place),
            topics: Topic::ALL
                .iter()
                .map(|t| (t.code(), t.label(), *t == topic))
                .collect(),
            topic_title: topic.label(),
            intro: topic.intro(),
            census: computed.census.clone(),
            protected: protect,
            panels: views,
            breadcrumbs,
            fields: if topic == Topic::Coverage {
                Vec::new()
            } else {
                view.fields()
            },
            filtered: view.filter.describe(),
            query: view.query(),
            view,
            by_area: BY_AREA,
        }
        .render()?,
    ))
}
