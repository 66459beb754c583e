-- The local workforce strategy (SPEC §9): one per area and period, its sections kept as
-- versions (who and when), its objectives, actions and risks.
CREATE TABLE strategy (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    area_id INTEGER NOT NULL REFERENCES area (id),
    title TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (area_id, period_start)
);

CREATE TABLE strategy_section_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    section TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    UNIQUE (strategy_id, section, version)
);

CREATE TABLE strategy_objective (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    statement TEXT NOT NULL,
    measure TEXT,
    baseline REAL,
    target REAL,
    target_date DATE,
    owner TEXT
);

CREATE TABLE strategy_action (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    objective_id INTEGER REFERENCES strategy_objective (id),
    workstream TEXT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    start_date DATE,
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    rag TEXT,
    notes TEXT NOT NULL
);

CREATE TABLE strategy_risk (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    description TEXT NOT NULL,
    consequence TEXT NOT NULL,
    mitigation TEXT NOT NULL,
    owner TEXT NOT NULL,
    likelihood INTEGER NOT NULL,
    impact INTEGER NOT NULL
);
