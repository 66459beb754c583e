//! Accounts (docs/definitions.md §11): sessions, one-use invitation and reset links, failed sign-ins for
//! throttling, and personal API tokens. Every secret arrives here already hashed (SHA-256 of
//! a random token): a copy of the database gives no one a way in.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::users::UserRow;
use crate::{now_text, on_pool, on_tx, Db, Result};

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.scope_kind, u.scope_code, \
                            u.scope_org_id, u.password_hash";

/// A session: its user, the CSRF token of its forms, when it was last used, and how far its
/// sign-in has got.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: UserRow,
    pub csrf: String,
    pub last_seen_at: String,
    pub stage: SessionStage,
}

/// How far a session's sign-in has got. Only a `SignedIn` session is anyone's: the others
/// open just the page of their next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Password and (where set up) second factor checked.
    SignedIn,
    /// Password checked; the code of the person's authenticator (or a recovery code) due.
    CodeDue,
    /// Password checked by someone whose role must have a second factor and who has none:
    /// setting one up is due.
    SetUpDue,
}

impl SessionStage {
    fn code(self) -> &'static str {
        match self {
            SessionStage::SignedIn => "signed_in",
            SessionStage::CodeDue => "code_due",
            SessionStage::SetUpDue => "set_up_due",
        }
    }

    fn from_code(code: &str) -> Option<SessionStage> {
        [
            SessionStage::SignedIn,
            SessionStage::CodeDue,
            SessionStage::SetUpDue,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

pub async fn create_session(
    db: &Db,
    id_hash: &str,
    user_id: i64,
    csrf: &str,
    stage: SessionStage,
) -> Result<()> {
    let now = now_text();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO user_session (id_hash, user_id, csrf, created_at, last_seen_at, stage) VALUES ($1, $2, $3, $4, $4, $5)")
        .bind(id_hash).bind(user_id).bind(csrf).bind(&now).bind(stage.code()).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// The session with this id, if it exists, was used within `idle`, began within `absolute`
/// (however busy it has been), and its user is enabled.
pub async fn session(
    db: &Db,
    id_hash: &str,
    idle: Duration,
    absolute: Duration,
) -> Result<Option<Session>> {
    let now = Utc::now();
    let (since, begun) = (at(now - idle), at(now - absolute));
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.csrf, s.last_seen_at, s.stage FROM user_session s
         JOIN app_user u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.last_seen_at >= $2 AND s.created_at >= $3 AND u.disabled_at IS NULL"
    );
    let row: Option<(UserRow, String, String, String)> = on_pool!(db, p => {
        use sqlx::Row;
        sqlx::query(&sql).bind(id_hash).bind(&since).bind(&begun).fetch_optional(p).await?
            .map(|r| -> std::result::Result<_, sqlx::Error> {
                Ok((
                    UserRow {
                        id: r.try_get(0)?,
                        email: r.try_get(1)?,
                        display_name: r.try_get(2)?,
                        role: r.try_get(3)?,
                        scope_kind: r.try_get(4)?,
                        scope_code: r.try_get(5)?,
                        scope_org_id: r.try_get(6)?,
                        password_hash: r.try_get(7)?,
                    },
                    r.try_get(8)?,
                    r.try_get(9)?,
                    r.try_get(10)?,
                ))
            })
            .transpose()?
    });
    Ok(row.and_then(|(user, csrf, last_seen_at, stage)| {
        Some(Session {
            user,
            csrf,
            last_seen_at,
            stage: SessionStage::from_code(&stage)?,
        })
    }))
}

/// Marks a session as used now (callers do this at most every few minutes).
pub async fn touch_session(db: &Db, id_hash: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE user_session SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now_text()).bind(id_hash).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM user_session WHERE id_hash = $1")
        .bind(id_hash).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Signs `user_id` out everywhere: every session ended and every API token revoked, in one
/// transaction. Returns (sessions, tokens).
pub async fn sign_out_everywhere(db: &Db, user_id: i64) -> Result<(u64, u64)> {
    let mut tx = db.begin_write().await?;
    let sessions = on_tx!(&mut tx, c => sqlx::query("DELETE FROM user_session WHERE user_id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    let tokens = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now_text()).bind(user_id).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok((sessions, tokens))
}

/// A reset: the old password stops working at once (no hash matches `!`), the second factor
/// and its recovery codes are gone (a reset is how someone who lost both gets back in), and
/// the person is signed out everywhere, tokens revoked; the new password comes by the reset
/// link, and a role that must have a second factor sets a new one up at the next sign-in.
pub async fn reset_access(db: &Db, user_id: i64) -> Result<(u64, u64)> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE app_user SET password_hash = '!', totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    sign_out_everywhere(db, user_id).await
}

/// A person's second factor: the shared secret of their authenticator (base32), and the
/// last time step whose code was accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondFactor {
    pub secret: String,
    pub last_step: Option<i64>,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
}

pub async fn second_factor(db: &Db, user_id: i64) -> Result<Option<SecondFactor>> {
    on_pool!(db, p => {
        let row: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT totp_secret, totp_last_step FROM app_user WHERE id = $1")
            .bind(user_id).fetch_optional(p).await?;
        let Some((Some(secret), last_step)) = row else { return Ok(None) };
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_code WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id).fetch_one(p).await?;
        Ok(Some(SecondFactor { secret, last_step, recovery_codes_left: left }))
    })
}

/// Records that the code of time step `step` was accepted, unless that step (or a later one)
/// already was: false then, and the code is refused — a code works once.
pub async fn accept_code_step(db: &Db, user_id: i64, step: i64) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE app_user SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL
         AND (totp_last_step IS NULL OR totp_last_step < $1)")
        .bind(step).bind(user_id).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// Sets up (or replaces) a person's second factor, with the step of the code that proved it
/// and a new set of recovery codes (as digests): the old codes stop working.
pub async fn set_second_factor(
    db: &Db,
    user_id: i64,
    secret: &str,
    step: i64,
    recovery_code_hashes: &[String],
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE app_user SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
        .bind(secret).bind(step).bind(user_id).execute(&mut *c).await?.rows_affected());
    replace_recovery_codes(&mut tx, user_id, recovery_code_hashes).await?;
    tx.commit().await?;
    Ok(())
}

