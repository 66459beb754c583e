-- An area's named projection scenarios: the levers (cws_project::Levers as JSON, in the
-- scenario file's schema), kept so that they can be run again and compared side by side.
CREATE TABLE projection_scenario (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL REFERENCES area (id),
    name TEXT NOT NULL,
    schema_version BIGINT NOT NULL,
    levers TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    UNIQUE (area_id, name)
);
