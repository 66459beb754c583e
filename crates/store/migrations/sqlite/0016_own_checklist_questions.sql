-- An area's own checklist questions, beside the toolkit's, each in one of the toolkit's
-- groups (its key); their answers are kept in strategy_checklist as item 'local_{id}'.
CREATE TABLE strategy_checklist_question (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy_id INTEGER NOT NULL REFERENCES strategy (id),
    group_key TEXT NOT NULL,
    question TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX strategy_checklist_question_strategy ON strategy_checklist_question (strategy_id);
