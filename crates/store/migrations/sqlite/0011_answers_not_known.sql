-- Own syntax (compared by name, not content, with the other folder).
-- A yes/no answer a return does not give (a census return collects none of these) is not
-- known (NULL), not "no". SQLite cannot drop NOT NULL in place: the table is rebuilt with
-- the same columns in the same order.
CREATE TABLE worker_new (
    id INTEGER PRIMARY KEY,
    return_id INTEGER NOT NULL REFERENCES workforce_return (id),
    person_key TEXT NOT NULL,
    role_code TEXT NOT NULL REFERENCES role (code),
    fte REAL,
    contract TEXT NOT NULL,
    start_date DATE,
    leave_date DATE,
    leave_reason TEXT,
    leave_destination TEXT,
    birth_year INTEGER,
    sex TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    disability TEXT NOT NULL,
    qual_level TEXT,
    qualifications TEXT NOT NULL,
    common_core BOOLEAN,
    induction BOOLEAN,
    caf_trained BOOLEAN,
    lead_professional BOOLEAN,
    budget_holding BOOLEAN,
    multi_agency TEXT,
    vetting TEXT NOT NULL,
    vetting_date DATE,
    safeguarding_training DATE,
    days_lost REAL,
    cases INTEGER
);
INSERT INTO worker_new SELECT * FROM worker;
DROP TABLE worker;
ALTER TABLE worker_new RENAME TO worker;
CREATE INDEX worker_return ON worker (return_id);
