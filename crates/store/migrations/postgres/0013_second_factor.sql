-- A second factor (SPEC §11): a time-based one-time password (RFC 6238) for each person who
-- has set one up, the last time step accepted (a code works once), one-use recovery codes
-- stored as digests, and how far a session has got: a password alone opens only the page
-- asking for the code (or, for a role that must have one, the page setting it up).
ALTER TABLE app_user ADD COLUMN totp_secret TEXT;
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT;
ALTER TABLE user_session ADD COLUMN stage TEXT NOT NULL DEFAULT 'signed_in';

CREATE TABLE recovery_code (
    code_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_code_user ON recovery_code (user_id);
