-- An area's own mapping of role groups to the drivers of their need (docs/definitions.md §7.2),
-- as the CSV the lead saved (role_group, driver, ratio[, why]), checked when saved; no row: the
-- shipped mapping (data/cws/demand_drivers.csv).
CREATE TABLE area_driver_map (
    area_id INTEGER PRIMARY KEY REFERENCES area (id),
    mapping TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
