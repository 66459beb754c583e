-- The strategy's working parts (SPEC §9): dated updates of actions and risks (so the board
-- report can compare two dates), SWOT/STEEP entries (proposed from the figures or written),
-- resources and pooling, the three-year financial plan, and the toolkit checklist.
ALTER TABLE strategy_action ADD COLUMN milestones TEXT NOT NULL DEFAULT '';
ALTER TABLE strategy_risk ADD COLUMN closed_on DATE;

CREATE TABLE strategy_action_update (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES strategy_action (id),
    on_date DATE NOT NULL,
    status TEXT NOT NULL,
    rag TEXT NOT NULL,
    note TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
);

CREATE TABLE strategy_risk_update (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    risk_id INTEGER NOT NULL REFERENCES strategy_risk (id),
    on_date DATE NOT NULL,
    likelihood INTEGER NOT NULL,
    impact INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
);

CREATE TABLE strategy_analysis (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    proposal_key TEXT,
    decision TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    UNIQUE (strategy_id, proposal_key)
);

CREATE TABLE strategy_budget (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    holder TEXT NOT NULL,
    spend REAL NOT NULL,
    pool_offer REAL NOT NULL
);

CREATE TABLE strategy_funding_stream (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    title TEXT NOT NULL,
    provider TEXT NOT NULL,
    purpose TEXT NOT NULL,
    target_groups TEXT NOT NULL,
    link TEXT NOT NULL,
    comments TEXT NOT NULL
);

CREATE TABLE strategy_plan_line (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    year INTEGER NOT NULL,
    item TEXT NOT NULL,
    amount REAL NOT NULL,
    source TEXT NOT NULL,
    pooled INTEGER NOT NULL
);

CREATE TABLE strategy_checklist (
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    item TEXT NOT NULL,
    answer TEXT NOT NULL,
    evidence TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (strategy_id, item)
);
