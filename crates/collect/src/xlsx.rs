//! Workbooks cws writes: the worker-return template (guidance, code-list dropdowns, worked
//! examples) and the downloadable validation report.

use cws_domain::role::Role;
use cws_domain::worker::*;
use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Workbook, XlsxError};

use crate::report::{Message, REPORT_COLUMNS};
use crate::rules;
use crate::template::{Column, VACANCY_COLUMNS, WORKER_COLUMNS};

/// Sheets in a template that hold no data; the importer skips them.
pub const NON_DATA_SHEETS: &[&str] = &["Guidance", "Examples", "Codes", "Rules"];

fn err(e: XlsxError) -> crate::CollectError {
    crate::CollectError::Write {
        path: "workbook".into(),
        message: e.to_string(),
    }
}

/// The codes a template column allows, if it has a code list.
pub fn code_list(column: &str, roles: &[Role]) -> Option<Vec<String>> {
    fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|x| code(*x).to_string()).collect()
    }
    Some(match column {
        "role_code" => roles.iter().map(|r| r.code.to_string()).collect(),
        "contract_type" => codes(ContractType::ALL, ContractType::code),
        "leaving_reason" => codes(LeavingReason::ALL, LeavingReason::code),
        "leaving_destination" => codes(Destination::ALL, Destination::code),
        "sex" => codes(Sex::ALL, Sex::code),
        "ethnicity" => codes(Ethnicity::ALL, Ethnicity::code),
        "disability" => codes(Disability::ALL, Disability::code),
        "highest_qualification_level" => codes(QualLevel::ALL, QualLevel::code),
        "multi_agency_team" => codes(MultiAgency::ALL, MultiAgency::code),
        "vetting_check" => codes(VettingType::ALL, VettingType::code),
        "common_core" | "induction" | "caf_trained" | "lead_professional" | "budget_holding" => {
            vec!["yes".into(), "no".into()]
        }
        _ => return None,
    })
}

/// What a code means, in words.
pub fn code_label(column: &str, code: &str, roles: &[Role]) -> String {
    fn label<T: Copy>(
        parse: fn(&str) -> Result<T, cws_domain::UnknownCode>,
        label: fn(T) -> &'static str,
        code: &str,
    ) -> String {
        parse(code).map(label).unwrap_or_default().to_string()
    }
    match column {
        "role_code" => roles
            .iter()
            .find(|r| r.code.as_str() == code)
            .map(|r| r.title.clone())
            .unwrap_or_default(),
        "contract_type" => label(ContractType::parse, ContractType::label, code),
        "leaving_reason" => label(LeavingReason::parse, LeavingReason::label, code),
        "leaving_destination" => label(Destination::parse, Destination::label, code),
        "sex" => label(Sex::parse, Sex::label, code),
        "ethnicity" => label(Ethnicity::parse, Ethnicity::label, code),
        "disability" => label(Disability::parse, Disability::label, code),
        "highest_qualification_level" => label(QualLevel::parse, QualLevel::label, code),
        "multi_agency_team" => label(MultiAgency::parse, MultiAgency::label, code),
        "vetting_check" => label(VettingType::parse, VettingType::label, code),
        _ => String::new(),
    }
}

