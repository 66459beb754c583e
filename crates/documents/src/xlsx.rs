//! Workbooks of figure tables: the table on one sheet (numbers as numbers, disclosure
//! symbols as text), its footnote, a native Excel chart, and a sheet explaining each measure.

use cws_analyse::disclosure::Shown;
use cws_analyse::export::Table;
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook};

use crate::DocumentError;

/// XLSX: the table on one sheet (numbers as numbers, symbols as text), the footnote
/// under it, a native column chart of the first measure over the rows that are not
/// totals, and a sheet explaining each measure.
pub fn table(table: &Table, synthetic: bool) -> Result<Vec<u8>, DocumentError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    if synthetic {
        // first, so the workbook opens on it
        let notice = book.add_worksheet().set_name("Synthetic data")?;
        notice.write_string_with_format(0, 0, crate::docx::SYNTHETIC_LABEL, &bold)?;
        notice.write_string(
            2,
            0,
            "Published DfE and ONS figures are real; every figure computed from workers' records here is from a generated, synthetic workforce.",
        )?;
        notice.set_column_width(0, 120)?;
    }
    let sheet = book.add_worksheet().set_name("Figures")?;
    sheet.write_string_with_format(0, 0, &table.title, &bold)?;
    if synthetic {
        let red = Format::new().set_bold().set_font_color("B10E1E");
        sheet.write_string_with_format(1, 0, crate::docx::SYNTHETIC_LABEL, &red)?;
    }
    let header = table.header();
    let top = 2u32;
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, h, &bold)?;
        sheet.set_column_width(
            c as u16,
            if c < table.label_columns.len() {
                28
            } else {
                14
            },
        )?;
    }
    for (i, r) in table.rows.iter().enumerate() {
        let row = top + 1 + i as u32;
        for (c, l) in r.labels.iter().enumerate() {
            sheet.write_string(row, c as u16, l)?;
        }
        for (j, v) in r.values.iter().enumerate() {
            let col = (table.label_columns.len() + j) as u16;
            match v {
                Shown::Value(x) => sheet.write_number(row, col, *x)?,
                Shown::Symbol(s) => sheet.write_string(row, col, *s)?,
            };
        }
    }
    let last = top + table.rows.len() as u32;
    sheet.write_string_with_format(last + 2, 0, &table.footnote, &wrap)?;
    sheet.set_freeze_panes(top + 1, 0)?;
    if let Some(spec) = table.chart_spec() {
        let labels = table.label_columns.len() as u16;
        let name_col = labels - 1;
        let (r0, r1) = (top + 1 + spec.rows.start as u32, top + spec.rows.end as u32);
        let mut chart = Chart::new(ChartType::Bar);
        for &c in &spec.columns {
            let col = labels + c as u16;
            chart
                .add_series()
                .set_name(&table.columns[c].label)
                .set_categories(("Figures", r0, name_col, r1, name_col))
                .set_values(("Figures", r0, col, r1, col));
        }
        let title = &table.columns[spec.columns[0]].label;
        if spec.columns.len() == 1 {
            chart.title().set_name(title);
            chart.legend().set_hidden();
            chart.x_axis().set_name(title);
        } else {
            chart.title().set_name(&table.title);
        }
        let bars = spec.rows.len() * spec.columns.len();
        let height = (120 + 22 * bars).clamp(300, 1400) as u32;
        chart.set_width(720).set_height(height);
        sheet.insert_chart(top, (header.len() + 1) as u16, &chart)?;
    }
    let about = book.add_worksheet().set_name("Measures")?;
    about.write_string_with_format(0, 0, "measure", &bold)?;
    about.write_string_with_format(0, 1, "what it is", &bold)?;
    about.set_column_width(0, 40)?;
    about.set_column_width(1, 80)?;
    for (i, m) in table.columns.iter().enumerate() {
        about.write_string(1 + i as u32, 0, &m.name)?;
        about.write_string(1 + i as u32, 1, &m.label)?;
    }
    Ok(book.save_to_buffer()?)
}
