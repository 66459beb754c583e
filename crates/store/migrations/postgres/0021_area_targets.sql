-- An area's targets (docs/definitions.md §8): its own, or one of the national catalogue's
-- adopted with its own deadline (national_key). The target is cws_plan::targets::Target as
-- JSON in its schema version, read back checked.
CREATE TABLE area_target (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL REFERENCES area (id),
    national_key TEXT,
    title TEXT NOT NULL,
    schema_version BIGINT NOT NULL,
    target TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
