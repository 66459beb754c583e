//! Workbooks of figure tables: the table on one sheet (numbers as numbers, disclosure
//! symbols as text), its footnote, a native Excel chart on a sheet of its own, and a sheet
//! explaining each measure.

use cws_analyse::disclosure::Shown;
use cws_analyse::export::Table;
use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook};

use crate::DocumentError;

/// XLSX: the table on one sheet (numbers as numbers, symbols as text), the footnote
/// under it, a native bar chart of its measures over the rows that are not totals on a
/// chart sheet, and a sheet explaining each measure.
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
        notice.set_column_width(0, 100)?;
        notice.set_landscape().set_print_fit_to_pages(1, 0);
    }
    let sheet = book.add_worksheet().set_name("Figures")?;
    sheet.write_string_with_format(0, 0, &table.title, &bold)?;
    if synthetic {
        let red = Format::new().set_bold().set_font_color("B10E1E");
        sheet.write_string_with_format(1, 0, crate::docx::SYNTHETIC_LABEL, &red)?;
    }
    // the symbols, said beside the figures they stand in for
    let grey = Format::new().set_font_color("505A5F");
    sheet.write_string_with_format(
        2,
        0,
        "Symbols: c suppressed (a small number, or a figure it could be worked out from) · x not available · z not applicable. The code of each column is on the Measures sheet.",
        &grey,
    )?;
    // headers in words, wrapped; the codes are on the Measures sheet
    let header = header_words(table);
    let top = 3u32;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(FormatBorder::Thin);
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, h, &head)?;
    }
    let widths = widths(table, &header);
    // a wrapped header needs its row tall enough for its lines (LibreOffice does not grow it)
    let lines = header
        .iter()
        .zip(&widths)
        .map(|(h, w)| (h.chars().count() as f64 / (w - 1.0).max(1.0)).ceil())
        .fold(1.0, f64::max);
    sheet.set_row_height(top, 15.0 * lines.min(5.0) + 3.0)?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    let symbol = Format::new().set_align(FormatAlign::Right);
    for (i, r) in table.rows.iter().enumerate() {
        let row = top + 1 + i as u32;
        for (c, l) in r.labels.iter().enumerate() {
            sheet.write_string(row, c as u16, l)?;
        }
        for (j, v) in r.values.iter().enumerate() {
            let col = (table.label_columns.len() + j) as u16;
            match v {
                Shown::Value(x) => sheet.write_number(row, col, *x)?,
                Shown::Symbol(s) => sheet.write_string_with_format(row, col, *s, &symbol)?,
            };
        }
    }
    let last = top + table.rows.len() as u32;
    // the footnote across the table's width, tall enough to read whole
    let across = (header.len().max(1) - 1) as u16;
    let width: f64 = widths.iter().sum();
    let lines = (table.footnote.chars().count() as f64 / width.max(1.0))
        .ceil()
        .max(1.0);
    let wrap_top = wrap.clone().set_align(FormatAlign::Top);
    if across > 0 {
        sheet.merge_range(last + 2, 0, last + 2, across, &table.footnote, &wrap_top)?;
    } else {
        sheet.write_string_with_format(last + 2, 0, &table.footnote, &wrap_top)?;
    }
    sheet.set_row_height(last + 2, 15.0 * lines + 3.0)?;
    sheet.set_freeze_panes(top + 1, 0)?;
    // printed on A4 across, as wide as the page, the header row on every page
    let page_header = format!(
        "&L{}{}",
        table.title.replace('&', "&&"),
        if synthetic { "&RSYNTHETIC DATA" } else { "" }
    );
    sheet
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(top, top)?
        .set_header(&page_header)
        .set_footer("&LPage &P of &N");
    let chart = table.chart_spec().map(|spec| {
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
        // a bar chart draws its first category at the bottom: reversed, it reads as the
        // table does, top to bottom
        chart.y_axis().set_reverse();
        let title = &table.columns[spec.columns[0]].label;
        if spec.columns.len() == 1 {
            chart.title().set_name(title);
            chart.legend().set_hidden();
            chart.x_axis().set_name(title);
        } else {
            chart.title().set_name(&table.title);
        }
        chart
    });
    // the chart on a sheet of its own, which prints as one whole page however many bars it
    // has (beneath the table, a tall chart was cut across pages)
    if let Some(chart) = chart {
        book.add_chartsheet()
            .set_name("Chart")?
            .set_paper_size(9)
            .set_landscape()
            .set_header(&page_header)
            .set_footer("&LPage &P of &N")
            .insert_chart(0, 0, &chart)?;
    }
    let about = book.add_worksheet().set_name("Measures")?;
    about.write_string_with_format(0, 0, "measure", &bold)?;
    about.write_string_with_format(0, 1, "what it is", &bold)?;
    about.set_column_width(0, 40)?;
    about.set_column_width(1, 80)?;
    about
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_footer("&LPage &P of &N");
    for (i, m) in table.columns.iter().enumerate() {
        about.write_string(1 + i as u32, 0, &m.name)?;
        about.write_string(1 + i as u32, 1, &m.label)?;
    }
    Ok(book.save_to_buffer()?)
}

/// The header in words: a dimension's name for a label column, a measure's label for a
/// value column.
fn header_words(table: &Table) -> Vec<String> {
    let label = |code: &str| -> String {
        match cws_analyse::figures::Dimension::parse(code) {
            Ok(d) => d.label().to_string(),
            Err(_) => {
                let words = code.replace('_', " ");
                let mut c = words.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        }
    };
    table
        .label_columns
        .iter()
        .map(|c| label(c))
        .chain(table.columns.iter().map(|c| c.label.clone()))
        .collect()
}

/// Column widths (in characters) that fit: a label column its longest label, a value
/// column its figures, each at least its header's longest word (headers wrap).
fn widths(table: &Table, header: &[String]) -> Vec<f64> {
    header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let word = h
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(4);
            let cells = table
                .rows
                .iter()
                .map(|r| {
                    if c < table.label_columns.len() {
                        r.labels.get(c).map_or(0, |l| l.chars().count())
                    } else {
                        r.values
                            .get(c - table.label_columns.len())
                            .map_or(0, |v| v.to_string().chars().count())
                    }
                })
                .max()
                .unwrap_or(0);
            let min = if c < table.label_columns.len() {
                12
            } else {
                10
            };
            (cells.max(word) + 2).clamp(min, 48) as f64
        })
        .collect()
}