fn col_letter(mut c: u16) -> String {
    let mut s = String::new();
    c += 1;
    while c > 0 {
        let r = (c - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        c = (c - 1) / 26;
    }
    s
}

/// Worked examples for the Examples sheet: a permanent social worker, a part-time nursery
/// practitioner who left in the year, and a volunteer.
const EXAMPLES: &[&[(&str, &str)]] = &[
    &[
        ("worker_ref", "EMP0001"),
        ("role_code", "SC-SW"),
        ("fte", "1"),
        ("contract_type", "permanent"),
        ("start_date", "2019-04-01"),
        ("birth_year", "1986"),
        ("sex", "F"),
        ("ethnicity", "BAFR"),
        ("disability", "no"),
        ("highest_qualification_level", "6"),
        ("qualifications", "SWDEG"),
        ("common_core", "yes"),
        ("induction", "yes"),
        ("caf_trained", "yes"),
        ("lead_professional", "yes"),
        ("multi_agency_team", "co_located"),
        ("vetting_check", "enhanced_barred"),
        ("vetting_date", "2023-03-14"),
        ("working_days_lost", "4"),
        ("cases_held", "17"),
    ],
    &[
        ("worker_ref", "EMP0002"),
        ("role_code", "EY-PRAC3"),
        ("fte", "0.6"),
        ("contract_type", "permanent"),
        ("start_date", "2021-09-01"),
        ("leaving_date", "2025-07-18"),
        ("leaving_reason", "1"),
        ("leaving_destination", "5"),
        ("birth_year", "1999"),
        ("sex", "F"),
        ("ethnicity", "WBRI"),
        ("disability", "not_disclosed"),
        ("highest_qualification_level", "3"),
        ("common_core", "yes"),
        ("induction", "yes"),
        ("vetting_check", "enhanced_barred"),
        ("vetting_date", "2021-08-02"),
        ("working_days_lost", "2.5"),
    ],
    &[
        ("worker_ref", "VOL0017"),
        ("role_code", "VOL-MENTOR"),
        ("contract_type", "volunteer"),
        ("start_date", "2024-01-10"),
        ("birth_year", "1961"),
        ("sex", "M"),
        ("ethnicity", "REFU"),
        ("disability", "unknown"),
        ("vetting_check", "enhanced"),
        ("vetting_date", "2024-01-05"),
    ],
];

/// The worker-return template as an XLSX workbook. `organisation` is (reference, name) when
/// the template is for one organisation.
pub fn template(
    roles: &[Role],
    organisation: Option<(&str, &str)>,
) -> Result<Vec<u8>, crate::CollectError> {
    template_filled(roles, organisation, &[], &[])
}

/// The template, its Workers and Vacancies sheets filled with rows (each as the columns'
/// cells, for example the posts cws holds for the organisation).
pub fn template_filled(
    roles: &[Role],
    organisation: Option<(&str, &str)>,
    worker_rows: &[Vec<String>],
    vacancy_rows: &[Vec<String>],
) -> Result<Vec<u8>, crate::CollectError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x1D70B8))
        .set_font_color(Color::White);
    let wrap = Format::new().set_text_wrap();
    let title = Format::new().set_bold().set_font_size(16);

    // Guidance first: it is what a person opening the file sees.
    {
        let s = book.add_worksheet().set_name("Guidance").map_err(err)?;
        s.write_string_with_format(
            0,
            0,
            "cws worker return: how to fill in this workbook",
            &title,
        )
        .map_err(err)?;
        let mut r = 2;
        // each instruction across the four columns of the table below, its row tall enough
        // for its lines: a merged cell never grows to fit by itself
        let across = wrap.clone().set_align(rust_xlsxwriter::FormatAlign::Top);
        let mut line = |s: &mut rust_xlsxwriter::Worksheet, text: &str| -> Result<(), XlsxError> {
            s.merge_range(r, 0, r, 3, text, &across)?;
            let lines = (text.chars().count() as f64 / 130.0).ceil().max(1.0);
            s.set_row_height(r, 15.0 * lines + 4.0)?;
            r += 1;
            Ok(())
        };
        if let Some((reference, name)) = organisation {
            line(s, &format!("This template is for {name} (organisation reference {reference}). Put {reference} in the organisation_ref column of every row.")).map_err(err)?;
        }
        if !worker_rows.is_empty() {
            line(s, &format!("The Workers sheet holds the {} posts cws already has for you. Their worker_ref starts with \"cws:\": keep it as it is, so cws knows them as the same people. Change what has changed, add a leaving date for those who left, and add new posts with your own staff or payroll number.", worker_rows.len())).map_err(err)?;
        }
        for text in [
            "1. On the Workers sheet, add one row for each post held at any time in the census year (the year to the census date, normally 30 September), including people who left during the year. A person with two posts has two rows with the same worker_ref.",
            "2. Use your own staff or payroll number as worker_ref. It is pseudonymised when cws receives it: cws never stores it as you gave it. Do not put names or National Insurance numbers in any column.",
            "3. Coded columns have drop-down lists; the Codes sheet lists every code with its meaning. If something is not known, use the 'not known' code where the column has one (sex U, ethnicity NOBT, disability unknown), or leave an optional cell blank.",
            "4. On the Vacancies sheet, add one row for each role with vacant posts at the census date, with the FTE vacant and how much of it agency staff cover.",
            "5. The Examples sheet shows three filled-in rows. Columns are matched by their header name, so you can reorder them, but do not rename them.",
            "6. Upload the workbook in cws, or run: cws import FILE --area CODE. You will see every problem with its row, column and how to fix it before anything is saved.",
        ] {
            line(s, text).map_err(err)?;
        }
        r += 1;
        for (c, h) in ["Column", "Required", "Allowed values", "Guidance"]
            .iter()
            .enumerate()
        {
            s.write_string_with_format(r, c as u16, *h, &header)
                .map_err(err)?;
        }
        r += 1;
        for (sheet, columns) in [("Workers", WORKER_COLUMNS), ("Vacancies", VACANCY_COLUMNS)] {
            s.write_string_with_format(r, 0, format!("{sheet} sheet"), &bold)
                .map_err(err)?;
            r += 1;
            for c in columns {
                s.write_string(r, 0, c.name).map_err(err)?;
                s.write_string(r, 1, if c.required { "yes" } else { "no" })
                    .map_err(err)?;
                s.write_string_with_format(r, 2, c.format, &wrap)
                    .map_err(err)?;
                s.write_string_with_format(r, 3, c.guidance, &wrap)
                    .map_err(err)?;
                // as tall as its longest wrapped cell (the widths are set below)
                let lines = (c.format.chars().count() as f64 / 38.0)
                    .max(c.guidance.chars().count() as f64 / 68.0)
                    .ceil()
                    .max(1.0);
                s.set_row_height(r, 15.0 * lines + 2.0).map_err(err)?;
                r += 1;
            }
        }
        s.set_column_width(0, 28).map_err(err)?;
        s.set_column_width(1, 10).map_err(err)?;
        s.set_column_width(2, 40).map_err(err)?;
        s.set_column_width(3, 70).map_err(err)?;
        // printed on A4 across, as wide as the page
        s.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
    }

    // Codes: one column per code list, referenced by the drop-downs.
    let mut list_ranges: Vec<(&'static str, String)> = Vec::new();
    {
        let s = book.add_worksheet().set_name("Codes").map_err(err)?;
        let mut c = 0u16;
        for col in WORKER_COLUMNS {
            let Some(codes) = code_list(col.name, roles) else {
                continue;
            };
            s.write_string_with_format(0, c, col.name, &header)
                .map_err(err)?;
            s.write_string_with_format(0, c + 1, "meaning", &header)
                .map_err(err)?;
            let (mut code_width, mut meaning_width) = (col.name.len(), "meaning".len());
            for (i, code) in codes.iter().enumerate() {
                let meaning = code_label(col.name, code, roles);
                code_width = code_width.max(code.chars().count());
                meaning_width = meaning_width.max(meaning.chars().count());
                s.write_string(i as u32 + 1, c, code).map_err(err)?;
                s.write_string(i as u32 + 1, c + 1, meaning).map_err(err)?;
            }
            // every code and meaning whole, not cut by the next column
            s.set_column_width(c, code_width as f64 + 2.0)
                .map_err(err)?;
            s.set_column_width(c + 1, (meaning_width as f64 + 2.0).min(60.0))
                .map_err(err)?;
            s.set_column_width(c + 2, 3).map_err(err)?;
            let letter = col_letter(c);
            list_ranges.push((
                col.name,
                format!("=Codes!${letter}$2:${letter}${}", codes.len() + 1),
            ));
            c += 3;
        }
        s.set_freeze_panes(1, 0).map_err(err)?;
        s.set_paper_size(9)
            .set_landscape()
            .set_repeat_rows(0, 0)
            .map_err(err)?;
    }

    let data_sheet = |book: &mut Workbook,
                      name: &str,
                      columns: &'static [Column],
                      lists: &[(&'static str, String)]|
     -> Result<(), XlsxError> {
        let s = book.add_worksheet().set_name(name)?;
        for (i, c) in columns.iter().enumerate() {
            s.write_string_with_format(0, i as u16, c.name, &header)?;
            s.set_column_width(i as u16, (c.name.len() as f64 + 4.0).max(12.0))?;
            if let Some((_, formula)) = lists.iter().find(|(n, _)| *n == c.name) {
                let v = DataValidation::new()
                    .allow_list_formula(Formula::new(formula))
                    .set_error_title("Not a code in the list")?
                    .set_error_message(format!(
                        "Choose {} code from the list (see the Codes sheet).",
                        cws_domain::words::with_article(c.name)
                    ))?;
                s.add_data_validation(1, i as u16, 100_000, i as u16, &v)?;
            }
        }
        s.set_freeze_panes(1, 0)?;
        s.set_paper_size(9).set_landscape().set_repeat_rows(0, 0)?;
        Ok(())
    };
    data_sheet(&mut book, "Workers", WORKER_COLUMNS, &list_ranges).map_err(err)?;
    data_sheet(&mut book, "Vacancies", VACANCY_COLUMNS, &list_ranges).map_err(err)?;
    for (sheet, rows) in [("Workers", worker_rows), ("Vacancies", vacancy_rows)] {
        let s = book.worksheet_from_name(sheet).map_err(err)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    s.write_string(r as u32 + 1, c as u16, cell).map_err(err)?;
                }
            }
        }
    }

    {
        let s = book.add_worksheet().set_name("Examples").map_err(err)?;
        s.write_string_with_format(
            0,
            0,
            "Worked examples (not imported): copy the pattern onto the Workers sheet.",
            &bold,
        )
        .map_err(err)?;
        for (i, c) in WORKER_COLUMNS.iter().enumerate() {
            s.write_string_with_format(2, i as u16, c.name, &header)
                .map_err(err)?;
            s.set_column_width(i as u16, (c.name.len() as f64 + 4.0).max(12.0))
                .map_err(err)?;
        }
        s.set_freeze_panes(3, 0).map_err(err)?;
        s.set_paper_size(9)
            .set_landscape()
            .set_repeat_rows(2, 2)
            .map_err(err)?;
        let org = organisation.map(|o| o.0).unwrap_or("NURSERY-017");
        for (r, example) in EXAMPLES.iter().enumerate() {
            for (i, c) in WORKER_COLUMNS.iter().enumerate() {
                let v = if c.name == "organisation_ref" {
                    org
                } else {
                    example
                        .iter()
                        .find(|(n, _)| *n == c.name)
                        .map(|x| x.1)
                        .unwrap_or("")
                };
                s.write_string(3 + r as u32, i as u16, v).map_err(err)?;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

/// The validation report as a workbook: the messages, and the rules they cite.
pub fn report(messages: &[Message]) -> Result<Vec<u8>, crate::CollectError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold();
    let s = book.add_worksheet().set_name("Report").map_err(err)?;
    for (i, h) in REPORT_COLUMNS.iter().enumerate() {
        s.write_string_with_format(0, i as u16, *h, &header)
            .map_err(err)?;
    }
    for (r, m) in messages.iter().enumerate() {
        for (i, cell) in m.cells().iter().enumerate() {
            match (i, m.row) {
                (3, Some(row)) => s.write_number(r as u32 + 1, 3, row as f64).map_err(err)?,
                _ => s.write_string(r as u32 + 1, i as u16, cell).map_err(err)?,
            };
        }
    }
    s.set_freeze_panes(1, 0).map_err(err)?;
    s.set_autofit_max_width(80).autofit();
    let s = book.add_worksheet().set_name("Rules").map_err(err)?;
    for (i, h) in ["rule", "severity", "applies to", "checks", "how to fix"]
        .iter()
        .enumerate()
    {
        s.write_string_with_format(0, i as u16, *h, &header)
            .map_err(err)?;
    }
    for (r, rule) in rules::ALL.iter().enumerate() {
        let r = r as u32 + 1;
        s.write_string(r, 0, rule.code).map_err(err)?;
        s.write_string(r, 1, rule.severity.label()).map_err(err)?;
        s.write_string(r, 2, rule.scope.label()).map_err(err)?;
        s.write_string(r, 3, rule.checks).map_err(err)?;
        s.write_string(r, 4, rule.fix).map_err(err)?;
    }
    s.set_autofit_max_width(80).autofit();
    book.save_to_buffer().map_err(err)
}
