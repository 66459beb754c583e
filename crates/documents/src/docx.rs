//! The strategy (or a board report) as a Word document a board can table: A4, a working
//! contents list (bookmarked headings, the field marked to update on open, its tab at the
//! right margin), a header with the title and a footer with "Page X of Y", the version and
//! the date, document properties, tables whose header row repeats and whose columns are set,
//! charts at the text width kept with their captions, and page breaks only before long
//! sections. Built from the same blocks as the print view.

use std::io::{Read, Write};

use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, Header, Hyperlink, HyperlinkType,
    InstrNUMPAGES, InstrPAGE, InstrPAGEREF, InstrText, LineSpacing, PageMargin,
    PageOrientationType, PageSize, Paragraph, Pic, Run, RunFonts, SectionProperty, Shading, Style,
    StyleType, Tab, TabLeaderType, TabValueType, Table, TableBorders, TableCell, TableLayoutType,
    TableRow, WidthType,
};

use crate::{Block, DocumentError};

/// EMUs per pixel at 96 dpi, and per twip.
const EMU_PER_PX: u32 = 9525;
const EMU_PER_TWIP: u32 = 635;
/// A4 in twips, with 2 cm margins: the text is 17 cm wide.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
const MARGIN: i32 = 1_134;
pub const TEXT_WIDTH: usize = 9_638;
/// The text's width on a page turned across (landscape), for tables too wide to stand up.
pub const LANDSCAPE_TEXT_WIDTH: usize = 14_570;
/// The tallest a chart is drawn (twips): an upright page's text height less room for its
/// caption and a heading.
const CHART_HEIGHT: u32 = 12_500;
/// A section longer than this (in lines, roughly) starts on a new page.
const LONG_SECTION_LINES: usize = 30;

/// The width and height of a PNG, from its header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(png[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(png[20..24].try_into().ok()?);
    Some((w, h))
}

/// Word's built-in heading styles by their ids and names, with an outline level so the
/// contents field finds them.
fn heading_style(id: &str, name: &str, size: usize, level: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .size(size)
        .bold()
        .color("0B0C0C")
        .outline_lvl(level)
        .line_spacing(LineSpacing::new().before(240).after(80))
}

fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

/// A rating or a direction is said in words and shown in colour: (fill, text colour).
fn colour_of(word: &str) -> Option<(&'static str, &'static str)> {
    let w = word.trim().to_lowercase();
    let first = w.split([' ', '(']).next().unwrap_or("");
    match first {
        "red" | "worse" => Some(("F6D7D2", "942514")),
        "amber" => Some(("FFF0C2", "594D00")),
        "green" | "better" => Some(("CCE2D8", "005A30")),
        _ => None,
    }
}

fn cell(s: &str, header: bool, width: usize) -> TableCell {
    let mut run = text(s).size(18);
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    if header {
        run = run.bold();
        c = c.shading(Shading::new().fill("F3F2F1"));
    } else if let Some((fill, ink)) = colour_of(s) {
        run = run.color(ink).bold();
        c = c.shading(Shading::new().fill(fill));
    }
    c.add_paragraph(
        Paragraph::new()
            .add_run(run)
            .line_spacing(LineSpacing::new().after(0)),
    )
}

/// 9-point text in a cell: about 120 twips a character (bold), plus the cell's margins.
const PER_CHAR: usize = 120;
const PADDING: usize = 230;

/// The longest word of each column, in characters (at most 24: a longer one must break).
fn longest_words(header: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    (0..header.len().max(1))
        .map(|i| {
            std::iter::once(header.get(i))
                .chain(rows.iter().map(|r| r.get(i)))
                .flatten()
                .flat_map(|s| s.split_whitespace())
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(1)
                .min(24)
        })
        .collect()
}

/// Whether a table's columns can each hold their longest word across `total` twips.
pub fn fits(header: &[String], rows: &[Vec<String>], total: usize) -> bool {
    longest_words(header, rows)
        .iter()
        .map(|w| w * PER_CHAR + PADDING)
        .sum::<usize>()
        <= total
}

