//! Setting a target: adopting a national one with the area's own deadline, or the area's
//! own on any cws figure. The baseline is the figure at the latest census; a target that
//! cannot be is refused field by field, and nothing is kept.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use cws_analyse::scoped::Scoped;
use cws_plan::targets::{Direction, NationalTarget, Point, Target, Trajectory};

use super::{area_of, render, with_held, TargetForm};
use crate::access::Viewer;
use crate::forms::Problems;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// A target as the form sets it, before its baseline is taken.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewTarget {
    pub national_key: Option<String>,
    pub title: String,
    pub target: Target,
}

/// Field problems: the field's id on the page and the message.
type FieldProblems = Vec<(String, String)>;

/// A date typed as YYYY-MM-DD (the browser's date field) or as "30 9 2030".
fn date(typed: &str) -> Option<NaiveDate> {
    let t = typed.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d %m %Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .ok()
}

/// Milestones, one a line: a date and a value ("2028-09-30 60").
fn milestones(typed: &str, problems: &mut Vec<String>) -> Vec<Point> {
    let mut out = Vec::new();
    for (n, line) in typed.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parsed = line.rsplit_once(char::is_whitespace).and_then(|(d, v)| {
            Some(Point {
                date: date(d)?,
                value: v.trim().trim_end_matches('%').parse::<f64>().ok()?,
            })
        });
        match parsed {
            Some(p) if p.value.is_finite() => out.push(p),
            _ => problems.push(format!(
                "Milestone line {} ('{line}') must be a date and a value, like 2028-09-30 60.",
                n + 1
            )),
        }
    }
    out
}

impl NewTarget {
    /// The target a form sets, adopting from `catalogue`; every problem by its field, the
    /// adopting form's fields with the prefix `adopt-`. `today`: a deadline must be after it.
    pub(crate) fn from_form(
        form: &TargetForm,
        catalogue: &[NationalTarget],
        today: NaiveDate,
    ) -> Result<NewTarget, FieldProblems> {
        let adopting = !form.national.trim().is_empty();
        let id = |field: &str| {
            if adopting {
                format!("adopt-{field}")
            } else {
                field.to_string()
            }
        };
        let mut errors: FieldProblems = Vec::new();
        let mut say = |field: &str, message: String| errors.push((id(field), message));
        let deadline = match form.deadline.trim() {
            "" => {
                say(
                    "deadline",
                    "Enter the date the target is to be met by.".into(),
                );
                None
            }
            typed => match date(typed) {
                Some(d) if d > today => Some(d),
                Some(d) => {
                    say(
                        "deadline",
                        format!(
                            "The deadline must be after today (you entered {}).",
                            d.format("%-d %B %Y")
                        ),
                    );
                    None
                }
                None => {
                    say(
                        "deadline",
                        format!(
                            "The deadline must be a real date, like 30 September 2030 (you entered '{typed}')."
                        ),
                    );
                    None
                }
            },
        };
        let mut milestone_problems = Vec::new();
        let points = milestones(&form.milestones, &mut milestone_problems);
        for m in milestone_problems {
            say("milestones", m);
        }
        let (national_key, title, figure, kind, direction, value) = if adopting {
            let Some(t) = catalogue
                .iter()
                .find(|t| t.key == form.national.trim() && !t.national)
                .and_then(|t| Some((t, t.target()?)))
            else {
                say(
                    "national",
                    "Choose one of the national targets listed: cws measures those.".into(),
                );
                return Err(errors);
            };
            let title = match form.title.trim() {
                "" => t.0.title.clone(),
                typed => typed.to_string(),
            };
            (
                Some(t.0.key.clone()),
                title,
                t.1.figure,
                t.1.kind,
                t.1.direction,
                Some(t.1.value),
            )
        } else {
            let title = form.title.trim().to_string();
            if title.is_empty() {
                say(
                    "title",
                    "Enter a title for the target, like “Social work vacancy rate under 10%”."
                        .into(),
                );
            }
            let code = match form.part.trim() {
                "" => form.measure.trim().to_string(),
                part => format!("{}@{part}", form.measure.trim()),
            };
            let scoped = if form.measure.trim().is_empty() {
                say("measure", "Choose the figure the target is set on.".into());
                None
            } else {
                match Scoped::parse(&code) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        say(
                            if e.to_string().contains("measure") {
                                "measure"
                            } else {
                                "part"
                            },
                            format!("{}.", crate::error::capitalised(&e.to_string())),
                        );
                        None
                    }
                }
            };
            let direction = match form.direction.trim() {
                "at_least" => Some(Direction::AtLeast),
                "at_most" => Some(Direction::AtMost),
                _ => {
                    say(
                        "direction",
                        "Choose whether the figure is to reach at least or at most the value."
                            .into(),
                    );
                    None
                }
            };
            let mut p = Problems::default();
            let value = p.number(&form.value, "The value");
            if form.value.trim().is_empty() {
                p.push("Enter the value the figure is to reach.");
            }
            for m in p.0 {
                say("value", m);
            }
            match (scoped, direction) {
                (Some(s), Some(d)) => (
                    None,
                    title,
                    s.code(),
                    cws_analyse::targets::kind_of(&s),
                    d,
                    value,
                ),
                _ => return Err(errors),
            }
        };
        let (Some(deadline), Some(value)) = (deadline, value) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let target = Target {
            figure,
            kind,
            direction,
            value,
            deadline,
            baseline: None,
            milestones: points,
            trajectory: Trajectory::Linear,
        }
        .checked()
        .map_err(|e| {
            let field = if e.to_string().contains("milestone") {
                "milestones"
            } else {
                "value"
            };
            vec![(
                id(field),
                format!("{}.", crate::error::capitalised(&e.to_string())),
            )]
        })?;
        Ok(NewTarget {
            national_key,
            title,
            target,
        })
    }
}

