//! Users and their access (role + scope). Passwords arrive already hashed.

use cws_domain::user::{Access, Scope, UserRole};

use crate::{now_text, on_pool, on_tx, Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub scope_kind: String,
    pub scope_code: Option<String>,
    pub scope_org_id: Option<i64>,
    pub password_hash: String,
}

impl UserRow {
    /// The user's role and scope, re-checked on the way out of the database.
    pub fn access(&self) -> Result<Access> {
        let role = UserRole::parse(&self.role).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let code = self.scope_code.clone().unwrap_or_default();
        let scope = match self.scope_kind.as_str() {
            "organisation" => Scope::Organisation {
                area: code,
                org: self.scope_org_id.unwrap_or_default().to_string(),
            },
            "area" => Scope::Area { area: code },
            "region" => Scope::Region { region: code },
            _ => Scope::National,
        };
        Access::new(role, scope).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

/// Creates a user, or updates name, access and password of an existing one with that email.
pub async fn upsert_user(
    db: &Db,
    email: &str,
    name: &str,
    access: &Access,
    password_hash: &str,
) -> Result<i64> {
    let (kind, code, org): (&str, Option<&str>, Option<i64>) = match access.scope() {
        Scope::Organisation { area, org } => ("organisation", Some(area), org.parse().ok()),
        Scope::Area { area } => ("area", Some(area), None),
        Scope::Region { region } => ("region", Some(region), None),
        Scope::National => ("national", None, None),
    };
    let email = email.trim().to_ascii_lowercase();
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO app_user (email, display_name, role, scope_kind, scope_code, scope_org_id, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
           scope_kind = excluded.scope_kind, scope_code = excluded.scope_code, scope_org_id = excluded.scope_org_id,
           password_hash = excluded.password_hash
         RETURNING id")
        .bind(&email).bind(name).bind(access.role().code()).bind(kind).bind(code).bind(org).bind(password_hash).bind(now_text())
        .fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, email, display_name, role, scope_kind, scope_code, scope_org_id, password_hash FROM app_user WHERE email = $1")
        .bind(email.trim().to_ascii_lowercase()).fetch_optional(p).await?))
}

const USER_SELECT: &str = "SELECT id, email, display_name, role, scope_kind, scope_code, scope_org_id, password_hash FROM app_user";

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("{USER_SELECT} WHERE id = $1");
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(id).fetch_optional(p).await?))
}

/// A user as an administrator sees them in the list.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserListing {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub scope_kind: String,
    pub scope_code: Option<String>,
    pub disabled_at: Option<String>,
    pub created_at: String,
    /// Whether a password has been set (an invited user has none until they accept).
    pub has_password: bool,
    /// Whether a second factor is set up.
    pub has_second_factor: bool,
}

pub async fn list_users(db: &Db) -> Result<Vec<UserListing>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, email, display_name, role, scope_kind, scope_code, disabled_at, created_at,
           (password_hash LIKE '$%') AS has_password, (totp_secret IS NOT NULL) AS has_second_factor
         FROM app_user ORDER BY email").fetch_all(p).await?))
}

/// Disables or re-enables a user; disabling ends every session and API token's use.
pub async fn set_disabled(db: &Db, id: i64, disabled: bool) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query("UPDATE app_user SET disabled_at = $1 WHERE id = $2")
        .bind(disabled.then(now_text)).bind(id).execute(&mut *c).await?.rows_affected());
    if disabled {
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM user_session WHERE user_id = $1")
            .bind(id).execute(&mut *c).await?.rows_affected());
    }
    tx.commit().await?;
    Ok(n == 1)
}

/// Creates a user without a password (they set one through an invitation link), or fails if
/// the email is taken. Returns the new id.
pub async fn invite_user(db: &Db, email: &str, name: &str, access: &Access) -> Result<i64> {
    if user_by_email(db, email).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "there is already a user with the email {}",
            email.trim().to_ascii_lowercase()
        )));
    }
    // "!" is not a hash: nobody can sign in with it
    upsert_user(db, email, name, access, "!").await
}

/// A user who may sign in (not disabled), by email.
pub async fn enabled_user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>> {
    let sql = format!("{USER_SELECT} WHERE email = $1 AND disabled_at IS NULL");
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(email.trim().to_ascii_lowercase()).fetch_optional(p).await?))
}
