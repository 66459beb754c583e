//! `cws user`: accounts from the command line — above all the first administrator, who then
//! invites everyone else in the browser.

use anyhow::{bail, Context};
use chrono::Duration;
use clap::Subcommand;
use cws_store::accounts::{self, LinkPurpose};
use cws_store::{audit, users, Db};
use cws_web::access::{admin, digest, new_secret};

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account and print a one-use link (valid 7 days) for its owner to set a
    /// password. Roles: admin, national, regional, area_lead, board, employer.
    Invite {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        /// What they may see: an area (318 or E09000027) for area_lead and board, a region
        /// (E12000007) for regional, AREA/ORGANISATION-REF for employer; none for national
        /// and admin.
        #[arg(long, default_value = "")]
        scope: String,
        /// The address users reach cws at, for the link (default: the listen address).
        #[arg(long)]
        site: Option<String>,
    },
    /// Print a new one-use link for an existing account and sign it out everywhere.
    Reset {
        #[arg(long)]
        email: String,
        #[arg(long)]
        site: Option<String>,
    },
    /// List accounts.
    List,
}

pub async fn user_cmd(db: &Db, cmd: UserCommand, listen: &str) -> anyhow::Result<()> {
    let site = |s: Option<String>| s.unwrap_or_else(|| format!("http://{listen}"));
    match cmd {
        UserCommand::Invite {
            email,
            name,
            role,
            scope,
            site: s,
        } => {
            let access = admin::access_from_form(db, &role, &scope)
                .await
                .map_err(|(field, message)| anyhow::anyhow!("--{field}: {message}"))?;
            if name.trim().is_empty() || !cws_domain::user::is_email_address(&email) {
                bail!("give a name and an email address");
            }
            let id = users::invite_user(db, &email, name.trim(), &access).await?;
            let link = make_link(db, id, LinkPurpose::Invitation).await?;
            record(db, "admin_invite", &email, access.role().code()).await?;
            println!(
                "Created {} ({}). Send them this link to set their password (it works once, for 7 days):\n{}/account/password/{link}",
                email.trim().to_ascii_lowercase(),
                access.role().label(),
                site(s).trim_end_matches('/')
            );
        }
        UserCommand::Reset { email, site: s } => {
            let user = users::user_by_email(db, &email)
                .await?
                .with_context(|| format!("there is no account with the email {email}"))?;
            let link = make_link(db, user.id, LinkPurpose::PasswordReset).await?;
            accounts::reset_access(db, user.id).await?;
            record(db, "admin_reset", &user.email, "").await?;
            println!(
                "{}'s password no longer works and they are signed out everywhere (sessions and API tokens). New link (works once, for 7 days):\n{}/account/password/{link}",
                user.email,
                site(s).trim_end_matches('/')
            );
        }
        UserCommand::List => {
            for u in users::list_users(db).await? {
                println!(
                    "{:<36} {:<12} {:<13} {:<12} {:<14} {}",
                    u.email,
                    u.role,
                    u.scope_code.as_deref().unwrap_or("England"),
                    if u.disabled_at.is_some() {
                        "disabled"
                    } else if u.has_password {
                        "active"
                    } else {
                        "invited"
                    },
                    if u.has_second_factor {
                        "second factor"
                    } else {
                        "password only"
                    },
                    u.display_name
                );
            }
        }
    }
    Ok(())
}

async fn make_link(db: &Db, user_id: i64, purpose: LinkPurpose) -> anyhow::Result<String> {
    let token = new_secret();
    accounts::create_link(
        db,
        &digest(&token),
        user_id,
        purpose,
        None,
        Duration::days(7),
    )
    .await?;
    Ok(token)
}

async fn record(db: &Db, action: &str, target: &str, detail: &str) -> anyhow::Result<()> {
    audit::record(
        db,
        &audit::Event {
            user_email: Some("command line"),
            action,
            target: Some(target),
            outcome: "ok",
            detail: Some(detail),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}
