-- An area's targets (docs/definitions.md §8): its own, or one of the national catalogue's
-- adopted with its own deadline (national_key). The target is cws_plan::targets::Target as
-- JSON in its schema version, read back checked.
CREATE TABLE area_target (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    area_id INTEGER NOT NULL REFERENCES area (id),
    national_key TEXT,
    title TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    target TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
