//! A document as blocks in reading order: headings, paragraphs, notes, lists, tables and
//! charts. The HTML print view and the Word writer render the same blocks, so the two
//! cannot drift apart.

use crate::chart::trim_number;

/// A piece of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Para(String),
    /// Set apart (a prompt, a note on the figures).
    Note(String),
    Bullets(Vec<String>),
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Chart {
        title: String,
        /// The chart for a page (inline SVG) and as a file (with its title and legend).
        svg: String,
        standalone: String,
    },
}

/// An amount of money in whole pounds with thousands separated: `£12,500`, `-£40`.
pub fn money(x: f64) -> String {
    let whole = x.round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}£{out}", if whole < 0 { "-" } else { "" })
}

/// A figure as written in a document; no figure is a dash, never 0.
pub fn num(x: Option<f64>) -> String {
    x.map(trim_number).unwrap_or_else(|| "–".into())
}

/// Paragraphs of a written text (blank lines separate them; lines starting "- " are bullets).
pub fn text_blocks(body: &str, out: &mut Vec<Block>) {
    for chunk in body.replace("\r\n", "\n").split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        let lines: Vec<&str> = chunk.lines().collect();
        if lines.iter().all(|l| l.trim_start().starts_with("- ")) {
            out.push(Block::Bullets(
                lines
                    .iter()
                    .map(|l| l.trim_start()[2..].trim().to_string())
                    .collect(),
            ));
        } else {
            out.push(Block::Para(lines.join(" ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_figures_read_as_written() {
        assert_eq!(money(12500.4), "£12,500");
        assert_eq!(money(-40.0), "-£40");
        assert_eq!(money(999.0), "£999");
        assert_eq!(num(None), "–");
        assert_eq!(num(Some(0.0)), "0");
    }

    #[test]
    fn blank_lines_make_paragraphs_and_dashes_make_lists() {
        let mut out = Vec::new();
        text_blocks("One\nline.\r\n\r\n- a\n- b\n\n", &mut out);
        assert_eq!(
            out,
            vec![
                Block::Para("One line.".into()),
                Block::Bullets(vec!["a".into(), "b".into()])
            ]
        );
    }
}
