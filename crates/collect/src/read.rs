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
    Ok(sniff_bytes(&head[..n]))
}

/// The kind of a file from its first bytes.
pub fn sniff_bytes(head: &[u8]) -> FileKind {
    if head.starts_with(b"PK\x03\x04") {
        return FileKind::Xlsx;
    }
    let head = &head[..head.len().min(512)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml") || t.starts_with('<') {
        FileKind::Xml
    } else {
        FileKind::Csv
    }
}

/// Files up to this size are read into memory whole; larger ones are streamed.
pub(crate) const IN_MEMORY_BYTES: usize = 1024 * 1024;

/// The start of a file, read once for sniffing its kind and delimiter and then parsed from
/// memory: a whole small file, or the first part of a large one (the rest is streamed).
pub struct Head {
    pub bytes: Vec<u8>,
    /// True when `bytes` is the whole file.
    pub complete: bool,
}

/// Reads a file's head (the whole file when it is small).
pub fn read_head(path: &Path) -> std::io::Result<Head> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(IN_MEMORY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    let complete = bytes.len() <= IN_MEMORY_BYTES;
    Ok(Head { bytes, complete })
}

/// A table read from a file: headers, then rows of cells with their spreadsheet row numbers.
pub struct Table {
    /// The file's name as shown in messages.
    pub file: String,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    rows: RowSource,
    /// The cells of the row last returned; their strings are reused from row to row.
    current: Vec<String>,
    /// Messages about the file found while reading (encoding, ragged rows).
    pub notices: Vec<Message>,
    decoded_1252: bool,
    /// Non-blank rows returned so far.
    rows_read: u64,
}

enum RowSource {
    Memory(MemoryCsv),
    Stream(Box<csv::Reader<Box<dyn Read + Send>>>, csv::ByteRecord),
    Cells(std::vec::IntoIter<(u64, Vec<String>)>),
    Sheet(SparseRows),
}

/// A worksheet's filled cells by row, made into a row of text cells one row at a time, as
/// wide as the header (and one cell more when a row has a value beyond it, so that the row
/// is reported as ragged): memory follows the filled cells, never the furthest one.
struct SparseRows {
    rows: std::collections::btree_map::IntoIter<u32, Vec<(u32, String)>>,
    left: u32,
    width: usize,
}

impl SparseRows {
    fn next_row(&mut self) -> Option<(u64, Vec<String>)> {
        let (row, cells) = self.rows.next()?;
        let mut out = vec![String::new(); self.width];
        for (col, text) in cells {
            let i = (col - self.left) as usize;
            if i < self.width {
                out[i] = text;
            } else if out.len() == self.width {
                out.push(text);
            }
        }
        Some((u64::from(row) + 1, out))
    }
}

/// What a workbook may hold before cws reads it (rule F16). A return is a few sheets of a few
/// thousand rows; a file far beyond that is refused whole, in memory bounded by these.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookLimits {
    /// Bytes of any one part (a sheet, the shared strings) once unpacked.
    pub max_part_bytes: u64,
    /// How many times larger than packed a part of more than a megabyte may be.
    pub max_ratio: u64,
    /// Filled cells of all sheets, merged regions' copies included.
    pub max_cells: usize,
    pub max_shared_strings: u64,
    /// Cells beyond this column are not read (reported once per sheet).
    pub max_columns: u32,
    pub max_merges: usize,
}

impl Default for WorkbookLimits {
    fn default() -> Self {
        WorkbookLimits {
            max_part_bytes: 256 * 1024 * 1024,
            max_ratio: 100,
            max_cells: 5_000_000,
            max_shared_strings: 5_000_000,
            max_columns: 1_000,
            max_merges: 100_000,
        }
    }
}

