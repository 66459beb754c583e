//! The validation rules, every one with its stable code (public).

use askama::Template;
use axum::response::Html;
use cws_collect::rules;

use crate::WebError;

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    attribution: &'static str,
    synthetic_banner: bool,
    rules: &'static [rules::Rule],
}

pub async fn rules_page() -> Result<Html<String>, WebError> {
    Ok(Html(
        RulesPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            rules: rules::ALL,
        }
        .render()?,
    ))
}
