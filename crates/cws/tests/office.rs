//! The documents of the demo opened in real office software: the Word strategy and board
//! report, a dashboard's Excel download and an employer's template are converted to PDF by
//! LibreOffice headless, the print view by headless Chromium, and the PDFs' text read with
//! `pdftotext` — no field errors or codes, a contents list with page numbers, a footer on
//! every page, page counts within bounds. Each PDF's pages are drawn as PNGs in
//! `target/office/` to be looked at.
//!
//! Needs `soffice` (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui), `pdftotext`
//! and `pdftoppm` (poppler-utils) and `chromium`; `.ci/run` installs them and sets
//! `CWS_REQUIRE_OFFICE`, which makes their absence a failure rather than a skip.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::*;

/// Whether `tool` is installed (it starts at all: poppler's tools exit 1 on `-v`).
fn has(tool: &str) -> bool {
    Command::new(tool).arg("-v").output().is_ok()
}

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/office");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `file` converted to PDF by LibreOffice (its own profile, so runs do not collide).
fn soffice_pdf(file: &Path, profile: &Path) -> PathBuf {
    let out = file.parent().unwrap();
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .output()
        .unwrap();
    let pdf = file.with_extension("pdf");
    assert!(
        pdf.exists(),
        "LibreOffice made no PDF of {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    pdf
}

/// The PDF's pages as text, laid out.
fn pages(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Draws the PDF's pages as PNGs beside it, to be looked at.
fn draw(pdf: &Path) {
    let stem = pdf.with_extension("");
    // pages of an earlier, longer rendering would otherwise be left beside these
    let prefix = format!(
        "{}-",
        stem.file_name().unwrap_or_default().to_string_lossy()
    );
    if let Ok(dir) = std::fs::read_dir(pdf.parent().unwrap_or(Path::new("."))) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && name.ends_with(".png") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let _ = Command::new("pdftoppm")
        .args(["-png", "-r", "50"])
        .arg(pdf)
        .arg(&stem)
        .status();
}

/// What no rendered document may show: unresolved fields and their codes.
fn no_field_faults(name: &str, text: &str) {
    for fault in [
        "Error!",
        "Error:",
        "Reference source not found",
        "PAGEREF",
        "MERGEFORMAT",
        "TOC \\",
        "NUMPAGES",
    ] {
        assert!(!text.contains(fault), "{name} shows '{fault}':\n{text}");
    }
}

#[test]
fn the_demo_s_documents_open_cleanly_in_office_software() {
    let tools = ["soffice", "pdftotext", "pdftoppm", "chromium"];
    if let Some(missing) = tools.iter().find(|t| !has(t)) {
        let message = format!("{missing} is not installed (libreoffice, poppler-utils, chromium)");
        if std::env::var_os("CWS_REQUIRE_OFFICE").is_some() {
            panic!("{message}");
        }
        eprintln!("skipping the office test: {message}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let setup = cws(dir.path(), &["demo", "--no-serve"]);
    assert!(setup.status.success(), "{}", stderr(&setup));
    let password = demo_password(&setup);
    let (mut server, port) = serve(dir.path());
    let (head, _) = sign_in(port, "admin@cws.example", &password);
    let session = format!(
        "__Host-cws_session={}",
        set_cookie(&head, "__Host-cws_session").unwrap()
    );
    let out = out_dir();
    let profile = tempfile::tempdir().unwrap();
    let fetch = |path: &str, name: &str| -> PathBuf {
        let (head, body) = http_bytes(port, path, &session);
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        let file = out.join(name);
        std::fs::write(&file, body).unwrap();
        file
    };

    // the Word strategy: a contents list that resolves, a footer on every page
    let docx = fetch(
        "/areas/E09000027/strategy/1/export/strategy.docx",
        "strategy.docx",
    );
    let pdf = soffice_pdf(&docx, profile.path());
    draw(&pdf);
    let strategy = pages(&pdf);
    let all = strategy.join("\n");
    no_field_faults("the strategy", &all);
    // the projection the demo's strategy shows, in the current position and the objectives
    for heading in [
        "Where the workforce is heading",
        "The gap the objectives must close",
    ] {
        assert!(all.contains(heading), "the strategy has no '{heading}'");
    }
    assert!(
        all.contains("under “The strategy’s plan”") || all.contains("under “The strategy's plan”")
    );
    let n = strategy.len();
    assert!((8..=45).contains(&n), "the strategy runs to {n} pages");
    for (i, page) in strategy.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {n}", i + 1)),
            "page {} has no footer:\n{page}",
            i + 1
        );
        assert!(
            page.contains("SYNTHETIC DATA"),
            "page {} is not labelled",
            i + 1
        );
    }
    // each heading listed with its page, in order, on the contents page(s)
    let contents: Vec<(String, usize)> = strategy[..3.min(n)]
        .iter()
        .flat_map(|p| p.lines())
        .filter_map(|l| {
            // "4. Current position and analysis.........3"
            let l = l.trim();
            let digits = l.len() - l.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (text, page) = l.split_at(l.len() - digits);
            let page: usize = page.parse().ok()?;
            let heading = text.trim_end_matches(['.', ' ', '…']).trim();
            (text.ends_with("..") && !heading.is_empty()).then(|| (heading.to_string(), page))
        })
        .collect();
    assert!(
        contents.len() >= 15,
        "the contents list: {contents:?}\n{}",
        strategy[..2].join("\n")
    );
    assert!(
        contents.iter().any(|(h, _)| h.starts_with("1. ")),
        "{contents:?}"
    );
    assert!(
        contents.windows(2).all(|w| w[0].1 <= w[1].1),
        "pages in order: {contents:?}"
    );
    for (heading, page) in &contents {
        assert!((2..=n).contains(page), "{heading} on page {page} of {n}");
        let short: String = heading.chars().take(30).collect();
        assert!(
            strategy[page - 1].contains(&short),
            "'{heading}' is not on page {page}:\n{}",
            strategy[page - 1]
        );
    }
    // tables too wide to stand up are on pages turned across, their headings whole
    let sizes = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "999"])
        .arg(&pdf)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    assert!(
        sizes.contains("841.89 x 595.3"),
        "no page is turned across:\n{sizes}"
    );
    for heading in ["Workstream", "Milestones", "Consequence", "Likelihood"] {
        assert!(
            strategy.iter().any(|p| p.contains(heading)),
            "'{heading}' is broken across lines"
        );
    }
    // the area's own checklist questions are in the appendix, beside the toolkit's
    let whole = strategy
        .join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        whole.contains("(2 of them the area's own)")
            && whole.contains("foster carers and kinship carers"),
        "{whole}"
    );

    // the board report: short, no contents list, ratings in words
    let report = fetch(
        "/areas/E09000027/strategy/1/export/progress.docx",
        "board-report.docx",
    );
    let pdf = soffice_pdf(&report, profile.path());
    draw(&pdf);
    let board = pages(&pdf);
    let all = board.join("\n");
    no_field_faults("the board report", &all);
    assert!(
        !all.contains("Contents"),
        "a short report has no contents list"
    );
    assert!(
        board.len() <= 6,
        "the board report runs to {} pages",
        board.len()
    );
    assert!(all.contains("Better") || all.contains("Worse"), "{all}");
    for (i, page) in board.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {}", i + 1, board.len())),
            "{page}"
        );
    }

    // a dashboard's table in Excel: headers in words, printed to the page width
    let xlsx = fetch(
        "/areas/E09000027/dashboard/recruitment/rates-by-role-group.xlsx",
        "dashboard-rates-by-role-group.xlsx",
    );
    let pdf = soffice_pdf(&xlsx, profile.path());
    draw(&pdf);
    let sheets = pages(&pdf);
    // the notice, the table, its chart whole on a page of its own, the measures
    assert!(
        sheets.len() <= 4,
        "the dashboard workbook prints on {} pages",
        sheets.len()
    );
    let sheet = sheets.join("\n");
    no_field_faults("the dashboard workbook", &sheet);
    assert!(
        sheet.contains("Vacancy rate (FTE, %)"),
        "headers in words:\n{sheet}"
    );
    let header = sheet
        .lines()
        .find(|l| l.trim_start().starts_with("Role group"))
        .unwrap_or_default();
    assert!(
        !header.contains("vacancy_rate_fte"),
        "no code names as headers: {header}"
    );

    // the employer's template: its guidance readable
    let template = fetch("/templates/workers.xlsx", "employer-template.xlsx");
    let pdf = soffice_pdf(&template, profile.path());
    draw(&pdf);
    let guidance = pages(&pdf).join("\n");
    assert!(guidance.contains("Staff or payroll number") || guidance.contains("worker_ref"));

    // the print view on A4, from the browser
    let (head, body) = http_bytes(port, "/areas/E09000027/strategy/1/print", &session);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (_, css) = http_bytes(port, "/assets/cws.css", "");
    let html = String::from_utf8_lossy(&body).replace(
        "<link rel=\"stylesheet\" href=\"/assets/cws.css\">",
        &format!("<style>{}</style>", String::from_utf8_lossy(&css)),
    );
    let page = out.join("print-view.html");
    std::fs::write(&page, html).unwrap();
    let pdf = out.join("print-view.pdf");
    let o = Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    draw(&pdf);
    let print = pages(&pdf);
    assert!(
        print.len() < 25,
        "the print view runs to {} pages",
        print.len()
    );

    let _ = server.kill();
    let _ = server.wait();
}