/// Column widths that fit the text (twips, summing to `total`): every column first gets
/// room for its longest word, so no word breaks mid-way; what is left goes to the columns
/// whose lines are longer than that, in proportion (a long column cannot starve the others).
pub fn column_widths(header: &[String], rows: &[Vec<String>], total: usize) -> Vec<usize> {
    let n = header.len().max(1);
    let column =
        |i: usize| std::iter::once(&header[i]).chain(rows.iter().filter_map(move |r| r.get(i)));
    let longest_word = longest_words(header, rows);
    let longest_line: Vec<usize> = (0..n)
        .map(|i| {
            column(i)
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(1)
                .min(60)
        })
        .collect();
    let need: Vec<usize> = longest_word
        .iter()
        .map(|w| w * PER_CHAR + PADDING)
        .collect();
    let needed: usize = need.iter().sum();
    let mut widths: Vec<usize> = if needed >= total {
        // too many columns for the width: the narrow ones (dates, ratings, numbers) keep
        // their room, and the wide text columns share what is left, wrapping more
        let narrow = |w: usize| w <= 8 * PER_CHAR + PADDING;
        let reserved: usize = need.iter().filter(|w| narrow(**w)).sum();
        let wide: usize = need.iter().filter(|w| !narrow(**w)).sum();
        let wide_count = need.iter().filter(|w| !narrow(**w)).count();
        if wide > 0 && reserved + wide_count * 1_200 <= total {
            let rest = total - reserved;
            need.iter()
                .map(|&w| if narrow(w) { w } else { rest * w / wide })
                .collect()
        } else {
            need.iter().map(|w| total * w / needed.max(1)).collect()
        }
    } else {
        let spare = total - needed;
        let want: Vec<usize> = (0..n)
            .map(|i| longest_line[i].saturating_sub(longest_word[i]) * PER_CHAR)
            .collect();
        let wanted: usize = want.iter().sum();
        (0..n)
            .map(|i| match wanted {
                0 => need[i] + spare / n,
                _ => need[i] + (spare as u64 * want[i] as u64 / wanted as u64) as usize,
            })
            .collect()
    };
    let used: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += total.saturating_sub(used);
    }
    widths
}

/// Roughly how many lines a block takes on the page.
fn lines_of(b: &Block) -> usize {
    match b {
        Block::Heading(..) => 2,
        Block::Para(t) | Block::Note(t) => t.chars().count() / 90 + 1,
        Block::Bullets(items) => items.iter().map(|i| i.chars().count() / 85 + 1).sum(),
        Block::Table { rows, .. } => rows.len() + 3,
        Block::Chart { .. } => 20,
    }
}

/// What a document is, for its properties, header and footer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    pub title: String,
    /// Who it is by: the document's author.
    pub author: String,
    /// When it was first made and last changed, as RFC 3339 (`2026-04-01T09:00:00Z`).
    pub created: String,
    pub modified: String,
    /// The version and date in words, for the footer ("Version of 1 December 2026").
    pub version: String,
    /// A contents list after the title (a short report has none).
    pub contents: bool,
    /// The figures include a generated, synthetic workforce: said on the cover and in the
    /// header and footer of every page.
    pub synthetic: bool,
}

/// The words that label a document of synthetic data.
pub const SYNTHETIC_LABEL: &str =
    "SYNTHETIC DATA: worker-level figures come from a generated workforce and describe no real person.";

/// The bookmark of the `n`th block, a heading, that the contents list points to.
fn bookmark(n: usize) -> String {
    format!("_Toc{n:08}")
}

/// The contents list: an entry per heading of levels 1 and 2, each a link to its heading's
/// bookmark with its page number — a PAGEREF field marked dirty, so Word works it out on
/// opening and LibreOffice as it lays the pages out — after a dotted tab at the right margin.
/// (Not wrapped in a TOC field: LibreOffice would show a TOC field's stored text instead.)
fn contents(blocks: &[Block]) -> Vec<Paragraph> {
    let mut out = vec![Paragraph::new()
        .add_run(text("Contents").bold().size(28))
        .keep_next(true)];
    for (n, b) in blocks.iter().enumerate() {
        let Block::Heading(level @ (1 | 2), heading) = b else {
            continue;
        };
        let key = bookmark(n);
        let page = Run::new()
            .add_field_char(FieldCharType::Begin, true)
            .add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(&key).hyperlink()))
            .add_field_char(FieldCharType::Separate, false)
            .add_text("")
            .add_field_char(FieldCharType::End, false);
        out.push(
            Paragraph::new()
                .style(&format!("TOC{level}"))
                .add_tab(
                    Tab::new()
                        .val(TabValueType::Right)
                        .leader(TabLeaderType::Dot)
                        .pos(TEXT_WIDTH),
                )
                .add_hyperlink(
                    Hyperlink::new(&key, HyperlinkType::Anchor)
                        .add_run(text(heading))
                        .add_run(Run::new().add_tab())
                        .add_run(page),
                ),
        );
    }
    out
}

