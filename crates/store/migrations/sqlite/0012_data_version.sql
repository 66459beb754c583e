-- A counter that every change to what the figures are built from, other than returns,
-- increments in its own transaction (organisations registered or changed, reference data,
-- community comparators). A server compares it, with the newest return's id, to see changes
-- another process (the command line, a second server) has made.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
