-- The local workforce strategy (SPEC §9): one per area and period, its sections kept as
-- versions (who and when), its objectives, actions and risks.
CREATE TABLE strategy (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL REFERENCES area (id),
    title TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (area_id, period_start)
);

CREATE TABLE strategy_section_version (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    section TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    UNIQUE (strategy_id, section, version)
);

CREATE TABLE strategy_objective (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    statement TEXT NOT NULL,
    measure TEXT,
    baseline DOUBLE PRECISION,
    target DOUBLE PRECISION,
    target_date DATE,
    owner TEXT
);

CREATE TABLE strategy_action (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    objective_id BIGINT REFERENCES strategy_objective (id),
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    description TEXT NOT NULL,
    consequence TEXT NOT NULL,
    mitigation TEXT NOT NULL,
    owner TEXT NOT NULL,
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL
);