/// A field (the page number, the number of pages) in the run's own type, so the number is
/// the size of the words around it.
fn field(run: Run, instr: InstrText) -> Run {
    run.add_field_char(FieldCharType::Begin, false)
        .add_instr_text(instr)
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false)
}

/// Which blocks go on pages turned across: each table too wide to stand up (its columns
/// cannot hold their longest words across the upright text width), with the tables and
/// notes that follow it, so that neighbouring wide tables share their pages.
fn turned_across(blocks: &[Block]) -> Vec<bool> {
    let mut out = vec![false; blocks.len()];
    for (n, b) in blocks.iter().enumerate() {
        out[n] = match b {
            Block::Table { header, rows, .. } if !fits(header, rows, TEXT_WIDTH) => true,
            // a chart stands up: turned across, a tall one would not fit the page's height
            Block::Table { .. } | Block::Note(_) => n > 0 && out[n - 1],
            _ => false,
        };
    }
    out
}

/// An empty paragraph that ends a section of A4 pages, upright or turned across. The
/// header and footer are referred to from every section (see `finish`).
fn section_end(landscape: bool) -> Paragraph {
    let (w, h, orient) = if landscape {
        (PAGE_HEIGHT, PAGE_WIDTH, PageOrientationType::Landscape)
    } else {
        (PAGE_WIDTH, PAGE_HEIGHT, PageOrientationType::Portrait)
    };
    Paragraph::new().section_property(
        SectionProperty::new()
            .page_size(PageSize::new().size(w, h).orient(orient))
            .page_margin(page_margin()),
    )
}

fn page_margin() -> PageMargin {
    PageMargin::new()
        .top(MARGIN)
        .bottom(MARGIN)
        .left(MARGIN)
        .right(MARGIN)
        .header(567)
        .footer(567)
}