/// A small CSV file parsed whole in memory: all fields' bytes, where each field ends, and
/// where each record starts. Parsing borrows a `csv_core` reader kept per thread, because
/// building one costs more than parsing a typical employer's file, and there are thousands.
struct MemoryCsv {
    out: Vec<u8>,
    /// End of each field in `out`.
    ends: Vec<usize>,
    /// Each record: the line it starts on and its first field's index in `ends`; then a last
    /// entry marking where the final record ends.
    records: Vec<(u64, usize)>,
    next: usize,
}

impl MemoryCsv {
    fn parse(data: &[u8], delimiter: u8) -> MemoryCsv {
        use csv_core::ReadRecordResult as R;
        use std::cell::RefCell;
        thread_local! {
            static READERS: RefCell<Vec<(u8, csv_core::Reader)>> = const { RefCell::new(Vec::new()) };
        }
        READERS.with_borrow_mut(|readers| {
            let at = match readers.iter().position(|(d, _)| *d == delimiter) {
                Some(i) => i,
                None => {
                    let r = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
                    readers.push((delimiter, r));
                    readers.len() - 1
                }
            };
            let core = &mut readers[at].1;
            core.reset();
            let mut out = vec![0u8; data.len() + 16];
            let mut ends = vec![0usize; 64];
            let mut records = Vec::new();
            let (mut pos, mut nout, mut nends) = (0, 0, 0);
            // where the current record's output starts; csv_core counts field ends from there
            let mut record_out = 0;
            // A record's line is that of its first byte: blank lines before it are skipped.
            let (mut line, mut counted) = (1u64, 0usize);
            let mut line_of_next = |from: usize| {
                let start = from
                    + data[from..]
                        .iter()
                        .take_while(|b| **b == b'\r' || **b == b'\n')
                        .count();
                line += data[counted..start].iter().filter(|b| **b == b'\n').count() as u64;
                counted = start;
                line
            };
            let mut record_start = (line_of_next(0), 0);
            loop {
                let (res, nin, o, e) =
                    core.read_record(&data[pos..], &mut out[nout..], &mut ends[nends..]);
                for end in &mut ends[nends..nends + e] {
                    *end += record_out;
                }
                pos += nin;
                nout += o;
                nends += e;
                match res {
                    R::InputEmpty => {}
                    R::OutputFull => out.resize(out.len() * 2, 0),
                    R::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                    R::Record => {
                        records.push(record_start);
                        record_start = (line_of_next(pos), nends);
                        record_out = nout;
                    }
                    R::End => break,
                }
            }
            records.push(record_start);
            MemoryCsv {
                out,
                ends,
                records,
                next: 0,
            }
        })
    }

    /// The next record: the line it starts on, its first field's index and its field count.
    fn next_record(&mut self) -> Option<(u64, usize, usize)> {
        let (line, first) = *self.records.get(self.next)?;
        let (_, end) = *self.records.get(self.next + 1)?;
        self.next += 1;
        Some((line, first, end - first))
    }

    /// Field `i` of the record whose first field is `first`.
    fn field(&self, first: usize, i: usize) -> &[u8] {
        let at = first + i;
        let start = if i == 0 {
            self.ends.get(at.wrapping_sub(1)).copied().unwrap_or(0)
        } else {
            self.ends[at - 1]
        };
        &self.out[start..self.ends[at]]
    }
}

/// Sets `slot` to a field's text: UTF-8 when it is valid, Windows-1252 otherwise.
fn set_text(slot: &mut String, field: &[u8], decoded_1252: &mut bool) {
    slot.clear();
    match std::str::from_utf8(field) {
        Ok(s) => slot.push_str(s),
        Err(_) => {
            *decoded_1252 = true;
            slot.push_str(&encoding_rs::WINDOWS_1252.decode(field).0);
        }
    }
}

