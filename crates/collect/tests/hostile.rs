//! Workbooks built to exhaust a reader (the reproducers of issue 18): each is refused with a
//! clear F16 message, or read, without memory growing with the cell it names — a single far
//! cell, shared strings that claim billions, a zip bomb, a sheet-wide merge, a million rows
//! without row numbers.

use std::io::Write;
use std::path::PathBuf;

use cws_collect::read::{open_xlsx, open_xlsx_within, WorkbookLimits};
use cws_collect::report::Message;

const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>worker_ref</t></is></c><c r="B1" t="inlineStr"><is><t>role_code</t></is></c></row>"#;

/// A workbook of one sheet, its XML given, with shared strings when given; each part packed
/// as deflate.
fn workbook(dir: &tempfile::TempDir, name: &str, sheet: &str, shared: Option<&str>) -> PathBuf {
    let path = dir.path().join(name);
    let file = std::fs::File::create(&path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{}</Types>"#,
            if shared.is_some() {
                r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
            } else {
                ""
            }
        ),
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Workers" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{}</Relationships>"#,
            if shared.is_some() {
                r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
            } else {
                ""
            }
        ),
    );
    part(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet}</worksheet>"#
        ),
    );
    if let Some(s) = shared {
        part("xl/sharedStrings.xml", s);
    }
    zip.finish().unwrap();
    path
}

fn header_wanted(cells: &[String]) -> bool {
    cells.iter().any(|c| c == "worker_ref")
}

fn refused(result: Result<Vec<cws_collect::read::Table>, Message>, says: &str) -> Message {
    let m = match result {
        Err(m) => m,
        Ok(_) => panic!("accepted; expected a refusal saying '{says}'"),
    };
    assert_eq!(m.rule, "F16", "{m:?}");
    assert!(m.text.contains(says), "{m:?}");
    assert!(!m.fix.is_empty());
    m
}

#[test]
fn a_single_far_cell_is_not_a_grid_to_its_corner() {
    let dir = tempfile::tempdir().unwrap();
    // the reproducer: one cell at XFD1048576 (the old reader allocated 550 GB)
    let far = workbook(
        &dir,
        "far.xlsx",
        &format!(
            r#"<dimension ref="A1:XFD1048576"/><sheetData>{HEADER}<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#
        ),
        None,
    );
    assert!(std::fs::metadata(&far).unwrap().len() < 4096);
    let mut tables = open_xlsx(&far, &header_wanted).unwrap();
    assert_eq!(tables.len(), 1);
    let t = &mut tables[0];
    assert_eq!(t.headers, ["worker_ref", "role_code"]);
    assert!(
        t.next_row().is_none(),
        "the far cell is beyond the columns read"
    );
    let notice = t.finish();
    assert!(
        notice
            .iter()
            .any(|m| m.rule == "F16" && m.text.contains("beyond column 1000")),
        "{notice:?}"
    );
    // a far row within the columns is one row, numbered as on the sheet
    let deep = workbook(
        &dir,
        "deep.xlsx",
        &format!(
            r#"<sheetData>{HEADER}<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>W1</t></is></c><c r="B1048576" t="inlineStr"><is><t>SC-SW</t></is></c></row></sheetData>"#
        ),
        None,
    );
    let mut tables = open_xlsx(&deep, &header_wanted).unwrap();
    let (row, cells) = tables[0].next_row().unwrap().unwrap();
    assert_eq!(
        (row, cells.to_vec()),
        (1_048_576, vec!["W1".to_string(), "SC-SW".to_string()])
    );
}

#[test]
fn shared_strings_that_claim_billions_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    for count in [
        "4294967295",
        "18446744073709551615",
        "99999999999999999999999",
    ] {
        let book = workbook(
            &dir,
            "strings.xlsx",
            &format!("<sheetData>{HEADER}</sheetData>"),
            Some(&format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}"><si><t>worker_ref</t></si></sst>"#
            )),
        );
        refused(
            open_xlsx(&book, &header_wanted),
            "shared strings say they hold",
        );
    }
}

#[test]
fn a_zip_bomb_is_refused_while_inflating() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MB of one repeated row packs to a few hundred kilobytes: far past 100 to 1
    let row = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
    let bomb = workbook(
        &dir,
        "bomb.xlsx",
        &format!(
            "<sheetData>{HEADER}{}</sheetData>",
            row.repeat(64 * 1024 * 1024 / row.len())
        ),
        None,
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 2 * 1024 * 1024);
    refused(
        open_xlsx(&bomb, &header_wanted),
        "more than a return can hold",
    );
    // the size limit itself, with limits of the caller's choosing
    let limits = WorkbookLimits {
        max_part_bytes: 10_000,
        ..WorkbookLimits::default()
    };
    let big = workbook(
        &dir,
        "big.xlsx",
        &format!("<sheetData>{HEADER}{}</sheetData>", row.repeat(500)),
        None,
    );
    refused(
        open_xlsx_within(&big, &header_wanted, &limits),
        "more than a return can hold",
    );
}

#[test]
fn a_sheet_wide_merge_fills_only_the_filled_part() {
    let dir = tempfile::tempdir().unwrap();
    let merge = workbook(
        &dir,
        "merge.xlsx",
        &format!(
            r#"<sheetData>{HEADER}<row r="2"><c r="A2" t="inlineStr"><is><t>W1</t></is></c><c r="B2" t="inlineStr"><is><t>SC-SW</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>"#
        ),
        None,
    );
    let started = std::time::Instant::now();
    let mut tables = open_xlsx(&merge, &header_wanted).unwrap();
    let (row, cells) = tables[0].next_row().unwrap().unwrap();
    assert_eq!(row, 2);
    assert_eq!(cells[0], "W1");
    // the merge's value copies into the filled part only (B2 keeps its own value)
    assert_eq!(cells[1], "SC-SW");
    assert!(tables[0].next_row().is_none());
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    // too many merged regions: refused
    let many: String = (0..100_001)
        .map(|i| format!(r#"<mergeCell ref="C{0}:D{0}"/>"#, i + 3))
        .collect();
    let merges = workbook(
        &dir,
        "merges.xlsx",
        &format!(
            r#"<sheetData>{HEADER}</sheetData><mergeCells count="100001">{many}</mergeCells>"#
        ),
        None,
    );
    refused(open_xlsx(&merges, &header_wanted), "merged regions");
}

#[test]
fn too_many_cells_are_refused_and_rows_without_numbers_are_streamed() {
    let dir = tempfile::tempdir().unwrap();
    // rows without `r`, varied so they pack as real data does
    let rows: String = (0..200_000)
        .map(|i| format!(r#"<row><c t="inlineStr"><is><t>W{i}</t></is></c><c t="inlineStr"><is><t>R{}</t></is></c></row>"#, i * 7919 % 100_003))
        .collect();
    let book = workbook(
        &dir,
        "rows.xlsx",
        &format!("<sheetData>{HEADER}{rows}</sheetData>"),
        None,
    );
    let mut tables = open_xlsx(&book, &header_wanted).unwrap();
    let mut n = 0;
    while let Some(r) = tables[0].next_row() {
        r.unwrap();
        n += 1;
    }
    assert_eq!(n, 200_000);
    let limits = WorkbookLimits {
        max_cells: 100_000,
        ..WorkbookLimits::default()
    };
    refused(
        open_xlsx_within(&book, &header_wanted, &limits),
        "filled cells",
    );
}
