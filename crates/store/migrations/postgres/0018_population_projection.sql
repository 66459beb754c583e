-- Children aged 0 to 17 projected by upper-tier area and year, from ONS's subnational
-- population projections as loaded by `cws load-population` (districts summed to their
-- upper-tier area). A load replaces the whole table; `population_projection_load` says what
-- was loaded, when and by whom.
CREATE TABLE population_projection (
    area_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    children DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (area_code, year)
);
CREATE TABLE population_projection_load (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT NOT NULL,
    areas BIGINT NOT NULL,
    districts BIGINT NOT NULL,
    first_year BIGINT NOT NULL,
    last_year BIGINT NOT NULL,
    loaded_by TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