/// A new set of recovery codes (as digests) for someone with a second factor.
pub async fn new_recovery_codes(db: &Db, user_id: i64, hashes: &[String]) -> Result<()> {
    let mut tx = db.begin_write().await?;
    replace_recovery_codes(&mut tx, user_id, hashes).await?;
    tx.commit().await?;
    Ok(())
}

async fn replace_recovery_codes(tx: &mut crate::Tx, user_id: i64, hashes: &[String]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    let now = now_text();
    for hash in hashes {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO recovery_code (code_hash, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(hash).bind(user_id).bind(&now).execute(&mut *c).await?.rows_affected());
    }
    Ok(())
}

/// Uses up one of a person's recovery codes; false if it is not theirs or already used.
pub async fn use_recovery_code(db: &Db, user_id: i64, code_hash: &str) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE recovery_code SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(now_text()).bind(user_id).bind(code_hash).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// Turns a person's second factor off (their role does not require one).
pub async fn remove_second_factor(db: &Db, user_id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE app_user SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

pub async fn record_sign_in_failure(db: &Db, email: &str, ip: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("INSERT INTO sign_in_failure (email, ip, at) VALUES ($1, $2, $3)")
        .bind(email.trim().to_ascii_lowercase()).bind(ip).bind(now_text()).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Failed sign-ins within `window`: (for this email, from this address).
pub async fn recent_failures(
    db: &Db,
    email: &str,
    ip: &str,
    window: Duration,
) -> Result<(i64, i64)> {
    let since = at(Utc::now() - window);
    let email = email.trim().to_ascii_lowercase();
    on_pool!(db, p => {
        let by_email: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failure WHERE email = $1 AND at >= $2")
            .bind(&email).bind(&since).fetch_one(p).await?;
        let by_ip: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failure WHERE ip = $1 AND at >= $2")
            .bind(ip).bind(&since).fetch_one(p).await?;
        Ok((by_email, by_ip))
    })
}

pub async fn clear_sign_in_failures(db: &Db, email: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM sign_in_failure WHERE email = $1")
        .bind(email.trim().to_ascii_lowercase()).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// What a one-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    PasswordReset,
}

impl LinkPurpose {
    fn code(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::PasswordReset => "reset",
        }
    }
}

/// Creates a one-use link for a user, valid for `valid_for`; earlier unused links of the
/// user stop working.
pub async fn create_link(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    purpose: LinkPurpose,
    created_by: Option<i64>,
    valid_for: Duration,
) -> Result<()> {
    let now = Utc::now();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE account_link SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(at(now)).bind(user_id).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO account_link (token_hash, user_id, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(token_hash).bind(user_id).bind(purpose.code()).bind(created_by)
        .bind(at(now)).bind(at(now + valid_for)).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// The user a link is for, if it is unused and in date (the link is not used up).
pub async fn link_user(db: &Db, token_hash: &str) -> Result<Option<UserRow>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM account_link l JOIN app_user u ON u.id = l.user_id
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL"
    );
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(token_hash).bind(now_text()).fetch_optional(p).await?))
}

