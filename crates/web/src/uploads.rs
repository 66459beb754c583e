//! A return uploaded through the browser or the API, kept between checking and submitting:
//! its files in a folder named by a random token (with the organisation chosen), checked or
//! stored by the same import as the command line, and the last report beside them.

use std::path::PathBuf;

use axum::extract::Multipart;
use cws_collect::import::{self, Explanations, ImportOptions, ImportReport, Target};
use cws_collect::report::{self, Message};
use cws_collect::xlsx;

use crate::{AppState, WebError};

/// The largest file accepted in an upload.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The organisation chosen, saved beside the files.
const ORG_FILE: &str = ".organisation";

/// The report's files as stored: (name asked for, stored as, content type).
pub(crate) const REPORTS: [(&str, &str, &str); 2] = [
    (
        "report.csv",
        "messages.csv.report",
        "text/csv; charset=utf-8",
    ),
    ("report.xlsx", "messages.xlsx.report", crate::returns::XLSX),
];

/// Why a multipart body holds no return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotStaged {
    /// No file part (or only an empty one).
    NoFile,
    /// A part could not be read: too large, or the connection broke.
    Unreadable,
}

/// An upload kept on disk.
pub(crate) struct Staged {
    pub token: String,
    dir: PathBuf,
}

/// A file name reduced to safe characters (no folders, no surprises in a header).
pub(crate) fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches(['.', '_']).is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}

fn expired() -> WebError {
    WebError::NotFound("That upload does not exist or has expired.".into())
}

impl Staged {
    /// Keeps the `files` parts of a multipart body and the `organisation` part (or, when
    /// given, `organisation`).
    pub async fn stage(
        mut form: Multipart,
        organisation: Option<String>,
    ) -> Result<Result<Staged, NotStaged>, WebError> {
        let bytes: [u8; 16] = rand::random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let staged = Staged::open(&token)?;
        std::fs::create_dir_all(&staged.dir)?;
        let mut saved = 0;
        let mut chosen = String::new();
        while let Ok(Some(field)) = form.next_field().await {
            match field.name() {
                Some("organisation") => {
                    chosen = field.text().await.unwrap_or_default().trim().to_string()
                }
                Some("files") => {
                    let name = safe_name(field.file_name().unwrap_or("upload"));
                    let Ok(bytes) = field.bytes().await else {
                        staged.remove();
                        return Ok(Err(NotStaged::Unreadable));
                    };
                    if bytes.is_empty() && name == "upload" {
                        continue;
                    }
                    std::fs::write(staged.dir.join(&name), &bytes)?;
                    saved += 1;
                }
                _ => {}
            }
        }
        if saved == 0 {
            staged.remove();
            return Ok(Err(NotStaged::NoFile));
        }
        let organisation = organisation.filter(|o| !o.is_empty()).unwrap_or(chosen);
        std::fs::write(staged.dir.join(ORG_FILE), &organisation)?;
        Ok(Ok(staged))
    }

    /// An upload kept earlier, by its token.
    pub fn open(token: &str) -> Result<Staged, WebError> {
        if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(expired());
        }
        Ok(Staged {
            token: token.to_string(),
            dir: std::env::temp_dir().join("cws-uploads").join(token),
        })
    }

    /// Checks (`dry_run`) or stores the upload for the area `code`; the report is kept
    /// beside the files for download.
    pub async fn import(
        &self,
        state: &AppState,
        code: &str,
        dry_run: bool,
        explanations: Explanations,
    ) -> Result<ImportReport, WebError> {
        let organisation = std::fs::read_to_string(self.dir.join(ORG_FILE))
            .ok()
            .filter(|s| !s.is_empty());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(|_| expired())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                    && p.extension().is_some_and(|x| x != "report")
            })
            .collect();
        files.sort();
        let target = Target::load(&state.db, code, None).await?;
        let opts = ImportOptions {
            area: code.to_string(),
            organisation,
            census: Some(target.collection.census_date),
            dry_run,
            explanations,
            max_file_bytes: MAX_FILE_BYTES,
            today: chrono::Local::now().date_naive(),
        };
        // one of a few uploads read at once (the semaphore is never closed: it lives as long
        // as the state)
        let _slot = state.upload_slots.acquire().await.ok();
        let report = import::import_files(
            &state.db,
            &state.pseudo,
            &target,
            &files,
            Vec::new(),
            &opts,
            &|_| {},
        )
        .await?;
        self.save_report(&report.messages)?;
        if report.accepted && !dry_run {
            crate::figures::refresh(state).await;
        }
        Ok(report)
    }

    fn save_report(&self, messages: &[Message]) -> Result<(), WebError> {
        let mut csv = Vec::new();
        report::write_csv(&mut csv, messages)?;
        std::fs::write(self.dir.join(REPORTS[0].1), csv)?;
        std::fs::write(self.dir.join(REPORTS[1].1), xlsx::report(messages)?)?;
        Ok(())
    }

    /// The last report as `report.csv` or `report.xlsx`: its bytes and content type.
    pub fn report(&self, file: &str) -> Result<(Vec<u8>, &'static str), WebError> {
        let (_, stored, content_type) = REPORTS
            .iter()
            .find(|(asked, _, _)| *asked == file)
            .ok_or_else(|| {
                WebError::NotFound("Reports are available as report.csv and report.xlsx.".into())
            })?;
        let bytes = std::fs::read(self.dir.join(stored)).map_err(|_| expired())?;
        Ok((bytes, content_type))
    }

    /// Forgets the upload (best effort: a folder left behind is in the temporary folder).
    pub fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_folders_and_odd_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\returns\\sun 1.csv"), "sun_1.csv");
        assert_eq!(safe_name("..."), "upload");
        assert_eq!(safe_name("\"x\".xlsx"), "_x_.xlsx");
    }

    #[test]
    fn only_a_token_of_ours_opens_an_upload() {
        assert!(Staged::open("0123456789abcdef0123456789abcdef").is_ok());
        for bad in ["", "../x", "0123456789abcdef0123456789abcdeg", "abc"] {
            assert!(matches!(Staged::open(bad), Err(WebError::NotFound(_))));
        }
    }
}
