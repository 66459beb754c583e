//! Reading return files into tables of text cells, whatever form they come in: CSV with any
//! common delimiter and encoding, or an XLSX workbook. Nothing here knows what the columns
//! mean; `rows` turns cells into records.
//!
//! CSV is streamed record by record, so memory does not grow with the file. Each field is
//! taken as UTF-8 when it is valid UTF-8 and as Windows-1252 otherwise (what Excel on Windows
//! writes as "CSV"), so a file never fails on its encoding and nothing is guessed wrongly for
//! plain ASCII.

// A refused file is reported with a full `Message`; that is the cold path, so its size is fine.
#![allow(clippy::result_large_err)]

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use crate::report::Message;
use crate::rules;

/// Files larger than this are refused unless the limit is raised.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What kind of file this is, from its first bytes (not its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    Xml,
}

/// Sniffs the kind of a file from its content.
pub fn sniff(path: &Path) -> std::io::Result<FileKind> {
    let mut head = [0u8; 512];
    let n = File::open(path)?.read(&mut head)?;
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") {
        return Ok(FileKind::Xlsx);
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    Ok(if t.starts_with("<?xml") || t.starts_with('<') {
        FileKind::Xml
    } else {
        FileKind::Csv
    })
}

/// A table read from a file: headers, then rows of cells with their spreadsheet row numbers.
pub struct Table {
    /// The file's name as shown in messages.
    pub file: String,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    rows: RowSource,
    /// Messages about the file found while reading (encoding, ragged rows).
    pub notices: Vec<Message>,
    decoded_1252: bool,
    /// Non-blank rows returned so far.
    rows_read: u64,
}

enum RowSource {
    Csv(Box<csv::Reader<BufReader<File>>>),
    Cells(std::vec::IntoIter<(u64, Vec<String>)>),
}

impl Table {
    /// The next non-blank row: (row number, cells). Ragged rows (more cells than headers) are
    /// returned as an error message for that row; reading goes on.
    pub fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), Message>> {
        loop {
            let (row, cells) = match &mut self.rows {
                RowSource::Cells(it) => it.next()?,
                RowSource::Csv(reader) => {
                    let mut record = csv::ByteRecord::new();
                    match reader.read_byte_record(&mut record) {
                        Ok(false) => return None,
                        Ok(true) => {}
                        Err(e) => {
                            let row = e.position().map(|p| p.line()).unwrap_or(0);
                            return Some(Err(Message::new(
                                &rules::FILE_UNREADABLE,
                                &self.file,
                                format!("The file could not be read past this row: {e}."),
                            )
                            .row(row)));
                        }
                    }
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    let mut cells = Vec::with_capacity(record.len());
                    for field in record.iter() {
                        cells.push(match std::str::from_utf8(field) {
                            Ok(s) => s.to_string(),
                            Err(_) => {
                                self.decoded_1252 = true;
                                encoding_rs::WINDOWS_1252.decode(field).0.into_owned()
                            }
                        });
                    }
                    (line, cells)
                }
            };
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            self.rows_read += 1;
            if cells.len() > self.headers.len()
                && cells[self.headers.len()..]
                    .iter()
                    .any(|c| !c.trim().is_empty())
            {
                return Some(Err(Message::new(
                    &rules::ROW_RAGGED,
                    &self.file,
                    format!(
                        "This row has {} cells but the header has {} columns.",
                        cells.len(),
                        self.headers.len()
                    ),
                )
                .row(row)));
            }
            return Some(Ok((row, cells)));
        }
    }

    /// Non-blank rows read so far (including rows with problems).
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// Messages about the whole file, available once every row has been read.
    pub fn finish(&mut self) -> Vec<Message> {
        let mut out = std::mem::take(&mut self.notices);
        if self.decoded_1252 {
            out.push(Message::new(
                &rules::ENCODING_GUESSED,
                &self.file,
                "Some text in this file is not UTF-8 and was read as Windows-1252.",
            ));
            self.decoded_1252 = false;
        }
        out
    }
}