/// Builds the document: the title on the first page, the contents, then the blocks.
pub fn build(about: &About, blocks: &[Block]) -> Result<Vec<u8>, DocumentError> {
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
        .default_size(21)
        // a little space after each paragraph, so that paragraphs read apart
        .default_line_spacing(LineSpacing::new().after(120))
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(page_margin())
        .add_style(heading_style("Title", "Title", 48, 0).outline_lvl(9))
        .add_style(heading_style("Heading1", "heading 1", 32, 0))
        .add_style(heading_style("Heading2", "heading 2", 28, 1))
        .add_style(heading_style("Heading3", "heading 3", 24, 2))
        .add_style(Style::new("TOC1", StyleType::Paragraph).name("toc 1"))
        .add_style(
            Style::new("TOC2", StyleType::Paragraph)
                .name("toc 2")
                .indent(Some(360), None, None, None),
        )
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("caption")
                .size(18)
                .italic(),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(text(&about.title))
                .style("Title")
                .align(AlignmentType::Left),
        )
        .add_paragraph(Paragraph::new().add_run(text(&about.version).color("505A5F")));
    // every page says what the document is, which page it is and, when so, that its data
    // is synthetic
    let grey = |s: &str| text(s).size(16).color("505A5F");
    let mut header = Header::new().add_paragraph(Paragraph::new().add_run(grey(&about.title)));
    let mut footer = Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(grey("Page "))
            .add_run(field(grey(""), InstrText::PAGE(InstrPAGE::new())))
            .add_run(grey(" of "))
            .add_run(field(grey(""), InstrText::NUMPAGES(InstrNUMPAGES::new())))
            .add_run(grey(&format!(" · {}", about.version))),
    );
    if about.synthetic {
        let label =
            || Paragraph::new().add_run(text(SYNTHETIC_LABEL).bold().size(16).color("B10E1E"));
        doc = doc.add_paragraph(
            Paragraph::new().add_run(text(SYNTHETIC_LABEL).bold().size(28).color("B10E1E")),
        );
        header = header.add_paragraph(label());
        footer = footer.add_paragraph(label());
    }
    doc = doc.header(header).footer(footer);
    let turned = turned_across(blocks);
    let mut first_heading = true;
    for (n, b) in blocks.iter().enumerate() {
        if turned[n] && (n == 0 || !turned[n - 1]) {
            // ends the upright section before the pages turned across
            doc = doc.add_paragraph(section_end(false));
        }
        let width = if turned[n] {
            LANDSCAPE_TEXT_WIDTH
        } else {
            TEXT_WIDTH
        };
        // the contents come after what precedes the first heading (what the document is)
        if first_heading && about.contents && matches!(b, Block::Heading(..)) {
            for p in contents(blocks) {
                doc = doc.add_paragraph(p);
            }
        }
        doc = match b {
            Block::Heading(level, h) => {
                let level = *level.clamp(&1, &3);
                let mut p = Paragraph::new()
                    .add_bookmark_start(n, bookmark(n))
                    .add_run(text(h))
                    .add_bookmark_end(n)
                    .style(&format!("Heading{level}"))
                    .keep_next(true);
                if level == 1 {
                    // the contents stand alone; after them, only a long section starts a page
                    let section: usize = blocks[n + 1..]
                        .iter()
                        .take_while(|b| !matches!(b, Block::Heading(1, _)))
                        .map(lines_of)
                        .sum();
                    if (first_heading && about.contents)
                        || (!first_heading && section > LONG_SECTION_LINES)
                    {
                        p = p.page_break_before(true);
                    }
                    first_heading = false;
                }
                doc.add_paragraph(p)
            }
            Block::Para(t) => doc.add_paragraph(Paragraph::new().add_run(text(t))),
            Block::Note(t) => doc.add_paragraph(Paragraph::new().add_run(text(t)).style("Caption")),
            Block::Bullets(items) => {
                let mut d = doc;
                for i in items {
                    d = d.add_paragraph(
                        Paragraph::new()
                            .add_run(text(&format!("•\u{a0}{i}")))
                            .indent(Some(360), None, None, None),
                    );
                }
                d
            }
            Block::Table {
                caption,
                header,
                rows,
            } => {
                let widths = column_widths(header, rows, width);
                // the header row repeats on every page (set after packing: see `finish`)
                let mut table_rows = vec![TableRow::new(
                    header
                        .iter()
                        .zip(&widths)
                        .map(|(h, w)| cell(h, true, *w))
                        .collect(),
                )
                .cant_split()];
                table_rows.extend(rows.iter().map(|r| {
                    TableRow::new(
                        r.iter()
                            .zip(&widths)
                            .map(|(c, w)| cell(c, false, *w))
                            .collect(),
                    )
                    .cant_split()
                }));
                doc.add_paragraph(
                    Paragraph::new()
                        .add_run(text(caption))
                        .style("Caption")
                        .keep_next(true),
                )
                .add_table(
                    Table::new(table_rows)
                        .set_grid(widths)
                        .layout(TableLayoutType::Fixed)
                        .set_borders(
                            TableBorders::new().set(
                                docx_rs::TableBorder::new(docx_rs::TableBorderPosition::InsideH)
                                    .border_type(BorderType::Single),
                            ),
                        )
                        .width(width, WidthType::Dxa),
                )
                .add_paragraph(Paragraph::new())
            }
            Block::Chart {
                title, standalone, ..
            } => {
                let png = crate::chart::png(standalone, 2.0).map_err(|e| DocumentError::Chart {
                    title: title.clone(),
                    problem: e.to_string(),
                })?;
                let (w, h) = png_size(&png).ok_or_else(|| DocumentError::Chart {
                    title: title.clone(),
                    problem: "the picture is not a PNG".into(),
                })?;
                // at the text width (drawn at 2×, so never enlarged past its own size twice)
                let max = TEXT_WIDTH as u32 * EMU_PER_TWIP;
                let natural = w / 2 * EMU_PER_PX;
                let mut wid = natural.clamp(max * 3 / 4, max);
                let mut hei = (u64::from(h) * u64::from(wid) / u64::from(w.max(1))) as u32;
                // and never taller than a page holds with its caption: narrower instead
                let tallest = CHART_HEIGHT * EMU_PER_TWIP;
                if hei > tallest {
                    wid = (u64::from(wid) * u64::from(tallest) / u64::from(hei)) as u32;
                    hei = tallest;
                }
                doc.add_paragraph(
                    Paragraph::new()
                        .add_run(text(&format!("Chart: {title}")))
                        .style("Caption")
                        .keep_next(true),
                )
                .add_paragraph(
                    Paragraph::new()
                        .add_run(
                            Run::new()
                                .add_image(Pic::new_with_dimensions(png, w, h).size(wid, hei)),
                        )
                        .keep_lines(true),
                )
            }
        };
        if turned[n] && blocks.get(n + 1).is_none_or(|_| !turned[n + 1]) {
            doc = doc.add_paragraph(section_end(true));
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Word(e.to_string()))?;
    finish(&out.into_inner(), about)
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What docx-rs cannot say, set in the package it wrote: each table's first row repeats as
/// a header on every page, and the document's properties (title, author, dates).
fn finish(packed: &[u8], about: &About) -> Result<Vec<u8>, DocumentError> {
    let word = |e: &dyn std::fmt::Display| DocumentError::Word(e.to_string());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(packed)).map_err(|e| word(&e))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| word(&e))?;
        let name = file.name().map_err(|e| word(&e))?.to_string();
        let mut body = Vec::new();
        file.read_to_end(&mut body).map_err(|e| word(&e))?;
        let body = match name.as_str() {
            "word/document.xml" => {
                let document = repeat_header_rows(&String::from_utf8_lossy(&body));
                every_section_headed(&document).into_bytes()
            }
            "docProps/core.xml" => core_properties(about).into_bytes(),
            _ => body,
        };
        out.start_file(name, options).map_err(|e| word(&e))?;
        out.write_all(&body).map_err(|e| word(&e))?;
    }
    Ok(out.finish().map_err(|e| word(&e))?.into_inner())
}

