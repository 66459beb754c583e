//! Synthetic data is labelled wherever it travels: every export of figures that include the
//! generated workforce says so — each dashboard download (chart, CSV, Excel), the figures
//! JSON, the Word strategy and board report (cover, header and footer) and the print view.
//! A new export that forgets the label fails here.

use std::io::Read;

use axum::http::StatusCode;
use cws_analyse::panels::Topic;

use super::{leads_with_workforce, written};

fn zipped(bytes: Vec<u8>, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[tokio::test]
async fn every_export_of_synthetic_figures_says_so() {
    for (_app, lead) in leads_with_workforce().await {
        // every download link of every dashboard
        let mut downloads = 0;
        for topic in Topic::ALL {
            let page = lead
                .page(&format!("/areas/E09000027/dashboard/{}", topic.code()))
                .await;
            for link in page.split("href=\"").skip(1) {
                let href = &link[..link.find('"').unwrap()];
                let Some(ext) = [".svg", ".csv", ".xlsx"]
                    .into_iter()
                    .find(|e| href.ends_with(e))
                else {
                    continue;
                };
                let r = lead.get(href).await;
                assert_eq!(r.status, StatusCode::OK, "{href}");
                downloads += 1;
                match ext {
                    ".svg" => assert!(r.text().contains("SYNTHETIC DATA"), "{href}"),
                    ".csv" => {
                        let text = r.text();
                        let mut lines = text.lines();
                        assert!(lines.next().unwrap().ends_with(",synthetic"), "{href}");
                        assert!(lines.all(|l| l.ends_with(",yes")), "{href}: {text}");
                    }
                    _ => {
                        assert!(
                            zipped(r.body.clone(), "xl/workbook.xml").contains("Synthetic data"),
                            "{href}"
                        );
                        assert!(zipped(r.body, "xl/sharedStrings.xml").contains("SYNTHETIC DATA"));
                    }
                }
            }
        }
        assert!(downloads >= 30, "{downloads} downloads checked");
        // the figures as JSON
        let (status, doc) = lead.json("/areas/E09000027/figures.json").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(doc["synthetic"], true, "{doc}");
        // the Word strategy and the board report: cover, header and footer
        let base = written(&lead).await;
        for file in ["strategy.docx", "progress.docx"] {
            let r = lead.get(&format!("{base}/export/{file}")).await;
            assert_eq!(r.status, StatusCode::OK, "{file}");
            assert!(
                zipped(r.body.clone(), "word/document.xml").contains("SYNTHETIC DATA"),
                "{file} cover"
            );
            assert!(
                zipped(r.body.clone(), "word/header1.xml").contains("SYNTHETIC DATA"),
                "{file} header"
            );
            assert!(
                zipped(r.body, "word/footer1.xml").contains("SYNTHETIC DATA"),
                "{file} footer"
            );
        }
        // the print view keeps its banner on paper
        let print = lead.page(&format!("{base}/print")).await;
        assert!(print.contains("phase-banner"), "the print view's banner");
        let css = lead.get("/assets/cws.css").await.text();
        let at = css.find("@media print").unwrap();
        let print_rules = &css[at..at + css[at..].find("\n}").unwrap()];
        let hidden = print_rules
            .lines()
            .find(|l| l.contains("display: none"))
            .unwrap_or("");
        assert!(!hidden.contains("phase-banner"), "{print_rules}");
    }
}
