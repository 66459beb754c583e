-- Children aged 0 to 17 projected by upper-tier area and year, from ONS's subnational
-- population projections as loaded by `cws load-population` (districts summed to their
-- upper-tier area). A load replaces the whole table; `population_projection_load` says what
-- was loaded, when and by whom.
CREATE TABLE population_projection (
    area_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    children REAL NOT NULL,
    PRIMARY KEY (area_code, year)
);
CREATE TABLE population_projection_load (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    areas INTEGER NOT NULL,
    districts INTEGER NOT NULL,
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL,
    loaded_by TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
