//! The strategy as a Word document, opened and checked.

use std::io::Read;

use axum::http::StatusCode;

use super::{leads_with_workforce, written};

#[tokio::test]
async fn the_word_document_has_contents_headings_tables_and_charts() {
    for (app, lead) in leads_with_workforce().await {
        let base = written(&lead).await;
        let r = lead.get(&format!("{base}/export/strategy.docx")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.content_type.contains("wordprocessingml"));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
        let mut document = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        // a contents list whose page numbers are fields pointing at the headings' bookmarks
        assert_eq!(
            document.matches("PAGEREF _Toc").count(),
            15,
            "a contents entry per section and the appendix"
        );
        assert_eq!(document.matches("<w:bookmarkStart").count(), 15);
        assert!(document.contains("<w:tblHeader />"), "header rows repeat");
        assert_eq!(
            document.matches("w:val=\"Heading1\"").count(),
            15,
            "14 sections and the appendix"
        );
        assert!(document.contains("Children meet people who stay and know them."));
        assert!(
            document.contains("Fewer vacancies")
                && document.contains("Grow-your-own scheme")
                && document.contains("Agency rates rise")
        );
        assert!(document.matches("<w:tbl>").count() >= 10, "tables");
        let pictures = (0..zip.len())
            .filter(|&i| zip.by_index(i).unwrap().name().starts_with("word/media/"))
            .count();
        assert!(
            pictures >= 6,
            "the live sections' charts as pictures: {pictures}"
        );
        assert_eq!(
            lead.get(&format!("{base}/export/strategy.pdf"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app.close().await;
    }
}
