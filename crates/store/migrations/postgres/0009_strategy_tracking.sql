-- The strategy's working parts (SPEC §9): dated updates of actions and risks (so the board
-- report can compare two dates), SWOT/STEEP entries (proposed from the figures or written),
-- resources and pooling, the three-year financial plan, and the toolkit checklist.
ALTER TABLE strategy_action ADD COLUMN milestones TEXT NOT NULL DEFAULT '';
ALTER TABLE strategy_risk ADD COLUMN closed_on DATE;

CREATE TABLE strategy_action_update (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES strategy_action (id),
    on_date DATE NOT NULL,
    status TEXT NOT NULL,
    rag TEXT NOT NULL,
    note TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
);

CREATE TABLE strategy_risk_update (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    risk_id BIGINT NOT NULL REFERENCES strategy_risk (id),
    on_date DATE NOT NULL,
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
);

CREATE TABLE strategy_analysis (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    proposal_key TEXT,
    decision TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    UNIQUE (strategy_id, proposal_key)
);

CREATE TABLE strategy_budget (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    holder TEXT NOT NULL,
    spend DOUBLE PRECISION NOT NULL,
    pool_offer DOUBLE PRECISION NOT NULL
);

CREATE TABLE strategy_funding_stream (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    title TEXT NOT NULL,
    provider TEXT NOT NULL,
    purpose TEXT NOT NULL,
    target_groups TEXT NOT NULL,
    link TEXT NOT NULL,
    comments TEXT NOT NULL
);

CREATE TABLE strategy_plan_line (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    year BIGINT NOT NULL,
    item TEXT NOT NULL,
    amount DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    pooled BIGINT NOT NULL
);

CREATE TABLE strategy_checklist (
    strategy_id BIGINT NOT NULL REFERENCES strategy (id),
    item TEXT NOT NULL,
    answer TEXT NOT NULL,
    evidence TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (strategy_id, item)
);