/// Marks the first row of every table as a header row (`w:tblHeader`), so Word and
/// LibreOffice repeat it at the top of each page the table runs onto.
fn repeat_header_rows(document: &str) -> String {
    let mut out = String::with_capacity(document.len() + 1024);
    let mut rest = document;
    while let Some(at) = rest.find("<w:tbl>") {
        let (before, table) = rest.split_at(at);
        out.push_str(before);
        // the first row's properties: docx-rs writes `<w:trPr><w:cantSplit />` for it
        match table.find("<w:trPr>") {
            Some(p) if table[..p].matches("<w:tr>").count() <= 1 => {
                let p = p + "<w:trPr>".len();
                out.push_str(&table[..p]);
                out.push_str("<w:tblHeader />");
                rest = &table[p..];
            }
            _ => {
                out.push_str("<w:tbl>");
                rest = &table["<w:tbl>".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Gives every section the header and footer of the document's last (body) section:
/// docx-rs writes them there only, and the first section, having no section before it to
/// take them from, would print without them.
fn every_section_headed(document: &str) -> String {
    let Some(last) = document.rfind("<w:sectPr>") else {
        return document.to_string();
    };
    let body = &document[last..];
    let references: String = ["<w:headerReference ", "<w:footerReference "]
        .iter()
        .flat_map(|tag| {
            body.match_indices(tag).filter_map(|(at, _)| {
                body[at..]
                    .find("/>")
                    .map(|end| body[at..at + end + 2].to_string())
            })
        })
        .collect();
    let (before, rest) = document.split_at(last);
    // sections ended inside the text, each with the references first, as the schema orders
    format!(
        "{}{rest}",
        before.replace("<w:sectPr>", &format!("<w:sectPr>{references}"))
    )
}

fn core_properties(about: &About) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified><cp:revision>1</cp:revision><dc:description>{}</dc:description></cp:coreProperties>"#,
        xml(&about.title),
        xml(&about.author),
        xml(&about.author),
        xml(&about.created),
        xml(&about.modified),
        xml(&if about.synthetic {
            format!("{} {SYNTHETIC_LABEL}", about.version)
        } else {
            about.version.clone()
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_sizes_are_read_from_the_header() {
        let png = crate::chart::png(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" viewBox="0 0 40 30"><rect width="40" height="30"/></svg>"#,
            1.0,
        )
        .unwrap();
        assert_eq!(png_size(&png), Some((40, 30)));
        assert_eq!(png_size(b"GIF89a"), None);
    }

    #[test]
    fn columns_fit_their_text_and_fill_the_width() {
        let header = vec!["Figure".to_string(), "Before".into(), "After".into()];
        let rows = vec![vec![
            "Vacancy rate (FTE, %) of children and family social workers".to_string(),
            "12.5".into(),
            "9.1".into(),
        ]];
        let w = column_widths(&header, &rows, TEXT_WIDTH);
        assert_eq!(w.iter().sum::<usize>(), TEXT_WIDTH);
        assert!(w[0] > 3 * w[1], "{w:?}");
        assert!(
            w[1] >= TEXT_WIDTH / 20,
            "a number column is not starved: {w:?}"
        );
    }

    #[test]
    fn a_wide_table_keeps_its_narrow_columns_whole() {
        let header: Vec<String> = [
            "Workstream",
            "Action",
            "Lead",
            "Start",
            "Due",
            "Milestones",
            "Status",
            "RAG",
            "Progress",
        ]
        .map(String::from)
        .to_vec();
        let rows = vec![[
            "Closer integration of services",
            "Add the September workforce return to early years funding agreements",
            "Early years commissioning manager",
            "1 Jun 2026",
            "31 Oct 2026",
            "Clause drafted; agreed with the providers' forum",
            "In progress",
            "Red",
            "Providers' forum asked for a simpler template first.",
        ]
        .map(String::from)
        .to_vec()];
        let mut rows = rows;
        let mut second = rows[0].clone();
        second[7] = "Green".into();
        rows.push(second);
        let w = column_widths(&header, &rows, TEXT_WIDTH);
        assert_eq!(w.iter().sum::<usize>(), TEXT_WIDTH);
        // "Green", "2026", "progress" fit whole
        assert!(w[7] >= 5 * 120 + 230 && w[4] >= 4 * 120 + 230, "{w:?}");
    }

    #[test]
    fn a_table_too_wide_to_stand_up_is_turned_across_with_its_header_and_footer() {
        let table = |columns: usize| Block::Table {
            caption: "Actions".into(),
            header: (0..columns).map(|c| format!("Heading{c}")).collect(),
            rows: vec![(0..columns).map(|c| format!("development{c}")).collect()],
        };
        let blocks = vec![
            Block::Heading(1, "Actions".into()),
            Block::Para("The plan.".into()),
            table(9),
            Block::Note("Ratings are worked out by cws.".into()),
            table(3),
            Block::Para("Next.".into()),
            table(3),
        ];
        assert_eq!(
            turned_across(&blocks),
            [false, false, true, true, true, false, false]
        );
        let about = About {
            title: "Plan".into(),
            ..About::default()
        };
        let bytes = build(&about, &blocks).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut document = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        // upright to the table, across for it and what follows it, upright again
        let sections: Vec<&str> = document.split("<w:sectPr>").skip(1).collect();
        assert_eq!(sections.len(), 3, "{document}");
        assert!(sections[0].contains(r#"w:w="11906" w:h="16838""#));
        assert!(sections[1].contains(r#"w:w="16838" w:h="11906" w:orient="landscape""#));
        assert!(sections[2].contains(r#"w:w="11906" w:h="16838""#));
        for s in &sections {
            let s = &s[..s.find("</w:sectPr>").unwrap()];
            assert!(
                s.contains("<w:headerReference ") && s.contains("<w:footerReference "),
                "every section has the header and footer: {s}"
            );
        }
        // the wide table spans the page turned across
        assert!(document.contains(&format!(r#"<w:tblW w:w="{LANDSCAPE_TEXT_WIDTH}""#)));
    }

    #[test]
    fn every_table_s_first_row_is_a_header_row() {
        let doc = "<w:body><w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl><w:tbl><w:tr><w:trPr></w:trPr></w:tr></w:tbl></w:body>";
        let out = repeat_header_rows(doc);
        assert_eq!(out.matches("<w:tblHeader />").count(), 2, "{out}");
        assert!(out.starts_with("<w:body><w:tbl><w:tr><w:trPr><w:tblHeader /><w:cantSplit />"));
    }

    #[test]
    fn the_document_names_its_title_author_and_dates() {
        let about = About {
            title: "Strategy & plan".into(),
            author: "Richmond upon Thames".into(),
            created: "2026-04-01T09:00:00Z".into(),
            modified: "2026-12-01T10:00:00Z".into(),
            version: "Version of 1 December 2026".into(),
            contents: true,
            synthetic: true,
        };
        let bytes = build(
            &about,
            &[Block::Heading(1, "One".into()), Block::Para("x".into())],
        )
        .unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut core = String::new();
        z.by_name("docProps/core.xml")
            .unwrap()
            .read_to_string(&mut core)
            .unwrap();
        assert!(
            core.contains("<dc:title>Strategy &amp; plan</dc:title>"),
            "{core}"
        );
        assert!(core.contains("<dc:creator>Richmond upon Thames</dc:creator>"));
        assert!(core.contains("2026-04-01T09:00:00Z") && !core.contains("1970"));
        let mut document = String::new();
        z.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        assert!(
            document.contains("w:name=\"_Toc00000000\""),
            "the heading is bookmarked"
        );
        assert!(document.contains("PAGEREF _Toc00000000"), "{document}");
        assert!(
            document.contains("w:pos=\"9638\""),
            "the tab at the right margin"
        );
        assert!(!document.contains("80000"));
    }
}
