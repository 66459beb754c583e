//! The local workforce strategy through the web application, as the area's lead and its
//! board use it, one part of the strategy per module — over the real router, on both
//! databases.

#[path = "../support/mod.rs"]
mod support;

mod actions;
mod analysis;
mod board;
mod checklist;
mod export;
mod list;
mod objectives;
mod projection;
mod resources;
mod risks;
mod sections;
mod synthetic;

use support::{days_from_today as d, Client, TestApp};

/// The area's strategies.
const AREA: &str = "/areas/E09000027/strategy";

/// Starts a strategy as the lead: the address of its overview.
async fn start(lead: &Client) -> String {
    let to = lead
        .post_ok(
            AREA,
            &[
                ("title", "Richmond workforce strategy"),
                ("start", &d(-200)),
                ("end", &d(900)),
            ],
        )
        .await;
    to.split('?').next().unwrap().to_string()
}

/// The strategy's id in its address.
fn id_of(base: &str) -> cws_store::StrategyId {
    cws_store::StrategyId(base.rsplit('/').next().unwrap().parse().unwrap())
}

/// A strategy with a section, an objective, two actions and a risk, as the lead writes them.
async fn written(lead: &Client) -> String {
    let base = start(lead).await;
    lead.post_ok(
        &format!("{base}/sections/vision"),
        &[("body", "Children meet people who stay and know them.")],
    )
    .await;
    lead.post_ok(
        &format!("{base}/objectives"),
        &[
            ("statement", "Fewer vacancies"),
            ("measure", "vacancy_rate_fte"),
            ("baseline", "8"),
            ("target", "4"),
            ("target_date", &d(500)),
            ("owner", "Head of workforce"),
        ],
    )
    .await;
    lead.post_ok(
        &format!("{base}/actions"),
        &[
            ("title", "Grow-your-own scheme"),
            ("workstream", "Recruitment"),
            ("lead", "PSW"),
            ("due", &d(-3)),
            ("status", "in_progress"),
        ],
    )
    .await;
    lead.post_ok(
        &format!("{base}/actions"),
        &[
            ("title", "Supervision training"),
            ("workstream", "Retention and development"),
            ("lead", "WD manager"),
            ("due", &d(20)),
            ("status", "not_started"),
        ],
    )
    .await;
    lead.post_ok(
        &format!("{base}/risks"),
        &[
            ("description", "Agency rates rise"),
            ("likelihood", "4"),
            ("impact", "5"),
            ("mitigation", "Regional pledge"),
            ("owner", "Director"),
        ],
    )
    .await;
    base
}

/// Every application under test with a workforce, and Richmond's lead signed in to each.
async fn leads_with_workforce() -> Vec<(TestApp, Client)> {
    let mut out = Vec::new();
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        out.push((app, lead));
    }
    out
}

/// The same without a workforce (parts of the strategy that need no figures).
async fn leads() -> Vec<(TestApp, Client)> {
    let mut out = Vec::new();
    for app in TestApp::each().await {
        let lead = app.richmond_lead().await;
        out.push((app, lead));
    }
    out
}
