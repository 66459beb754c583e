-- The projection a strategy shows in its current position and objectives: the scenario's
-- name and levers as chosen (a copy, so that changing or removing a kept scenario does not
-- change a strategy's figures unseen), in the scenario file's schema. No row: not shown.
CREATE TABLE strategy_projection (
    strategy_id INTEGER PRIMARY KEY REFERENCES strategy (id),
    name TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    levers TEXT NOT NULL,
    chosen_by TEXT NOT NULL,
    chosen_at TEXT NOT NULL
);
