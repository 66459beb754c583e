-- Storage only (compared by name, not content, with the PostgreSQL folder).
-- Worker and vacancy rows without AUTOINCREMENT: every insert into an AUTOINCREMENT table
-- also updates sqlite_sequence, which cost about a third of a national import's writing.
-- Ids are only ever used to join rows within the store, so a reused id could do no harm.
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
    common_core BOOLEAN NOT NULL,
    induction BOOLEAN NOT NULL,
    caf_trained BOOLEAN NOT NULL,
    lead_professional BOOLEAN NOT NULL,
    budget_holding BOOLEAN NOT NULL,
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

CREATE TABLE vacancy_new (
    id INTEGER PRIMARY KEY,
    return_id INTEGER NOT NULL REFERENCES workforce_return (id),
    role_code TEXT NOT NULL REFERENCES role (code),
    fte REAL NOT NULL,
    agency_covered_fte REAL NOT NULL
);
INSERT INTO vacancy_new SELECT * FROM vacancy;
DROP TABLE vacancy;
ALTER TABLE vacancy_new RENAME TO vacancy;
CREATE INDEX vacancy_return ON vacancy (return_id);
