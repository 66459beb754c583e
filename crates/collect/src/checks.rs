//! Rules across the rows of one organisation's return, and against its previous return.

use chrono::NaiveDate;
use cws_domain::collection::Vacancy;
use cws_domain::worker::{ContractType, PersonKey, WorkerRecord};
use cws_store::returns::PreviousTotals;

use crate::report::Message;
use crate::rows::{Post, VacancyRow};
use crate::rules;

/// Duplicate posts (errors), more than 1 FTE across one person's posts, and a person's rows
/// disagreeing on who they are (queries). Returns the messages; duplicates are removed from
/// `posts` so only the first of them would be stored (the return is blocked anyway).
pub fn across_rows(posts: &mut Vec<Post>, census: NaiveDate) -> Vec<Message> {
    let mut messages = Vec::new();
    // Posts in (person, role, position) order: a duplicate follows the first of its kind and
    // a person's posts sit together, so no map of keys is built (there are millions of posts).
    let mut order: Vec<usize> = (0..posts.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (p, q) = (&posts[a].record, &posts[b].record);
        (p.person.as_str(), p.role.as_str(), a).cmp(&(q.person.as_str(), q.role.as_str(), b))
    });
    let mut duplicate = vec![false; posts.len()];
    let mut first = 0;
    for k in 1..order.len() {
        let (a, p) = (&posts[order[first]], &posts[order[k]]);
        if p.record.person == a.record.person && p.record.role == a.record.role {
            duplicate[order[k]] = true;
            messages.push(
                Message::new(
                    &rules::DUPLICATE_POST,
                    &p.file,
                    format!(
                        "This worker reference already has {} post in row {}.",
                        cws_domain::words::with_article(p.record.role.as_str()),
                        a.row
                    ),
                )
                .row(p.row)
                .worker(&p.worker_ref)
                .column("worker_ref")
                .organisation(&p.organisation),
            );
        } else {
            first = k;
        }
    }
    // Each person with more than one post (duplicates aside), their posts in file order.
    let mut people: Vec<Vec<usize>> = Vec::new();
    let kept: Vec<usize> = order.into_iter().filter(|&i| !duplicate[i]).collect();
    for run in kept.chunk_by(|&a, &b| posts[a].record.person == posts[b].record.person) {
        if run.len() > 1 {
            let mut run = run.to_vec();
            run.sort_unstable();
            people.push(run);
        }
    }
    people.sort_by_key(|run| posts[run[0]].row);
    for run in people {
        let rows: Vec<&Post> = run.iter().map(|&i| &posts[i]).collect();
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
                .worker(&first.worker_ref)
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
                    .worker(&first.worker_ref)
                    .column("worker_ref")
                    .organisation(&first.organisation),
            );
        }
    }
    if duplicate.contains(&true) {
        // only the first of each duplicate is kept (the return is blocked anyway)
        let mut i = 0;
        posts.retain(|_| {
            i += 1;
            !duplicate[i - 1]
        });
    }
    messages
}

/// Agency cover against the agency workers who give it: the vacancies' agency-covered FTE
/// adds up to no more than the agency FTE at the census date, as stated in total (a census
/// LA block) or else summed from the agency rows in post.
pub fn agency_cover(
    file: &str,
    organisation: &str,
    workers: &[WorkerRecord],
    vacancies: &[Vacancy],
    census: NaiveDate,
) -> Vec<Message> {
    let cover: f64 = vacancies.iter().map(|v| v.agency_covered_fte).sum();
    if cover <= 0.0 {
        return Vec::new();
    }
    let stated: Option<f64> = vacancies
        .iter()
        .filter_map(|v| v.stated_agency.fte)
        .reduce(|a, b| a + b);
    let agency = stated.unwrap_or_else(|| {
        workers
            .iter()
            .filter(|w| w.contract == ContractType::Agency && w.in_post_on(census))
            .filter_map(|w| w.fte.map(|f| f.get()))
            .sum::<f64>()
            // an empty sum is -0.0
            + 0.0
    });
    // a hundredth of slack for FTE written to two places
    if cover <= agency + 0.005 {
        return Vec::new();
    }
    vec![Message::new(
        &rules::AGENCY_COVER_OVER_AGENCY,
        file,
        format!(
            "Vacancies covered by agency workers add up to {cover:.2} FTE, more than the {agency:.2} FTE of agency workers {}.",
            if stated.is_some() { "the return states" } else { "in post in the return" }
        ),
    )
    .column("agency_covered_fte")
    .value(&format!("{cover:.2}"))
    .organisation(organisation)]
}

/// Vacancies out of proportion to the posts held (a query: a new service may recruit its
/// whole staff at once, but a headcount typed as FTE, or hundredths, looks the same).
pub fn vacancies_plausible(
    file: &str,
    organisation: &str,
    workers: &[WorkerRecord],
    vacancies: &[Vacancy],
    census: NaiveDate,
) -> Vec<Message> {
    let vacant: f64 = vacancies.iter().map(|v| v.fte).sum();
    let in_post: f64 = workers
        .iter()
        .filter(|w| w.contract.is_employed() && w.in_post_on(census))
        .filter_map(|w| w.fte.map(|f| f.get()))
        .sum::<f64>()
        + 0.0;
    if vacant <= in_post.max(10.0) {
        return Vec::new();
    }
    vec![Message::new(
        &rules::VACANCIES_OVER_POSTS,
        file,
        format!(
            "The vacancies add up to {vacant:.2} FTE, more than the {in_post:.2} FTE of employed staff in post."
        ),
    )
    .column("vacancy_fte")
    .value(&format!("{vacant:.2}"))
    .organisation(organisation)]
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
