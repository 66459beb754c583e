//! Workbooks of figure tables, opened as the zip files they are.

use cws_analyse::disclosure::Shown;
use cws_analyse::diversity::{self, Community};
use cws_analyse::export::{Column, Table, TableRow};
use cws_analyse::{Measure, Sums};

fn chart_xml(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut chart = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/charts/chart1.xml").unwrap(),
        &mut chart,
    )
    .unwrap();
    chart
}

fn table() -> Table {
    Table {
        title: "Test".into(),
        label_columns: vec!["sector".into()],
        columns: Column::of(&[Measure::People, Measure::Female]),
        rows: vec![
            TableRow {
                labels: vec!["Total".into()],
                values: vec![Shown::Value(20.0), Shown::Value(50.0)],
            },
            TableRow {
                labels: vec!["LA".into()],
                values: vec![Shown::Value(16.0), Shown::Value(50.0)],
            },
            TableRow {
                labels: vec!["PVI".into()],
                values: vec![Shown::Symbol("c"), Shown::Symbol("c")],
            },
        ],
        footnote: "c: suppressed".into(),
        chart: None,
    }
}

#[test]
fn xlsx_has_the_table_a_native_chart_and_the_measures() {
    let bytes = cws_documents::xlsx::table(&table(), false).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert!(
        zip.by_name("xl/worksheets/sheet2.xml").is_ok(),
        "the Measures sheet"
    );
    let chart = chart_xml(bytes);
    // the series runs over the two non-total rows, not the Total
    assert!(chart.contains("Figures!$B$6:$B$7"), "{chart}");
    assert!(chart.contains("Figures!$A$6:$A$7"), "{chart}");
    // the bars read top to bottom as the table's rows do
    let categories = &chart[chart.find("<c:catAx>").unwrap()..];
    assert!(
        categories.contains("<c:orientation val=\"maxMin\"/>"),
        "{chart}"
    );
    // headers in words, on A4 across and one page wide, the header row repeated
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(
        cws_documents::xlsx::table(&table(), false).unwrap(),
    ))
    .unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(
        sheet.contains("orientation=\"landscape\"") && sheet.contains("fitToPage=\"1\""),
        "{sheet}"
    );
    assert!(sheet.contains("fitToHeight=\"0\""), "{sheet}");
    let mut book = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut book).unwrap();
    assert!(book.contains("_xlnm.Print_Titles"), "{book}");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    assert!(
        strings.contains("<t>Sector</t>"),
        "the dimension in words: {strings}"
    );
}

#[test]
fn synthetic_figures_say_so_on_an_opening_sheet_and_under_the_title() {
    let bytes = cws_documents::xlsx::table(&table(), true).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    let first = workbook.find("Synthetic data").unwrap();
    assert!(first < workbook.find("\"Figures\"").unwrap(), "{workbook}");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    assert!(strings.contains("SYNTHETIC DATA"), "{strings}");
}

fn community() -> Community {
    // 800 White British (13), 100 Indian (3), 50 Caribbean (7), 50 Arab (18)
    Community::from_categories(
        "usual residents",
        "test",
        &[(13, 800), (3, 100), (7, 50), (18, 50), (-8, 999)],
    )
}

fn sums(white: f64, asian: f64, black: f64, unknown: f64) -> Sums {
    Sums {
        people: white + asian + black + unknown,
        ethnicity_known: white + asian + black,
        ethnicity_white: white,
        ethnicity_asian: asian,
        ethnicity_black: black,
        ..Sums::default()
    }
}

#[test]
fn the_diversity_workbook_charts_both_shares_by_group() {
    let t = diversity::table(
        "t".into(),
        &sums(60.0, 30.0, 10.0, 20.0),
        &community(),
        None,
    );
    let chart = chart_xml(cws_documents::xlsx::table(&t, false).unwrap());
    // workforce share (column C) and community share (column D), over the five groups
    assert!(chart.contains("Figures!$C$8:$C$12"), "{chart}");
    assert!(chart.contains("Figures!$D$8:$D$12"), "{chart}");
    assert!(!chart.contains("$B$"), "people are not charted: {chart}");
}