/// Sets a target for the area: its baseline the figure at the latest census.
pub async fn set(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Form(form): Form<TargetForm>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place).await?;
    let catalogue =
        cws_plan::targets::national_targets().map_err(|e| WebError::Internal(e.to_string()))?;
    let today = chrono::Local::now().date_naive();
    let which = if form.national.trim().is_empty() {
        "own"
    } else {
        "national"
    };
    let new = match NewTarget::from_form(&form, &catalogue, today) {
        Ok(n) => n,
        Err(errors) => {
            return render(
                &state,
                viewer.as_ref(),
                &place,
                Some((which, form, errors)),
                None,
            )
            .await
        }
    };
    let scoped =
        Scoped::parse(&new.target.figure).map_err(|e| WebError::Internal(e.to_string()))?;
    let code = area.code.clone();
    let baseline = with_held(&state, move |held| {
        Ok(cws_analyse::targets::figure_now(held, &code, &scoped)?)
    })
    .await?
    .flatten();
    let target = Target {
        baseline,
        ..new.target
    };
    let by = viewer.as_ref().map(|v| v.email.as_str()).unwrap_or("");
    match cws_store::targets::add_target(
        &state.db,
        area.id,
        new.national_key.as_deref(),
        &new.title,
        &target,
        by,
    )
    .await
    {
        Ok(id) => {
            tracing::info!(area = %area.code, target = id.0, "target set");
            Ok((
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    format!("/areas/{}/targets?saved=set#target-{}", area.code, id.0),
                )],
            )
                .into_response())
        }
        Err(cws_store::StoreError::Refused(message)) => {
            let field = if which == "national" {
                "adopt-title"
            } else {
                "title"
            };
            let errors = vec![(
                field.to_string(),
                format!("{}.", crate::error::capitalised(&message)),
            )];
            render(
                &state,
                viewer.as_ref(),
                &place,
                Some((which, form, errors)),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> TargetForm {
        let q = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&q).unwrap()
    }

    #[test]
    fn a_national_target_is_adopted_with_the_area_s_deadline() {
        let catalogue = cws_plan::targets::national_targets().unwrap();
        let today = d(2026, 12, 2);
        let n = NewTarget::from_form(
            &form(&[
                ("national", "graduate_full_day_care"),
                ("deadline", "2030-09-30"),
            ]),
            &catalogue,
            today,
        )
        .unwrap();
        assert_eq!(n.national_key.as_deref(), Some("graduate_full_day_care"));
        assert_eq!(
            n.title,
            "A graduate Early Years Professional in every full day care setting"
        );
        assert_eq!(n.target.figure, "settings_with_graduate_leader_pct");
        assert_eq!(n.target.kind, cws_plan::targets::Kind::Coverage);
        assert_eq!(n.target.deadline, d(2030, 9, 30));
        // a count for England alone, or one cws cannot measure, is not adopted
        for key in ["playworkers_level3", "school_nurse_clusters", "nonsense"] {
            let e = NewTarget::from_form(
                &form(&[("national", key), ("deadline", "2030-09-30")]),
                &catalogue,
                today,
            )
            .unwrap_err();
            assert_eq!(e[0].0, "adopt-national", "{key}");
        }
        // a deadline passed, or not a date
        let e = NewTarget::from_form(
            &form(&[
                ("national", "graduate_full_day_care"),
                ("deadline", "2020-01-01"),
            ]),
            &catalogue,
            today,
        )
        .unwrap_err();
        assert_eq!(
            e,
            vec![(
                "adopt-deadline".to_string(),
                "The deadline must be after today (you entered 1 January 2020).".to_string()
            )]
        );
    }

    #[test]
    fn an_own_target_names_every_problem_by_its_field() {
        let catalogue = cws_plan::targets::national_targets().unwrap();
        let today = d(2026, 12, 2);
        let ok = NewTarget::from_form(
            &form(&[
                ("title", "Social work vacancy rate under 10%"),
                ("measure", "vacancy_rate_fte"),
                ("part", "role_group:social_workers"),
                ("direction", "at_most"),
                ("value", "10%"),
                ("deadline", "30 9 2028"),
                ("milestones", "2027-09-30 15\n\n2028-03-31 12"),
            ]),
            &catalogue,
            today,
        )
        .unwrap();
        assert_eq!(
            ok.target.figure,
            "vacancy_rate_fte@role_group:social_workers"
        );
        assert_eq!(ok.target.kind, cws_plan::targets::Kind::Share);
        assert_eq!(ok.target.direction, Direction::AtMost);
        assert_eq!(ok.target.value, 10.0);
        assert_eq!(ok.target.milestones.len(), 2);
        let count = NewTarget::from_form(
            &form(&[
                ("title", "Playworkers at Level 3"),
                ("measure", "level3_plus_headcount"),
                ("part", "role_group:play"),
                ("direction", "at_least"),
                ("value", "40"),
                ("deadline", "2029-03-31"),
            ]),
            &catalogue,
            today,
        )
        .unwrap();
        assert_eq!(count.target.kind, cws_plan::targets::Kind::Count);
        let e = NewTarget::from_form(
            &form(&[
                ("measure", "astronauts"),
                ("value", "lots"),
                ("deadline", "31 2 2028"),
                ("milestones", "soon"),
            ]),
            &catalogue,
            today,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "deadline",
                "milestones",
                "title",
                "measure",
                "direction",
                "value"
            ]
        );
        assert!(e[0].1.contains("(you entered '31 2 2028')"), "{e:?}");
        assert!(e[3].1.contains("'astronauts'"), "{e:?}");
        assert!(e[5].1.contains("(you entered 'lots')"), "{e:?}");
    }
}
