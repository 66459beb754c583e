//! A finished table of figures — label columns, measure columns, symbols, a footnote — and
//! its renderings as aligned text, CSV and JSON (the workbook is written by `cws-documents`).

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
            name: m.code().into(),
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
            label_columns: cube.dims.iter().map(|d| d.code().to_string()).collect(),
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

    /// The rows in order of a value column (`None`: the first label, alphabetically),
    /// descending when asked. Totals stay first, and rows without a value in the column (a
    /// symbol: suppressed, not available) go last either way — never sorted as zeros.
    pub fn sort_rows(&mut self, column: Option<usize>, descending: bool) {
        let is_total = |r: &TableRow| r.labels.iter().any(|l| l == "Total");
        let (mut totals, mut rest): (Vec<TableRow>, Vec<TableRow>) =
            self.rows.drain(..).partition(is_total);
        match column {
            None => rest.sort_by_cached_key(|r| r.labels.first().map(|l| l.to_lowercase())),
            Some(c) => rest.sort_by(|a, b| {
                let (va, vb) = (
                    a.values.get(c).and_then(|v| v.value()),
                    b.values.get(c).and_then(|v| v.value()),
                );
                match (va, vb) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            }),
        }
        if descending {
            let with_value = match column {
                Some(c) => rest
                    .iter()
                    .take_while(|r| r.values.get(c).and_then(|v| v.value()).is_some())
                    .count(),
                None => rest.len(),
            };
            rest[..with_value].reverse();
        }
        totals.append(&mut rest);
        self.rows = totals;
    }

    /// The header row: the label columns, then the value columns' names.
    pub fn header(&self) -> Vec<String> {
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

    /// CSV: a header of label columns and measure names, symbols as published, and a last
    /// `synthetic` column (`yes` when the figures include a generated workforce), so the
    /// label travels with every row copied elsewhere.
    pub fn csv(&self, synthetic: bool) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = self.header();
        header.push("synthetic".into());
        w.write_record(header)?;
        let flag = if synthetic { "yes" } else { "no" };
        for r in &self.rows {
            // labels name organisations and places as registered: never a formula
            let mut rec: Vec<String> = r
                .labels
                .iter()
                .map(|l| cws_domain::cells::spreadsheet_safe(l).into_owned())
                .collect();
            rec.extend(r.values.iter().map(|v| v.to_string()));
            rec.push(flag.into());
            w.write_record(&rec)?;
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    /// CSV in the long ("tidy") shape: one row per row and value column — the labels, the
    /// column's name as `measure`, its `value` as shown — for tools that want one value a row.
    pub fn tidy_csv(&self, synthetic: bool) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = self.label_columns.clone();
        header.extend(["measure".to_string(), "value".into(), "synthetic".into()]);
        w.write_record(header)?;
        let flag = if synthetic { "yes" } else { "no" };
        for r in &self.rows {
            let labels: Vec<String> = r
                .labels
                .iter()
                .map(|l| cws_domain::cells::spreadsheet_safe(l).into_owned())
                .collect();
            for (c, v) in self.columns.iter().zip(&r.values) {
                let mut rec = labels.clone();
                rec.extend([c.name.clone(), v.to_string(), flag.to_string()]);
                w.write_record(&rec)?;
            }
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    /// JSON: the title, the footnote, whether the figures include synthetic data, and one
    /// object per row.
    pub fn json(&self, synthetic: bool) -> serde_json::Value {
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
            "synthetic": synthetic,
        })
    }

    /// The chart asked for, or the first column over the rows that are not totals when those
    /// are contiguous; `None` when there is nothing to chart.
    pub fn chart_spec(&self) -> Option<ChartSpec> {
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
}

#[cfg(test)]
mod sorting {
    use super::*;

    fn row(name: &str, v: Shown) -> TableRow {
        TableRow {
            labels: vec![name.into()],
            values: vec![v],
        }
    }

    #[test]
    fn rows_sort_by_a_value_with_totals_first_and_symbols_last() {
        let mut t = Table {
            title: String::new(),
            label_columns: vec!["area".into()],
            columns: vec![Column::new("v", "V")],
            rows: vec![
                row("Total", Shown::Value(5.0)),
                row("b", Shown::Value(2.0)),
                row("c", Shown::Symbol("c")),
                row("a", Shown::Value(9.0)),
                row("d", Shown::Value(0.0)),
            ],
            footnote: String::new(),
            chart: None,
        };
        let names =
            |t: &Table| -> Vec<String> { t.rows.iter().map(|r| r.labels[0].clone()).collect() };
        t.sort_rows(Some(0), true);
        assert_eq!(names(&t), ["Total", "a", "b", "d", "c"]);
        t.sort_rows(Some(0), false);
        assert_eq!(names(&t), ["Total", "d", "b", "a", "c"]);
        t.sort_rows(None, false);
        assert_eq!(names(&t), ["Total", "a", "b", "c", "d"]);
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
        let csv = String::from_utf8(t.csv(false).unwrap()).unwrap();
        assert_eq!(
            csv,
            "sector,people,female_pct,synthetic\nTotal,20,50,no\nLA,16,50,no\nPVI,c,c,no\n"
        );
        let csv = String::from_utf8(t.csv(true).unwrap()).unwrap();
        assert!(csv.lines().skip(1).all(|l| l.ends_with(",yes")), "{csv}");
        let j = t.json(false);
        assert_eq!(j["rows"][2]["people"], "c");
        assert_eq!(j["rows"][1]["people"], 16.0);
        assert_eq!(j["synthetic"], false);
        assert_eq!(t.json(true)["synthetic"], true);
        assert!(t.text().ends_with("c: suppressed\n"));
    }
}
