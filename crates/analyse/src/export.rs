//! A finished table of figures — label columns, measure columns, symbols, a footnote — and
//! its renderings: aligned text, CSV, JSON and XLSX with a native chart.

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, XlsxError};
use serde::Serialize;

use crate::disclosure::Shown;
use crate::measure::Measure;

/// A table ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    /// Names of the label columns (dimensions, or census date, geography and source).
    pub label_columns: Vec<String>,
    /// The value columns: measures, or figures built beside them (a community's share).
    pub columns: Vec<Column>,
    pub rows: Vec<TableRow>,
    pub footnote: String,
    /// What the XLSX chart shows; `None`: the first column over the rows that are not totals.
    #[serde(skip)]
    pub chart: Option<ChartSpec>,
}

/// The rows and value columns (indexes into `columns`) a chart shows, one series per column.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub rows: std::ops::Range<usize>,
    pub columns: Vec<usize>,
}

/// A value column: its machine name (DfE's where DfE publishes it) and a plain label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub name: String,
    pub label: String,
}

impl From<Measure> for Column {
    fn from(m: Measure) -> Column {
        Column {
            name: m.name().into(),
            label: m.label().into(),
        }
    }
}

impl Column {
    pub fn new(name: &str, label: &str) -> Column {
        Column {
            name: name.into(),
            label: label.into(),
        }
    }

    /// Columns for measures.
    pub fn of(measures: &[Measure]) -> Vec<Column> {
        measures.iter().map(|&m| m.into()).collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub labels: Vec<String>,
    pub values: Vec<Shown>,
}

impl Table {
    /// A table of a cube's cells (margins labelled "Total") with the values as shown.
    pub fn from_cube(
        cube: &crate::cube::Cube,
        shown: crate::disclosure::Protected,
        measures: &[Measure],
        title: String,
    ) -> Table {
        Table {
            title,
            label_columns: cube.dims.iter().map(|d| d.name().to_string()).collect(),
            columns: Column::of(measures),
            rows: cube
                .cells
                .iter()
                .zip(shown.values)
                .map(|(c, values)| TableRow {
                    labels: c
                        .labels
                        .iter()
                        .map(|l| l.clone().unwrap_or_else(|| "Total".into()))
                        .collect(),
                    values,
                })
                .collect(),
            footnote: shown.footnote,
            chart: None,
        }
    }

    fn header(&self) -> Vec<String> {
        let mut h = self.label_columns.clone();
        h.extend(self.columns.iter().map(|m| m.name.clone()));
        h
    }

    /// Aligned plain text: labels left, numbers right, the footnote below.
    pub fn text(&self) -> String {
        let header = self.header();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let mut v = r.labels.clone();
                v.extend(r.values.iter().map(|s| s.to_string()));
                v
            })
            .collect();
        let mut out = format!("{}\n", self.title);
        // one line per measure for a single row: easier to read
        if rows.len() == 1 && self.label_columns.iter().all(|c| c.is_empty()) {
            for (m, v) in self.columns.iter().zip(&self.rows[0].values) {
                out.push_str(&format!(
                    "  {:<45} {:>10}  {}\n",
                    m.name,
                    v.to_string(),
                    m.label
                ));
            }
        } else {
            let widths: Vec<usize> = (0..header.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| r[i].chars().count())
                        .chain([header[i].chars().count()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let labels = self.label_columns.len();
            for r in std::iter::once(&header).chain(&rows) {
                let line: Vec<String> = r
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(i, (c, w))| {
                        if i < labels {
                            format!("{c:<w$}")
                        } else {
                            format!("{c:>w$}")
                        }
                    })
                    .collect();
                out.push_str(line.join("  ").trim_end());
                out.push('\n');
            }
        }
        if !self.footnote.is_empty() {
            out.push_str(&format!("\n{}\n", self.footnote));
        }
        out
    }

