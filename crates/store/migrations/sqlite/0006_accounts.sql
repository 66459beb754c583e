-- Accounts (SPEC §11): sessions held in the database (a signed-out or expired session is
-- gone), one-use invitation and password-reset links, failed sign-ins for throttling,
-- personal API tokens, and the audit log. Secrets are stored only as SHA-256 digests.
ALTER TABLE app_user ADD COLUMN disabled_at TEXT;

CREATE TABLE user_session (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

CREATE TABLE account_link (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    purpose TEXT NOT NULL,
    created_by INTEGER REFERENCES app_user (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE sign_in_failure (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failure_email ON sign_in_failure (email, at);
CREATE INDEX sign_in_failure_ip ON sign_in_failure (ip, at);

CREATE TABLE api_token (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE audit_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id INTEGER,
    user_email TEXT,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    detail TEXT,
    ip TEXT
);
CREATE INDEX audit_event_at ON audit_event (at);
