//! The strategy (or a board report) as a Word document: a title, contents, headings, tables
//! and charts as pictures, from the same blocks as the print view.

use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, Header, Paragraph, Pic, Run, Style, StyleType, Table,
    TableBorders, TableCell, TableOfContents, TableOfContentsItem, TableRow, WidthType,
};

use crate::{Block, DocumentError};

/// EMUs per pixel at 96 dpi.
const EMU_PER_PX: u32 = 9525;
/// The widest a chart is drawn on an A4 page with normal margins (16 cm).
const MAX_WIDTH_EMU: u32 = 5_760_000;

/// The width and height of a PNG, from its header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(png[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(png[20..24].try_into().ok()?);
    Some((w, h))
}

fn heading_style(id: &str, name: &str, size: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .size(size)
        .bold()
        .color("0B0C0C")
}

fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

fn cell(s: &str, header: bool) -> TableCell {
    let run = if header { text(s).bold() } else { text(s) };
    TableCell::new().add_paragraph(Paragraph::new().add_run(run.size(18)))
}

/// What a document says about its data wherever it travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The figures include a generated, synthetic workforce: said on the cover and in the
    /// header and footer of every page.
    pub synthetic: bool,
}

/// The words that label a document of synthetic data.
pub const SYNTHETIC_LABEL: &str =
    "SYNTHETIC DATA: worker-level figures come from a generated workforce and describe no real person.";

/// Builds the document: `title` on the first page, contents, then the blocks.
pub fn build(
    title: &str,
    blocks: &[Block],
    provenance: Provenance,
) -> Result<Vec<u8>, DocumentError> {
    let mut doc = Docx::new()
        .add_style(heading_style("Title", "Title", 48))
        .add_style(heading_style("Heading1", "Heading 1", 32))
        .add_style(heading_style("Heading2", "Heading 2", 28))
        .add_style(heading_style("Heading3", "Heading 3", 24))
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("Caption")
                .size(18)
                .italic(),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(text(title))
                .style("Title")
                .align(AlignmentType::Left),
        );
    if provenance.synthetic {
        let label =
            || Paragraph::new().add_run(text(SYNTHETIC_LABEL).bold().size(18).color("B10E1E"));
        doc = doc
            .add_paragraph(
                Paragraph::new().add_run(text(SYNTHETIC_LABEL).bold().size(28).color("B10E1E")),
            )
            .header(Header::new().add_paragraph(label()))
            .footer(Footer::new().add_paragraph(label()));
    }
    // contents filled in now (so it reads without updating) and refreshed by Word on request
    let mut toc = TableOfContents::new()
        .heading_styles_range(1, 2)
        .alias("Contents");
    for (n, b) in blocks.iter().enumerate() {
        if let Block::Heading(level @ (1 | 2), h) = b {
            toc = toc.add_item(
                TableOfContentsItem::new()
                    .text(h)
                    .toc_key(format!("_Toc{n:08}"))
                    .level(*level as usize),
            );
        }
    }
    doc = doc
        .add_paragraph(Paragraph::new().add_run(text("Contents").bold().size(28)))
        .add_table_of_contents(toc);
    let mut first_heading = true;
    for b in blocks {
        doc = match b {
            Block::Heading(level, h) => {
                let mut p = Paragraph::new()
                    .add_run(text(h))
                    .style(&format!("Heading{}", level.clamp(&1, &3)));
                if *level == 1 && first_heading {
                    p = p.page_break_before(true);
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
                let mut table_rows = vec![TableRow::new(
                    header.iter().map(|h| cell(h, true)).collect(),
                )];
                table_rows.extend(
                    rows.iter()
                        .map(|r| TableRow::new(r.iter().map(|c| cell(c, false)).collect())),
                );
                doc.add_paragraph(Paragraph::new().add_run(text(caption)).style("Caption"))
                    .add_table(
                        Table::new(table_rows)
                            .set_borders(
                                TableBorders::new().set(
                                    docx_rs::TableBorder::new(
                                        docx_rs::TableBorderPosition::InsideH,
                                    )
                                    .border_type(BorderType::Single),
                                ),
                            )
                            .width(5000, WidthType::Pct),
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
                // drawn at half its pixel size (rendered at 2×), no wider than the page
                let mut wid = w / 2 * EMU_PER_PX;
                let mut hei = h / 2 * EMU_PER_PX;
                if wid > MAX_WIDTH_EMU {
                    hei = (hei as u64 * MAX_WIDTH_EMU as u64 / wid as u64) as u32;
                    wid = MAX_WIDTH_EMU;
                }
                doc.add_paragraph(Paragraph::new().add_run(
                    Run::new().add_image(Pic::new_with_dimensions(png, w, h).size(wid, hei)),
                ))
            }
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Word(e.to_string()))?;
    Ok(out.into_inner())
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
}