/// Uses a link to set the user's password, in one transaction: the link is used up, the
/// password replaced, and every session of the user ended. `None` if the link is not valid.
pub async fn use_link(db: &Db, token_hash: &str, password_hash: &str) -> Result<Option<i64>> {
    let now = now_text();
    let mut tx = db.begin_write().await?;
    let user: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "UPDATE account_link SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
        .bind(&now).bind(token_hash).fetch_optional(&mut *c).await?);
    let Some(user_id) = user else {
        tx.rollback().await?;
        return Ok(None);
    };
    on_tx!(&mut tx, c => sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
        .bind(password_hash).bind(user_id).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM user_session WHERE user_id = $1")
        .bind(user_id).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(Some(user_id))
}

/// A personal API token as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub token_hash: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub async fn create_api_token(db: &Db, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO api_token (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash).bind(user_id).bind(name).bind(now_text()).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// How long a personal API token works after it is made.
pub const API_TOKEN_LIFETIME_DAYS: i64 = 90;

/// When a token made at `created_at` (as stored) stops working, as stored.
pub fn api_token_expiry(created_at: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(created_at)
        .ok()
        .map(|t| at(t.with_timezone(&Utc) + Duration::days(API_TOKEN_LIFETIME_DAYS)))
}

/// The owner of an unrevoked token made within its lifetime, if the owner is enabled.
pub async fn api_token_user(db: &Db, token_hash: &str) -> Result<Option<UserRow>> {
    let made_since = at(Utc::now() - Duration::days(API_TOKEN_LIFETIME_DAYS));
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM api_token t JOIN app_user u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.created_at >= $2 AND u.disabled_at IS NULL"
    );
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(token_hash).bind(&made_since).fetch_optional(p).await?))
}

pub async fn api_tokens_of(db: &Db, user_id: i64) -> Result<Vec<ApiTokenRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT token_hash, name, created_at, last_used_at, revoked_at FROM api_token WHERE user_id = $1 ORDER BY created_at, name")
        .bind(user_id).fetch_all(p).await?))
}

/// Revokes one of a user's tokens; false if the user has no such token.
pub async fn revoke_api_token(db: &Db, user_id: i64, token_hash: &str) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND token_hash = $3 AND revoked_at IS NULL")
        .bind(now_text()).bind(user_id).bind(token_hash).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}
