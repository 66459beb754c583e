//! "How good is the projection?": the backcast on DfE's published social-work figures
//! (`cws_analyse::backcast`), made once per process since it rests only on shipped data.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::{AppState, WebError};

/// The backcast, made once (it rests only on the published figures shipped with cws).
fn backcast() -> &'static cws_analyse::backcast::Report {
    static REPORT: std::sync::OnceLock<cws_analyse::backcast::Report> = std::sync::OnceLock::new();
    REPORT.get_or_init(|| {
        let rows = cws_reference::social_work_indicators().unwrap_or_default();
        cws_analyse::backcast::report(
            &cws_analyse::backcast::places(&rows),
            cws_project::monte_carlo::Options::default(),
        )
    })
}

fn pct(v: f64) -> String {
    format!("{v:.1}%")
}

#[derive(Template)]
#[template(path = "projection_how_good.html")]
struct HowGoodPage {
    attribution: &'static str,
    synthetic_banner: bool,
    fit_last: i32,
    runs: usize,
    seed: u64,
    /// Level, places scored, checks, median error, naive error, inside the band, beat naive.
    levels: Vec<[String; 7]>,
    /// Level, year, years ahead, checks, median error, naive error, inside.
    ahead: Vec<[String; 6]>,
    verdicts: Vec<String>,
    /// Code, place, median error, naive error, years inside the band, verdict.
    places: Vec<(&'static str, [String; 6])>,
    unfit: Vec<(String, String)>,
}

/// How good is the projection? The backcast on DfE's published social-work figures.
pub async fn how_good(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let r = tokio::task::spawn_blocking(backcast).await?;
    let mut levels = Vec::new();
    let mut ahead = Vec::new();
    let mut verdicts = Vec::new();
    for l in &r.levels {
        let Some(s) = l.all else { continue };
        levels.push([
            l.level.to_string(),
            format!("{} of {}", l.places, l.published),
            s.checks.to_string(),
            pct(s.median_error),
            pct(s.median_naive_error),
            pct(s.inside_band),
            format!("{} of {}", l.beating_naive, l.places),
        ]);
        for (years, s) in &l.by_years_ahead {
            ahead.push([
                l.level.to_string(),
                format!(
                    "{} ({} ahead)",
                    r.fit_last + years,
                    if *years == 1 {
                        "1 year".to_string()
                    } else {
                        format!("{years} years")
                    }
                ),
                s.checks.to_string(),
                pct(s.median_error),
                pct(s.median_naive_error),
                pct(s.inside_band),
            ]);
        }
        verdicts.push(format!(
            "{}: the median error, {}, is {} the naive forecast's ({}); the P10 to P90 bands hold {} of what was published, against about 80% for an honest band.",
            l.level,
            pct(s.median_error),
            if s.beats_naive() { "below" } else { "not below" },
            pct(s.median_naive_error),
            pct(s.inside_band)
        ));
    }
    let mut places = Vec::new();
    let mut unfit = Vec::new();
    for p in &r.places {
        match (&p.score, &p.backcast) {
            (Some(s), Some(b)) => places.push((
                p.level,
                [
                    p.code.clone(),
                    p.name.clone(),
                    pct(s.median_error),
                    pct(s.median_naive_error),
                    format!(
                        "{} of {}",
                        b.checks.iter().filter(|c| c.inside()).count(),
                        b.checks.len()
                    ),
                    if s.beats_naive() {
                        "Better than the naive"
                    } else {
                        "Not better than the naive"
                    }
                    .to_string(),
                ],
            )),
            _ => unfit.push((
                p.name.clone(),
                p.unfit.clone().unwrap_or_else(|| "not scored".into()),
            )),
        }
    }
    Ok(Html(
        HowGoodPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: state.holds_synthetic().await?,
            fit_last: r.fit_last,
            runs: r.runs,
            seed: r.seed,
            levels,
            ahead,
            verdicts,
            places,
            unfit,
        }
        .render()?,
    ))
}
