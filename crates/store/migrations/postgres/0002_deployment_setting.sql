-- Settings that belong to one deployment, such as the secret used to pseudonymise worker
-- references when no secret is configured.
CREATE TABLE deployment_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
