//! Rules across the rows of one organisation's return, and against its previous return.

use std::collections::HashMap;

use chrono::NaiveDate;
use cws_domain::worker::{ContractType, PersonKey};
use cws_store::returns::PreviousTotals;

use crate::report::Message;
use crate::rows::{Post, VacancyRow};
use crate::rules;

/// Duplicate posts (errors), more than 1 FTE across one person's posts, and a person's rows
/// disagreeing on who they are (queries). Returns the messages; duplicates are removed from
/// `posts` so only the first of them would be stored (the return is blocked anyway).
pub fn across_rows(posts: &mut Vec<Post>, census: NaiveDate) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut seen: HashMap<(PersonKey, String), u64> = HashMap::with_capacity(posts.len());
    posts.retain(|p| {
        let key = (p.record.person.clone(), p.record.role.as_str().to_string());
        match seen.get(&key) {
            Some(first) => {
                messages.push(
                    Message::new(
                        &rules::DUPLICATE_POST,
                        &p.file,
                        format!(
                            "This worker reference already has a {} post in row {first}.",
                            p.record.role
                        ),
                    )
                    .row(p.row)
                    .column("worker_ref")
                    .organisation(&p.organisation),
                );
                false
            }
            None => {
                seen.insert(key, p.row);
                true
            }
        }
    });
    let mut by_person: HashMap<&PersonKey, Vec<&Post>> = HashMap::new();
    for p in posts.iter() {
        by_person.entry(&p.record.person).or_default().push(p);
    }
    let mut people: Vec<_> = by_person.into_values().filter(|v| v.len() > 1).collect();
    people.sort_by_key(|v| v[0].row);
    for rows in people {
        let first = rows[0];
        let fte: f64 = rows
            .iter()
            .filter(|p| p.record.in_post_on(census) && p.record.contract != ContractType::Agency)
            .filter_map(|p| p.record.fte.map(|f| f.get()))
            .sum();
        let row_list = rows
            .iter()
            .map(|p| p.row.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if fte > 1.0 + 1e-9 {
            messages.push(
                Message::new(
                    &rules::FTE_OVER_ONE,
                    &first.file,
                    format!("This person's posts in rows {row_list} add up to {fte:.2} FTE."),
                )
                .row(first.row)
                .column("fte")
                .value(&format!("{fte:.2}"))
                .organisation(&first.organisation),
            );
        }
        let differs = rows.iter().any(|p| {
            p.record.birth_year != first.record.birth_year
                || p.record.sex != first.record.sex
                || p.record.ethnicity != first.record.ethnicity
        });
        if differs {
            messages.push(
                Message::new(&rules::PERSON_INCONSISTENT, &first.file, format!("This person's rows {row_list} give different years of birth, sex or ethnicity."))
                    .row(first.row)
                    .column("worker_ref")
                    .organisation(&first.organisation),
            );
        }
    }
    messages
}

/// Headcount and vacancy swings against the previous census (queries).
pub fn against_previous(
    file: &str,
    organisation: &str,
    posts: &[Post],
    vacancies: &[VacancyRow],
    census: NaiveDate,
    previous: &PreviousTotals,
) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut people: Vec<&PersonKey> = posts
        .iter()
        .filter(|p| p.record.in_post_on(census) && p.record.contract != ContractType::Agency)
        .map(|p| &p.record.person)
        .collect();
    people.sort();
    people.dedup();
    let now = people.len() as i64;
    let before = previous.headcount;
    let change = (now - before).abs();
    if change >= 5 && (before == 0 || change as f64 > 0.25 * before as f64) {
        messages.push(
            Message::new(
                &rules::HEADCOUNT_SWING,
                file,
                format!(
                    "Headcount in post is {now}; it was {before} at the census on {}.",
                    previous.census_date
                ),
            )
            .value(&now.to_string())
            .organisation(organisation),
        );
    }
    let vac: f64 = vacancies.iter().map(|v| v.vacancy.fte).sum();
    let before = previous.vacancy_fte;
    let change = (vac - before).abs();
    if change >= 5.0 && (before == 0.0 || change > 0.5 * before) {
        messages.push(
            Message::new(
                &rules::VACANCY_SWING,
                file,
                format!(
                    "Vacancies are {vac:.1} FTE; they were {before:.1} FTE at the census on {}.",
                    previous.census_date
                ),
            )
            .value(&format!("{vac:.1}"))
            .organisation(organisation),
        );
    }
    messages
}
