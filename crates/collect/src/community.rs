//! Reading a community comparator: a population by Census 2021 ethnic group (20 categories)
//! for each geography, in the layout of an ONS custom-dataset download — a geography code
//! and name, the ethnic group code and label, and a count (`Observation`). Any other columns
//! (an age band, say) are summed over, so a download restricted to children or to working
//! ages gives that population by geography and group.

use std::collections::BTreeMap;
use std::path::Path;

use cws_store::community::ComparatorRow;

use crate::read;

/// Why a comparator file was refused. Each names the file, and the row, column and value
/// where there is one, what is wrong and how to fix it.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ComparatorError {
    #[error("{file}: {problem} Fix: {fix}")]
    File {
        file: String,
        problem: String,
        fix: &'static str,
    },
    #[error("{file}, row {row}, column '{column}', value '{value}': {problem} Fix: {fix}")]
    Cell {
        file: String,
        row: u64,
        column: String,
        value: String,
        problem: String,
        fix: &'static str,
    },
}

const LAYOUT: &str = "download the data from ONS (Census 2021, 'Ethnic group (20 categories)' by \
                      upper-tier local authority) as CSV, with the geography code and name, the \
                      ethnic group code and label, and the Observation column";

/// Reads a comparator file into one row per geography and ethnic group.
pub fn read_comparator(path: &Path) -> Result<Vec<ComparatorRow>, ComparatorError> {
    let mut table = read::open_csv(path).map_err(|m| ComparatorError::File {
        file: m.file.clone(),
        problem: m.text.clone(),
        fix: "check the file is a CSV file that can be opened",
    })?;
    let file = table.file.clone();
    let headers: Vec<String> = table.headers.iter().map(|h| h.trim().to_string()).collect();
    let lower: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
    let find = |pred: &dyn Fn(&str) -> bool, what: &str| {
        lower
            .iter()
            .position(|h| pred(h))
            .ok_or_else(|| ComparatorError::File {
                file: file.clone(),
                problem: format!(
                    "there is no {what} column (the columns are: {}).",
                    headers.join(", ")
                ),
                fix: LAYOUT,
            })
    };
    let group_code = find(
        &|h| h.contains("ethnic") && h.ends_with("code"),
        "ethnic group code",
    )?;
    let group_label = find(
        &|h| h.contains("ethnic") && !h.ends_with("code"),
        "ethnic group",
    )?;
    let geo_code = find(
        &|h| h.ends_with("code") && !h.contains("ethnic") && !h.contains("age"),
        "geography code",
    )?;
    let geo_name_header = lower[geo_code].trim_end_matches("code").trim().to_string();
    let geo_name = lower
        .iter()
        .position(|h| *h == geo_name_header)
        .unwrap_or(geo_code);
    let count = find(
        &|h| matches!(h, "observation" | "count" | "persons" | "value"),
        "count ('Observation')",
    )?;

    let mut sums: BTreeMap<(String, i64), (String, String, i64)> = BTreeMap::new();
    while let Some(row) = table.next_row() {
        let (row, cells) = row.map_err(|m| ComparatorError::File {
            file: file.clone(),
            problem: m.text,
            fix: LAYOUT,
        })?;
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let bad = |col: usize, problem: String, fix: &'static str| ComparatorError::Cell {
            file: file.clone(),
            row,
            column: headers[col].clone(),
            value: cell(col).to_string(),
            problem,
            fix,
        };
        let code = cell(geo_code);
        let valid_code = code.len() == 9
            && code.starts_with(['E', 'W', 'S', 'N', 'K'])
            && code[1..].chars().all(|c| c.is_ascii_digit());
        if !valid_code {
            return Err(bad(
                geo_code,
                "this is not a GSS geography code.".into(),
                "use the nine-character ONS code of the area, region or country, e.g. E09000027",
            ));
        }
        let category: i64 = match cell(group_code).parse() {
            Ok(-8) => continue, // ONS's "Does not apply"
            Ok(c @ 1..=19) => c,
            _ => {
                return Err(bad(
                    group_code,
                    "this is not a Census 2021 ethnic group code (1 to 19).".into(),
                    "use the 'Ethnic group (20 categories)' classification",
                ))
            }
        };
        let persons: i64 = match cell(count).replace(',', "").parse() {
            Ok(p) if p >= 0 => p,
            _ => {
                return Err(bad(
                    count,
                    "this is not a count of people.".into(),
                    "give a whole number of 0 or more",
                ))
            }
        };
        let e = sums
            .entry((code.to_string(), category))
            .or_insert_with(|| (cell(geo_name).to_string(), cell(group_label).to_string(), 0));
        e.2 += persons;
    }
    if sums.is_empty() {
        return Err(ComparatorError::File {
            file,
            problem: "the file has no rows of counts.".into(),
            fix: LAYOUT,
        });
    }
    Ok(sums
        .into_iter()
        .map(
            |((geo_code, category), (geo_name, label, persons))| ComparatorRow {
                geo_code,
                geo_name,
                category,
                label,
                persons,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<ComparatorRow>, ComparatorError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("children.csv");
        std::fs::write(&p, text).unwrap();
        read_comparator(&p)
    }

    const HEAD: &str = "Upper tier local authorities Code,Upper tier local authorities,Age (B) (3 categories) Code,Age (B) (3 categories),Ethnic group (20 categories) Code,Ethnic group (20 categories),Observation\n";

    #[test]
    fn sums_over_other_columns_and_skips_does_not_apply() {
        let rows = read(&format!(
            "{HEAD}E09000027,Richmond upon Thames,1,Aged 0 to 4,13,White: English,100\n\
             E09000027,Richmond upon Thames,2,Aged 5 to 17,13,White: English,\"1,250\"\n\
             E09000027,Richmond upon Thames,1,Aged 0 to 4,-8,Does not apply,0\n\
             E09000027,Richmond upon Thames,1,Aged 0 to 4,3,Asian: Indian,40\n"
        ))
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].category, rows[0].persons), (3, 40));
        assert_eq!((rows[1].category, rows[1].persons), (13, 1350));
        assert_eq!(rows[1].geo_name, "Richmond upon Thames");
    }

    #[test]
    fn bad_cells_name_the_row_column_and_value() {
        let e = read(&format!(
            "{HEAD}E09000027,Richmond,1,Aged 0 to 4,13,White: English,100\nE09000027,Richmond,1,Aged 0 to 4,25,Martian,3\n"
        ))
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("row 3"), "{text}");
        assert!(
            text.contains("'Ethnic group (20 categories) Code', value '25'"),
            "{text}"
        );
        let e = read(&format!("{HEAD}Richmond,Richmond,1,a,13,White,100\n")).unwrap_err();
        assert!(e.to_string().contains("not a GSS geography code"), "{e}");
        let e = read(&format!("{HEAD}E09000027,Richmond,1,a,13,White,-4\n")).unwrap_err();
        assert!(e.to_string().contains("not a count"), "{e}");
        let e = read("Area Code,Area,People\nE09000027,Richmond,4\n").unwrap_err();
        assert!(e.to_string().contains("no ethnic group code column"), "{e}");
        let e = read(HEAD).unwrap_err();
        assert!(e.to_string().contains("no rows"), "{e}");
    }
}