impl Table {
    /// The next non-blank row: (row number, cells). Ragged rows (more cells than headers) are
    /// returned as an error message for that row; reading goes on.
    pub fn next_row(&mut self) -> Option<Result<(u64, &[String]), Message>> {
        loop {
            let (row, len) = match &mut self.rows {
                RowSource::Cells(it) => {
                    let (row, cells) = it.next()?;
                    self.current = cells;
                    (row, self.current.len())
                }
                RowSource::Sheet(sheet) => {
                    let (row, cells) = sheet.next_row()?;
                    self.current = cells;
                    (row, self.current.len())
                }
                RowSource::Memory(csv) => {
                    let (line, first, len) = csv.next_record()?;
                    if self.current.len() < len {
                        self.current.resize(len, String::new());
                    }
                    for i in 0..len {
                        let field = csv.field(first, i);
                        set_text(&mut self.current[i], field, &mut self.decoded_1252);
                    }
                    (line, len)
                }
                RowSource::Stream(reader, record) => {
                    match reader.read_byte_record(record) {
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
                    if self.current.len() < record.len() {
                        self.current.resize(record.len(), String::new());
                    }
                    for (slot, field) in self.current.iter_mut().zip(record.iter()) {
                        set_text(slot, field, &mut self.decoded_1252);
                    }
                    (line, record.len())
                }
            };
            let cells = &self.current[..len];
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
            return Some(Ok((row, &self.current[..len])));
        }
    }

    /// Reads every row left, handing each row's number and cells to `per_row` with the
    /// messages so far; a row that cannot be read (ragged) is its message instead. Returns
    /// how many rows were read, both kinds. The whole file's messages come from `finish`.
    pub fn each_row(
        &mut self,
        messages: &mut Vec<Message>,
        mut per_row: impl FnMut(u64, &[String], &mut Vec<Message>),
    ) -> u64 {
        let mut rows = 0;
        while let Some(next) = self.next_row() {
            rows += 1;
            match next {
                Ok((row, cells)) => per_row(row, cells, messages),
                Err(m) => messages.push(m),
            }
        }
        rows
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
        Table::new(
            file.to_string(),
            None,
            headers,
            RowSource::Cells(rows.into_iter()),
        )
    }

    fn new(file: String, sheet: Option<String>, headers: Vec<String>, rows: RowSource) -> Table {
        Table {
            file,
            sheet,
            headers,
            rows,
            current: Vec::new(),
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
    let len = std::fs::metadata(path)
        .map_err(|e| {
            Message::new(
                &rules::FILE_UNREADABLE,
                &display_name(path),
                format!("The file could not be opened: {e}."),
            )
        })?
        .len();
    check_length(path, len, max_bytes)
}

/// Opens a file, refuses it when it is empty or over `max_bytes`, and reads its head (see
/// `read_head`): one open for all three.
pub fn read_head_checked(path: &Path, max_bytes: u64) -> Result<Head, Message> {
    let unreadable = |e: std::io::Error| {
        Message::new(
            &rules::FILE_UNREADABLE,
            &display_name(path),
            format!("The file could not be opened: {e}."),
        )
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    check_length(path, len, max_bytes)?;
    let mut bytes = Vec::with_capacity((len as usize).min(IN_MEMORY_BYTES) + 1);
    if len as usize <= IN_MEMORY_BYTES {
        // the size is known: one read, not a second one to find the end (files are read as
        // they were when opened)
        bytes.resize(len as usize, 0);
        file.read_exact(&mut bytes).map_err(unreadable)?;
    } else {
        (&mut file)
            .take(IN_MEMORY_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
    }
    let complete = bytes.len() <= IN_MEMORY_BYTES;
    Ok(Head { bytes, complete })
}

fn check_length(path: &Path, len: u64, max_bytes: u64) -> Result<(), Message> {
    let name = display_name(path);
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
fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head.iter().take(64 * 1024) {
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
    [b',', b';', b'\t'][best]
}

/// Opens a CSV file as a table. The header is the first non-blank line.
pub fn open_csv(path: &Path) -> Result<Table, Message> {
    let head = read_head(path).map_err(|e| {
        Message::new(
            &rules::FILE_UNREADABLE,
            &display_name(path),
            format!("The file could not be read: {e}."),
        )
    })?;
    open_csv_from(path, head)
}

/// Opens a CSV file as a table from its head already read (see `read_head`).
pub fn open_csv_from(path: &Path, head: Head) -> Result<Table, Message> {
    let name = display_name(path);
    let unreadable = |e: &dyn std::fmt::Display| {
        Message::new(
            &rules::FILE_UNREADABLE,
            &name,
            format!("The file could not be read: {e}."),
        )
    };
    let delimiter = sniff_delimiter(&head.bytes);
    let (headers, rows) = if head.complete {
        let mut data = head.bytes;
        if data.starts_with(b"\xef\xbb\xbf") {
            data.drain(..3);
        }
        let mut csv = MemoryCsv::parse(&data, delimiter);
        let headers: Vec<&[u8]> = match csv.next_record() {
            Some((_, first, n)) => (0..n).map(|i| csv.field(first, i)).collect(),
            None => Vec::new(),
        };
        (decode_headers(headers), RowSource::Memory(csv))
    } else {
        // The rest of the file follows the head already read.
        let mut file = File::open(path).map_err(|e| unreadable(&e))?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(head.bytes.len() as u64))
            .map_err(|e| unreadable(&e))?;
        let input: Box<dyn Read + Send> = Box::new(
            std::io::Cursor::new(head.bytes).chain(BufReader::with_capacity(256 * 1024, file)),
        );
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let headers = reader.byte_headers().map_err(|e| unreadable(&e))?.clone();
        (
            decode_headers(headers.iter().collect()),
            RowSource::Stream(Box::new(reader), csv::ByteRecord::new()),
        )
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(Message::new(
            &rules::FILE_EMPTY,
            &name,
            "The file has no header row.",
        ));
    }
    Ok(Table::new(name, None, headers, rows))
}

fn decode_headers(fields: Vec<&[u8]>) -> Vec<String> {
    fields
        .into_iter()
        .map(|h| match std::str::from_utf8(h) {
            Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(h).0.into_owned(),
        })
        .collect()
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

/// Checks a workbook's parts before it is opened: each part's size as the zip's directory
/// states it and as it really inflates (a directory can lie), its packing ratio, and the
/// shared strings' stated count (the reader reserves room for it up front). Bounded memory:
/// parts are inflated through a small buffer and only counted.
fn check_workbook(path: &Path, name: &str, limits: &WorkbookLimits) -> Result<(), Message> {
    let refuse = |text: String| Message::new(&rules::WORKBOOK_LIMIT, name, text);
    let unreadable = |e: &dyn std::fmt::Display| {
        Message::new(
            &rules::FILE_UNREADABLE,
            name,
            format!("The workbook could not be read: {e}."),
        )
    };
    let file = File::open(path).map_err(|e| unreadable(&e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| unreadable(&e))?;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let part_name = part.name().map_err(|e| unreadable(&e))?.to_string();
        let packed = part.compressed_size().max(1);
        let too_packed = |size: u64| size > 1024 * 1024 && size / packed > limits.max_ratio;
        let stated = part.size();
        if stated > limits.max_part_bytes || too_packed(stated) {
            return Err(refuse(format!(
                "The part {part_name} would unpack to {stated} bytes from {packed}: more than a return can hold."
            )));
        }
        let shared_strings = part_name
            .to_ascii_lowercase()
            .ends_with("sharedstrings.xml");
        let mut head: Vec<u8> = Vec::new();
        let mut size = 0u64;
        loop {
            let n = part.read(&mut buf).map_err(|e| unreadable(&e))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > limits.max_part_bytes || too_packed(size) {
                return Err(refuse(format!(
                    "The part {part_name} unpacks to more than {size} bytes from {packed}: more than a return can hold."
                )));
            }
            if shared_strings && head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
        }
        if shared_strings {
            // each string takes at least `<si/>`: a count the part cannot hold is false
            let stated = stated_count(&head);
            if stated > limits.max_shared_strings || stated > size / 5 + 1 {
                return Err(refuse(format!(
                    "The shared strings say they hold {stated} strings in {size} bytes: more than a return can hold, or not true."
                )));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` (else `count`) a shared-strings part states at its start; a number too
/// large to read is taken as the largest.
fn stated_count(head: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(head);
    for attr in ["uniqueCount=\"", "count=\""] {
        if let Some(at) = text.find(attr) {
            let digits: String = text[at + attr.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            return digits.parse().unwrap_or(u64::MAX);
        }
    }
    0
}

/// The sheets of a workbook that hold tables, with the first row that looks like a header.
/// `wanted(headers)` says whether a row of cells is a header this caller can use. Cells are
/// read as a stream into a sparse map (see `WorkbookLimits`).
pub fn open_xlsx(path: &Path, wanted: &dyn Fn(&[String]) -> bool) -> Result<Vec<Table>, Message> {
    open_xlsx_within(path, wanted, &WorkbookLimits::default())
}

/// `open_xlsx` with limits of the caller's choosing.
pub fn open_xlsx_within(
    path: &Path,
    wanted: &dyn Fn(&[String]) -> bool,
    limits: &WorkbookLimits,
) -> Result<Vec<Table>, Message> {
    let name = display_name(path);
    let refuse = |text: String| Message::new(&rules::WORKBOOK_LIMIT, &name, text);
    let unreadable = |e: &dyn std::fmt::Display| {
        Message::new(
            &rules::FILE_UNREADABLE,
            &name,
            format!("The workbook could not be read: {e}."),
        )
    };
    check_workbook(path, &name, limits)?;
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(|e| unreadable(&e))?;
    let mut tables = Vec::new();
    let mut filled = 0usize;
    for sheet in book.sheet_names() {
        // The template's guidance, examples and code lists are not returns.
        if crate::xlsx::NON_DATA_SHEETS
            .iter()
            .any(|n| sheet.eq_ignore_ascii_case(n))
        {
            continue;
        }
        let mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
        let mut beyond = 0usize;
        {
            let mut cells = book
                .worksheet_cells_reader(&sheet)
                .map_err(|e| unreadable(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                let (row, col) = cell.get_position();
                let text = cell_text(&Data::from(cell.get_value().clone()));
                if text.is_empty() {
                    continue;
                }
                if col >= limits.max_columns {
                    beyond += 1;
                    continue;
                }
                filled += 1;
                if filled > limits.max_cells {
                    return Err(refuse(format!(
                        "The workbook has more than {} filled cells: more than a return can hold.",
                        limits.max_cells
                    )));
                }
                rows.entry(row).or_default().push((col, text));
            }
        }
        if rows.is_empty() {
            continue;
        }
        let (top, bottom) = match (rows.keys().next(), rows.keys().next_back()) {
            (Some(t), Some(b)) => (*t, *b),
            _ => continue,
        };
        let left = rows
            .values()
            .flat_map(|r| r.iter().map(|(c, _)| *c))
            .min()
            .unwrap_or(0);
        let right = rows
            .values()
            .flat_map(|r| r.iter().map(|(c, _)| *c))
            .max()
            .unwrap_or(0);
        // A merged region shows its value in every cell it covers, as it does on screen, within
        // the filled part of the sheet only.
        if let Ok(merged) = book.merge_cells_by_sheet_name(&sheet) {
            if merged.len() > limits.max_merges {
                return Err(refuse(format!(
                    "The sheet {sheet} has {} merged regions: more than a return can hold (at most {}).",
                    merged.len(),
                    limits.max_merges
                )));
            }
            for m in merged {
                let value = rows
                    .get(&m.start.0)
                    .and_then(|r| r.iter().find(|(c, _)| *c == m.start.1))
                    .map(|(_, t)| t.clone());
                let Some(value) = value else { continue };
                let (r0, r1) = (m.start.0.max(top), m.end.0.min(bottom));
                let (c0, c1) = (m.start.1.max(left), m.end.1.min(right));
                for r in r0..=r1 {
                    for c in c0..=c1 {
                        let row = rows.entry(r).or_default();
                        if row.iter().any(|(x, _)| *x == c) {
                            continue;
                        }
                        filled += 1;
                        if filled > limits.max_cells {
                            return Err(refuse(format!(
                                "The workbook's merged cells fill more than {} cells: more than a return can hold.",
                                limits.max_cells
                            )));
                        }
                        row.push((c, value.clone()));
                    }
                }
            }
        }
        for r in rows.values_mut() {
            r.sort_by_key(|(c, _)| *c);
        }
        // The header is the first row that the caller recognises (guidance rows above it are
        // skipped); sheets without one (guidance, code lists) are not tables.
        let as_row = |cells: &[(u32, String)]| -> Vec<String> {
            let width = cells.last().map_or(0, |(c, _)| (c - left) as usize + 1);
            let mut out = vec![String::new(); width];
            for (c, t) in cells {
                out[(c - left) as usize] = t.clone();
            }
            out
        };
        let Some(header_row) = rows
            .iter()
            .take(20)
            .find(|(_, cells)| wanted(&as_row(cells)))
            .map(|(r, _)| *r)
        else {
            continue;
        };
        let headers = rows.get(&header_row).map(|c| as_row(c)).unwrap_or_default();
        let data = rows.split_off(&(header_row + 1));
        let mut table = Table::new(
            name.clone(),
            Some(sheet.clone()),
            headers.clone(),
            RowSource::Sheet(SparseRows {
                rows: data.into_iter(),
                left,
                width: headers.len(),
            }),
        );
        if beyond > 0 {
            table.notices.push(Message::new(
                &rules::WORKBOOK_LIMIT,
                &name,
                format!(
                    "The sheet {sheet} has {beyond} filled cells beyond column {}, where a return has no columns: delete them and send the file again.",
                    limits.max_columns
                ),
            ));
        }
        tables.push(table);
    }
    Ok(tables)
}

/// A header as a key: lower case, runs of anything but letters and digits as one `_`.
pub fn header_key(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    // Most headers are the template's own: plain ASCII, already keys.
    if h.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !h.starts_with('_')
        && !h.ends_with('_')
        && !h.contains("__")
    {
        out.push_str(h);
        return out;
    }
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
#[cfg(test)]
mod memory_csv_tests {
    use super::*;

    #[test]
    fn small_files_are_parsed_from_memory() {
        let dir = std::env::temp_dir().join(format!("cws-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.csv");
        std::fs::write(&p, "\u{feff}a,b\r\n1,2\r\n\r\n3,\"x,y\"\n").unwrap();
        let mut t = open_csv(&p).unwrap();
        assert_eq!(t.headers, ["a", "b"]);
        let mut rows = Vec::new();
        while let Some(r) = t.next_row() {
            let (n, cells) = r.unwrap();
            rows.push((n, cells.to_vec()));
        }
        assert_eq!(
            rows,
            [
                (2, vec!["1".to_string(), "2".into()]),
                (4, vec!["3".into(), "x,y".into()])
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn large_files_are_streamed_on_from_the_head_already_read() {
        let dir = std::env::temp_dir().join(format!("cws-read-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("big.csv");
        let mut text = String::from("n;note\n");
        let rows = 40_000;
        for i in 0..rows {
            // quoted fields with the delimiter and a line break inside, across the head's end
            text.push_str(&format!("{i};\"a;b\nline {i} padding padding\"\n"));
        }
        assert!(text.len() > IN_MEMORY_BYTES);
        std::fs::write(&p, &text).unwrap();
        let mut t = open_csv(&p).unwrap();
        assert_eq!(t.headers, ["n", "note"]);
        let mut seen = 0;
        while let Some(r) = t.next_row() {
            let (line, cells) = r.unwrap();
            assert_eq!(cells[0], seen.to_string());
            assert_eq!(cells[1], format!("a;b\nline {seen} padding padding"));
            assert_eq!(line, 2 + 2 * seen as u64);
            seen += 1;
        }
        assert_eq!(seen, rows);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
