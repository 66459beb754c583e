-- cws foundation schema: reference data, organisations, collections, returns, workers, users.
-- Kept in step with migrations/postgres/0001_foundation.sql (a test compares the two).

CREATE TABLE reference_file (
    name TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);

CREATE TABLE region (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_code TEXT REFERENCES region (code)
);

CREATE TABLE area (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    old_la_code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES region (code),
    london_subregion TEXT REFERENCES region (code),
    opened DATE,
    closed DATE,
    is_joint BOOLEAN NOT NULL
);
CREATE INDEX area_old_la_code ON area (old_la_code);

CREATE TABLE area_member (
    joint_area_id INTEGER NOT NULL REFERENCES area (id),
    member_area_id INTEGER NOT NULL REFERENCES area (id),
    PRIMARY KEY (joint_area_id, member_area_id)
);

CREATE TABLE area_succession (
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    PRIMARY KEY (from_code, to_code)
);

CREATE TABLE stat_neighbour (
    area_old_code TEXT NOT NULL,
    rank INTEGER NOT NULL,
    neighbour_old_code TEXT NOT NULL,
    closeness TEXT NOT NULL,
    PRIMARY KEY (area_old_code, rank)
);

CREATE TABLE community_ethnicity (
    geo_code TEXT NOT NULL,
    geo_level TEXT NOT NULL,
    geo_name TEXT NOT NULL,
    category INTEGER NOT NULL,
    label TEXT NOT NULL,
    persons INTEGER NOT NULL,
    PRIMARY KEY (geo_code, category)
);

CREATE TABLE child_population (
    year INTEGER NOT NULL,
    geo_level TEXT NOT NULL,
    geo_code TEXT NOT NULL,
    geo_name TEXT NOT NULL,
    children REAL,
    symbol TEXT,
    PRIMARY KEY (year, geo_level, geo_code)
);

CREATE TABLE published_indicator (
    year INTEGER NOT NULL,
    geo_level TEXT NOT NULL,
    geo_code TEXT NOT NULL,
    geo_name TEXT NOT NULL,
    region_code TEXT,
    old_la_code TEXT,
    indicator TEXT NOT NULL,
    value REAL,
    symbol TEXT,
    PRIMARY KEY (year, geo_level, geo_code, indicator)
);

CREATE TABLE published_sw_ethnicity (
    year INTEGER NOT NULL,
    geo_level TEXT NOT NULL,
    geo_code TEXT NOT NULL,
    org_role TEXT NOT NULL,
    measure TEXT NOT NULL,
    value REAL,
    symbol TEXT,
    PRIMARY KEY (year, geo_level, geo_code, org_role, measure)
);

CREATE TABLE published_cla_stability (
    year INTEGER NOT NULL,
    geo_level TEXT NOT NULL,
    geo_code TEXT NOT NULL,
    measure TEXT NOT NULL,
    number REAL,
    number_symbol TEXT,
    percentage REAL,
    percentage_symbol TEXT,
    PRIMARY KEY (year, geo_level, geo_code, measure)
);

CREATE TABLE ltla (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    utla_code TEXT NOT NULL,
    utla_name TEXT NOT NULL
);

CREATE TABLE role (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    footprint TEXT NOT NULL,
    core_wider TEXT NOT NULL,
    role_group TEXT NOT NULL,
    iqf_range TEXT NOT NULL,
    min_qual_level TEXT NOT NULL,
    min_qual_rule TEXT NOT NULL,
    regulator TEXT,
    case_holding BOOLEAN NOT NULL
);

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    area_id INTEGER NOT NULL REFERENCES area (id),
    reference TEXT NOT NULL,
    name TEXT NOT NULL,
    sector TEXT NOT NULL,
    service TEXT NOT NULL,
    setting_type TEXT NOT NULL,
    disadvantaged BOOLEAN NOT NULL,
    parent_id INTEGER REFERENCES organisation (id),
    synthetic BOOLEAN NOT NULL,
    UNIQUE (area_id, reference)
);

CREATE TABLE collection (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    census_date DATE NOT NULL UNIQUE,
    opens DATE NOT NULL,
    due DATE NOT NULL,
    closes DATE NOT NULL
);

CREATE TABLE workforce_return (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id INTEGER NOT NULL REFERENCES collection (id),
    organisation_id INTEGER NOT NULL REFERENCES organisation (id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    content_digest TEXT NOT NULL,
    is_current BOOLEAN NOT NULL,
    synthetic BOOLEAN NOT NULL,
    UNIQUE (collection_id, organisation_id, version)
);
CREATE INDEX workforce_return_org ON workforce_return (organisation_id);

CREATE TABLE worker (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE INDEX worker_return ON worker (return_id);

CREATE TABLE vacancy (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    return_id INTEGER NOT NULL REFERENCES workforce_return (id),
    role_code TEXT NOT NULL REFERENCES role (code),
    fte REAL NOT NULL,
    agency_covered_fte REAL NOT NULL
);
CREATE INDEX vacancy_return ON vacancy (return_id);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_code TEXT,
    scope_org_id INTEGER REFERENCES organisation (id),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE synthetic_run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seed INTEGER NOT NULL,
    scale TEXT NOT NULL,
    census_date DATE NOT NULL,
    organisations INTEGER NOT NULL,
    workers INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
