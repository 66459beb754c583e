"""Peers for the import benchmark (bench/import.sh): the same return files loaded by DuckDB
and by pandas, so cws's figures can be read beside tools people already use.

  duckdb  read_csv of every worker file into one typed table (no validation).
  pandas  read_csv of every file, the same code-list checks cws makes (role, contract, sex,
          ethnicity, disability, vetting; FTE range; dates), then to_sql into SQLite.

Usage: python3 bench/import_peers.py duckdb|pandas MANIFEST ROLES_CSV WORKDIR
Prints one line: rows and seconds.
"""
import csv
import os
import sqlite3
import sys
import time


def worker_files(manifest):
    base = os.path.dirname(manifest)
    with open(manifest, newline="") as f:
        return [os.path.join(base, r["file"]) for r in csv.DictReader(f)]


def run_duckdb(files, workdir):
    import duckdb

    con = duckdb.connect(os.path.join(workdir, "peer.duckdb"))
    con.execute(
        """CREATE TABLE worker AS SELECT * FROM read_csv(?, header = true,
           columns = {
             'organisation_ref': 'VARCHAR', 'worker_ref': 'VARCHAR', 'role_code': 'VARCHAR',
             'fte': 'DOUBLE', 'contract_type': 'VARCHAR', 'start_date': 'DATE',
             'leaving_date': 'DATE', 'leaving_reason': 'VARCHAR', 'leaving_destination': 'VARCHAR',
             'birth_year': 'INTEGER', 'sex': 'VARCHAR', 'ethnicity': 'VARCHAR',
             'disability': 'VARCHAR', 'highest_qualification_level': 'VARCHAR',
             'qualifications': 'VARCHAR', 'common_core': 'VARCHAR', 'induction': 'VARCHAR',
             'caf_trained': 'VARCHAR', 'lead_professional': 'VARCHAR', 'budget_holding': 'VARCHAR',
             'multi_agency_team': 'VARCHAR', 'vetting_check': 'VARCHAR', 'vetting_date': 'DATE',
             'safeguarding_training_date': 'DATE', 'working_days_lost': 'DOUBLE',
             'cases_held': 'INTEGER'})""",
        [files],
    )
    return con.execute("SELECT COUNT(*) FROM worker").fetchone()[0]


CODES = {
    "contract_type": {"permanent", "fixed_term", "bank", "agency", "self_employed", "volunteer", "foster_carer"},
    "sex": {"F", "M", "O", "U"},
    "ethnicity": set("WBRI WIRI WOTH MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT".split()),
    "disability": {"yes", "no", "not_disclosed", "unknown"},
    "vetting_check": {"enhanced_barred", "enhanced", "standard", "update_service", "none"},
}


def run_pandas(files, roles_csv, workdir):
    import pandas as pd

    with open(roles_csv, newline="") as f:
        roles = {r["code"] for r in csv.DictReader(f)}
    db = sqlite3.connect(os.path.join(workdir, "peer.sqlite"))
    rows = 0
    problems = 0
    batch = []
    for i, path in enumerate(files):
        batch.append(pd.read_csv(path, dtype=str, keep_default_na=False))
        if len(batch) == 2000 or i == len(files) - 1:
            df = pd.concat(batch, ignore_index=True)
            batch = []
            bad = ~df["role_code"].isin(roles)
            for col, allowed in CODES.items():
                bad |= ~df[col].isin(allowed)
            fte = pd.to_numeric(df["fte"], errors="coerce")
            bad |= (df["fte"] != "") & ~((fte > 0) & (fte <= 1))
            for col in ("start_date", "leaving_date", "vetting_date"):
                d = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
                bad |= (df[col] != "") & d.isna()
            problems += int(bad.sum())
            df.to_sql("worker", db, if_exists="append", index=False, chunksize=50_000)
            rows += len(df)
    db.commit()
    return rows


def main():
    tool, manifest, roles_csv, workdir = sys.argv[1:5]
    files = worker_files(manifest)
    started = time.perf_counter()
    rows = run_duckdb(files, workdir) if tool == "duckdb" else run_pandas(files, roles_csv, workdir)
    secs = time.perf_counter() - started
    print(f"{tool}: {rows} rows in {secs:.1f}s ({rows / secs:.0f} rows/s)")


if __name__ == "__main__":
    main()
