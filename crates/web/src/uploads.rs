//! A return uploaded through the browser or the API, kept between checking and submitting:
//! its files in a private folder named by a random token (with the organisation chosen and
//! who uploaded it for which area), checked or stored by the same import as the command
//! line, and the last report beside them. Only the person who uploaded it, for the same
//! area, can see its report or submit it; its files are deleted when it is stored, and every
//! upload is forgotten a day after it was made.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::extract::Multipart;
use cws_collect::import::{self, Explanations, ImportOptions, ImportReport, Target};
use cws_collect::report::{self, Message};
use cws_collect::xlsx;

use crate::access::Viewer;
use crate::{AppState, WebError};

/// The largest file accepted in an upload.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The organisation chosen, saved beside the files.
const ORG_FILE: &str = ".organisation";
/// Present when the check found the upload removes many of the posts held.
const REMOVES_MANY_FILE: &str = ".removes-many";

/// Who uploaded the files and for which area, saved beside them.
const OWNER_FILE: &str = ".owner";

/// How long an upload is kept before it is forgotten, submitted or not.
const KEPT_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// How many uploads one person may have waiting at once.
pub(crate) const WAITING_PER_PERSON: usize = 10;

/// The person an upload belongs to, and the area it is for (by the area's code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    pub user_id: i64,
    pub area: String,
}

impl Owner {
    /// The signed-in `viewer` uploading for the area `code` (its code or old LA number).
    pub async fn of(
        state: &AppState,
        viewer: Option<&Viewer>,
        code: &str,
    ) -> Result<Owner, WebError> {
        let area = cws_store::geography::area(&state.db, code)
            .await?
            .ok_or_else(|| WebError::NotFound(format!("There is no area '{code}'.")))?;
        let viewer = viewer.ok_or_else(expired)?;
        Ok(Owner {
            user_id: viewer.user_id,
            area: area.code,
        })
    }

    fn line(&self) -> String {
        format!("{} {}", self.user_id, self.area)
    }
}

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
    /// The person already has as many uploads waiting as they may.
    TooMany,
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

pub(crate) fn expired() -> WebError {
    WebError::NotFound("That upload does not exist or has expired.".into())
}

/// The folder of uploads, made private (0700) if new.
fn root(state: &AppState) -> Result<&Path, WebError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&state.uploads_dir)?;
    Ok(&state.uploads_dir)
}

/// Writes a file only its owner can read (0600).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?
        .write_all(bytes)
}

/// Forgets uploads older than a day, and counts those `owner` has waiting.
fn sweep(root: &Path, owner: &Owner) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    let mut waiting = 0;
    for dir in entries.filter_map(Result::ok).map(|e| e.path()) {
        let age = std::fs::metadata(&dir)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok());
        if age.is_some_and(|a| a > KEPT_FOR) {
            let _ = std::fs::remove_dir_all(&dir);
        } else if std::fs::read_to_string(dir.join(OWNER_FILE))
            .is_ok_and(|o| o.split(' ').next() == Some(&owner.user_id.to_string()))
        {
            waiting += 1;
        }
    }
    waiting
}

impl Staged {
    /// Keeps the `files` parts of a multipart body and the `organisation` part (or, when
    /// given, `organisation`).
    pub async fn stage(
        state: &AppState,
        owner: &Owner,
        mut form: Multipart,
        organisation: Option<String>,
    ) -> Result<Result<Staged, NotStaged>, WebError> {
        let root = root(state)?;
        if sweep(root, owner) >= WAITING_PER_PERSON {
            return Ok(Err(NotStaged::TooMany));
        }
        let bytes: [u8; 16] = rand::random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let staged = Staged {
            dir: root.join(&token),
            token,
        };
        std::fs::DirBuilder::new().mode(0o700).create(&staged.dir)?;
        write_private(&staged.dir.join(OWNER_FILE), owner.line().as_bytes())?;
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
                    write_private(&staged.dir.join(&name), &bytes)?;
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
        write_private(&staged.dir.join(ORG_FILE), organisation.as_bytes())?;
        Ok(Ok(staged))
    }

    /// An upload kept earlier, by its token, when it is `owner`'s: anyone else's, or one for
    /// another area, is as if it did not exist.
    pub fn open(state: &AppState, token: &str, owner: &Owner) -> Result<Staged, WebError> {
        if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(expired());
        }
        let dir = state.uploads_dir.join(token);
        match std::fs::read_to_string(dir.join(OWNER_FILE)) {
            Ok(line) if line == owner.line() => Ok(Staged {
                token: token.to_string(),
                dir,
            }),
            _ => Err(expired()),
        }
    }

    /// Checks (`dry_run`) or stores the upload for the area `code`; the report is kept
    /// beside the files for download.
    /// Notes that the checked upload removes more than a fifth of some organisation's posts:
    /// it is then stored only when the sender confirms it.
    pub fn mark_removes_many(&self) -> Result<(), WebError> {
        write_private(&self.dir.join(REMOVES_MANY_FILE), b"1")?;
        Ok(())
    }

    /// Whether the check found it removes more than a fifth of some organisation's posts.
    pub fn removes_many(&self) -> bool {
        self.dir.join(REMOVES_MANY_FILE).exists()
    }

    /// The organisation the upload was made for (empty: the files say).
    pub fn organisation(&self) -> String {
        std::fs::read_to_string(self.dir.join(ORG_FILE)).unwrap_or_default()
    }

    pub async fn import(
        &self,
        state: &AppState,
        code: &str,
        dry_run: bool,
        explanations: Explanations,
        submitted_by: Option<i64>,
    ) -> Result<ImportReport, WebError> {
        let organisation = Some(self.organisation()).filter(|s| !s.is_empty());
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
            submitted_by,
            draft: false,
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
            // stored: the files as given are not kept (the report stays, for its owner, until
            // the upload is forgotten)
            for file in &files {
                let _ = std::fs::remove_file(file);
            }
            crate::figures::refresh(state).await;
        }
        Ok(report)
    }

    fn save_report(&self, messages: &[Message]) -> Result<(), WebError> {
        let mut csv = Vec::new();
        report::write_csv(&mut csv, messages)?;
        write_private(&self.dir.join(REPORTS[0].1), &csv)?;
        write_private(&self.dir.join(REPORTS[1].1), &xlsx::report(messages)?)?;
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

    /// Forgets the upload (best effort: a folder left behind goes after a day).
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
    fn uploads_older_than_a_day_are_forgotten_and_waiting_ones_counted_per_person() {
        let root = tempfile::tempdir().unwrap();
        let owner = |user_id| Owner {
            user_id,
            area: "E09000027".into(),
        };
        for (name, user, old) in [("a", 1, false), ("b", 1, true), ("c", 2, false)] {
            let dir = root.path().join(name);
            std::fs::create_dir(&dir).unwrap();
            write_private(&dir.join(OWNER_FILE), owner(user).line().as_bytes()).unwrap();
            if old {
                let two_days = std::time::SystemTime::now() - 2 * KEPT_FOR;
                std::fs::File::open(&dir)
                    .unwrap()
                    .set_modified(two_days)
                    .unwrap();
            }
        }
        assert_eq!(sweep(root.path(), &owner(1)), 1);
        assert!(!root.path().join("b").exists(), "a day old: forgotten");
        assert!(root.path().join("a").exists() && root.path().join("c").exists());
        let mode = std::fs::metadata(root.path().join("a").join(OWNER_FILE))
            .unwrap()
            .permissions();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.mode() & 0o777, 0o600);
    }
}