impl Table {
    /// A table of cells already in memory (rows numbered as given).
    pub fn from_cells(file: &str, headers: Vec<String>, rows: Vec<(u64, Vec<String>)>) -> Table {
        Table {
            file: file.to_string(),
            sheet: None,
            headers,
            rows: RowSource::Cells(rows.into_iter()),
            notices: Vec::new(),
            decoded_1252: false,
            rows_read: 0,
        }
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Refuses files over `max_bytes` with a message saying the size and the limit.
pub fn check_size(path: &Path, max_bytes: u64) -> Result<(), Message> {
    let name = display_name(path);
    let len = std::fs::metadata(path)
        .map_err(|e| {
            Message::new(
                &rules::FILE_UNREADABLE,
                &name,
                format!("The file could not be opened: {e}."),
            )
        })?
        .len();
    if len > max_bytes {
        return Err(Message::new(
            &rules::FILE_TOO_LARGE,
            &name,
            format!(
                "The file is {:.1} MB; the limit is {:.1} MB.",
                len as f64 / 1_048_576.0,
                max_bytes as f64 / 1_048_576.0
            ),
        ));
    }
    if len == 0 {
        return Err(Message::new(
            &rules::FILE_EMPTY,
            &name,
            "The file is empty.",
        ));
    }
    Ok(())
}

/// The delimiter of a CSV file: whichever of comma, semicolon and tab is most common in the
/// header line outside quotes (comma when there is a tie or none).
fn sniff_delimiter(path: &Path) -> std::io::Result<u8> {
    let mut head = vec![0u8; 64 * 1024];
    let n = File::open(path)?.read(&mut head)?;
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in &head[..n] {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    Ok([b',', b';', b'\t'][best])
}

/// Opens a CSV file as a table. The header is the first non-blank line.
pub fn open_csv(path: &Path) -> Result<Table, Message> {
    let name = display_name(path);
    let unreadable = |e: &dyn std::fmt::Display| {
        Message::new(
            &rules::FILE_UNREADABLE,
            &name,
            format!("The file could not be read: {e}."),
        )
    };
    let delimiter = sniff_delimiter(path).map_err(|e| unreadable(&e))?;
    let file = File::open(path).map_err(|e| unreadable(&e))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(BufReader::with_capacity(256 * 1024, file));
    let headers = reader.byte_headers().map_err(|e| unreadable(&e))?.clone();
    let headers: Vec<String> = headers
        .iter()
        .map(|h| match std::str::from_utf8(h) {
            Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(h).0.into_owned(),
        })
        .collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(Message::new(
            &rules::FILE_EMPTY,
            &name,
            "The file has no header row.",
        ));
    }
    Ok(Table {
        file: name,
        sheet: None,
        headers,
        rows: RowSource::Csv(Box::new(reader)),
        notices: Vec::new(),
        decoded_1252: false,
        rows_read: 0,
    })
}

/// The text of a workbook cell as a person would type it: whole numbers without ".0", dates
/// as YYYY-MM-DD, booleans as yes/no, formula errors as Excel shows them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => dt.date().format("%Y-%m-%d").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The sheets of a workbook that hold tables, with the first row that looks like a header.
/// `wanted(headers)` says whether a row of cells is a header this caller can use.
pub fn open_xlsx(path: &Path, wanted: &dyn Fn(&[String]) -> bool) -> Result<Vec<Table>, Message> {
    let name = display_name(path);
    let unreadable = |e: &dyn std::fmt::Display| {
        Message::new(
            &rules::FILE_UNREADABLE,
            &name,
            format!("The workbook could not be read: {e}."),
        )
    };
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(|e| unreadable(&e))?;
    let mut tables = Vec::new();
    for sheet in book.sheet_names() {
        // The template's guidance, examples and code lists are not returns.
        if crate::xlsx::NON_DATA_SHEETS
            .iter()
            .any(|n| sheet.eq_ignore_ascii_case(n))
        {
            continue;
        }
        let range = match book.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(e) => return Err(unreadable(&e)),
        };
        let Some((top, left)) = range.start() else {
            continue;
        };
        let (height, width) = range.get_size();
        let mut grid: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        // A merged region shows its value in every cell it covers, as it does on screen.
        if let Ok(merged) = book.merge_cells_by_sheet_name(&sheet) {
            for m in merged {
                let value = grid
                    .get(m.start.0.saturating_sub(top) as usize)
                    .and_then(|r| r.get(m.start.1.saturating_sub(left) as usize))
                    .cloned()
                    .unwrap_or_default();
                for r in m.start.0..=m.end.0 {
                    for c in m.start.1..=m.end.1 {
                        let (ri, ci) =
                            (r.wrapping_sub(top) as usize, c.wrapping_sub(left) as usize);
                        if ri < height && ci < width {
                            grid[ri][ci] = value.clone();
                        }
                    }
                }
            }
        }
        // The header is the first row that the caller recognises (guidance rows above it are
        // skipped); sheets without one (guidance, code lists) are not tables.
        let Some(h) = grid.iter().take(20).position(|r| wanted(r)) else {
            continue;
        };
        let headers = grid[h].clone();
        let rows: Vec<(u64, Vec<String>)> = grid
            .into_iter()
            .enumerate()
            .skip(h + 1)
            .map(|(i, r)| (u64::from(top) + i as u64 + 1, r))
            .collect();
        tables.push(Table {
            file: name.clone(),
            sheet: Some(sheet.clone()),
            headers,
            rows: RowSource::Cells(rows.into_iter()),
            notices: Vec::new(),
            decoded_1252: false,
            rows_read: 0,
        });
    }
    Ok(tables)
}

/// A header as a key: lower case, runs of anything but letters and digits as one `_`.
pub fn header_key(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut gap = false;
    for ch in h.trim().trim_start_matches('\u{feff}').chars() {
        if ch.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(ch.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_become_keys() {
        assert_eq!(header_key("\u{feff} Worker Ref "), "worker_ref");
        assert_eq!(header_key("FTE (0-1)"), "fte_0_1");
        assert_eq!(header_key("role-code"), "role_code");
    }
}
