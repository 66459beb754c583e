-- Community comparators loaded by a deployment beside the Census 2021 residents shipped with
-- cws: a population by Census 2021 ethnic group for each geography (for example children, or
-- residents of working age), so the workforce can be compared with the community it serves.
CREATE TABLE community_comparator (
    base TEXT NOT NULL,
    geo_code TEXT NOT NULL,
    geo_name TEXT NOT NULL,
    category INTEGER NOT NULL,
    label TEXT NOT NULL,
    persons INTEGER NOT NULL,
    PRIMARY KEY (base, geo_code, category)
);

CREATE TABLE community_comparator_source (
    base TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