    /// CSV: a header of label columns and measure names, symbols as published.
    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.header())?;
        for r in &self.rows {
            let mut rec = r.labels.clone();
            rec.extend(r.values.iter().map(|v| v.to_string()));
            w.write_record(&rec)?;
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    /// JSON: the title, the footnote and one object per row.
    pub fn json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                for (c, l) in self.label_columns.iter().zip(&r.labels) {
                    o.insert(c.clone(), l.clone().into());
                }
                for (m, v) in self.columns.iter().zip(&r.values) {
                    o.insert(
                        m.name.clone(),
                        match v {
                            Shown::Value(x) => (*x).into(),
                            Shown::Symbol(s) => (*s).into(),
                        },
                    );
                }
                o.into()
            })
            .collect();
        serde_json::json!({
            "title": self.title,
            "columns": self.header(),
            "rows": rows,
            "footnote": self.footnote,
        })
    }

    /// The chart asked for, or the first column over the rows that are not totals when those
    /// are contiguous; `None` when there is nothing to chart.
    fn chart_spec(&self) -> Option<ChartSpec> {
        if self.label_columns.is_empty() || self.columns.is_empty() {
            return None;
        }
        if let Some(c) = &self.chart {
            let fits = c.rows.end <= self.rows.len()
                && !c.rows.is_empty()
                && !c.columns.is_empty()
                && c.columns.iter().all(|&i| i < self.columns.len());
            return fits.then(|| c.clone());
        }
        let parts: Vec<usize> = (0..self.rows.len())
            .filter(|&i| !self.rows[i].labels.iter().any(|l| l == "Total"))
            .collect();
        let (&first, &last) = (parts.first()?, parts.last()?);
        (last - first + 1 == parts.len()).then(|| ChartSpec {
            rows: first..last + 1,
            columns: vec![0],
        })
    }

    /// XLSX: the table on one sheet (numbers as numbers, symbols as text), the footnote
    /// under it, a native column chart of the first measure over the rows that are not
    /// totals, and a sheet explaining each measure.
    pub fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let wrap = Format::new().set_text_wrap();
        let sheet = book.add_worksheet().set_name("Figures")?;
        sheet.write_string_with_format(0, 0, &self.title, &bold)?;
        let header = self.header();
        let top = 2u32;
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(top, c as u16, h, &bold)?;
            sheet.set_column_width(c as u16, if c < self.label_columns.len() { 28 } else { 14 })?;
        }
        for (i, r) in self.rows.iter().enumerate() {
            let row = top + 1 + i as u32;
            for (c, l) in r.labels.iter().enumerate() {
                sheet.write_string(row, c as u16, l)?;
            }
            for (j, v) in r.values.iter().enumerate() {
                let col = (self.label_columns.len() + j) as u16;
                match v {
                    Shown::Value(x) => sheet.write_number(row, col, *x)?,
                    Shown::Symbol(s) => sheet.write_string(row, col, *s)?,
                };
            }
        }
        let last = top + self.rows.len() as u32;
        sheet.write_string_with_format(last + 2, 0, &self.footnote, &wrap)?;
        sheet.set_freeze_panes(top + 1, 0)?;
        if let Some(spec) = self.chart_spec() {
            let labels = self.label_columns.len() as u16;
            let name_col = labels - 1;
            let (r0, r1) = (top + 1 + spec.rows.start as u32, top + spec.rows.end as u32);
            let mut chart = Chart::new(ChartType::Bar);
            for &c in &spec.columns {
                let col = labels + c as u16;
                chart
                    .add_series()
                    .set_name(&self.columns[c].label)
                    .set_categories(("Figures", r0, name_col, r1, name_col))
                    .set_values(("Figures", r0, col, r1, col));
            }
            let title = &self.columns[spec.columns[0]].label;
            if spec.columns.len() == 1 {
                chart.title().set_name(title);
                chart.legend().set_hidden();
                chart.x_axis().set_name(title);
            } else {
                chart.title().set_name(&self.title);
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
        for (i, m) in self.columns.iter().enumerate() {
            about.write_string(1 + i as u32, 0, &m.name)?;
            about.write_string(1 + i as u32, 1, &m.label)?;
        }
        book.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn csv_and_json_keep_symbols_and_names() {
        let t = table();
        let csv = String::from_utf8(t.csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "sector,people,female_pct\nTotal,20,50\nLA,16,50\nPVI,c,c\n"
        );
        let j = t.json();
        assert_eq!(j["rows"][2]["people"], "c");
        assert_eq!(j["rows"][1]["people"], 16.0);
        assert!(t.text().ends_with("c: suppressed\n"));
    }

    #[test]
    fn xlsx_has_the_table_a_native_chart_and_the_measures() {
        let bytes = table().xlsx().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert!(
            zip.by_name("xl/worksheets/sheet2.xml").is_ok(),
            "the Measures sheet"
        );
        let mut chart = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/charts/chart1.xml").unwrap(),
            &mut chart,
        )
        .unwrap();
        // the series runs over the two non-total rows, not the Total
        assert!(chart.contains("Figures!$B$5:$B$6"), "{chart}");
        assert!(chart.contains("Figures!$A$5:$A$6"), "{chart}");
    }
}
