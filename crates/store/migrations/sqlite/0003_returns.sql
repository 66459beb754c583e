-- Collecting returns: the latest state of each organisation's return in a collection (kept
-- even when a submission was refused, so the area lead can chase it), and the queries a
-- submitter accepted with a written explanation, kept with the version they belong to.
CREATE TABLE return_status (
    collection_id INTEGER NOT NULL REFERENCES collection (id),
    organisation_id INTEGER NOT NULL REFERENCES organisation (id),
    status TEXT NOT NULL,
    errors INTEGER NOT NULL,
    queries INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, organisation_id)
);

CREATE TABLE return_query (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    return_id INTEGER NOT NULL REFERENCES workforce_return (id),
    rule_code TEXT NOT NULL,
    file_name TEXT NOT NULL,
    row_number INTEGER,
    column_name TEXT,
    cell_value TEXT,
    message TEXT NOT NULL,
    explanation TEXT NOT NULL
);
CREATE INDEX return_query_return ON return_query (return_id);
CREATE INDEX workforce_return_current ON workforce_return (collection_id, organisation_id, is_current);
