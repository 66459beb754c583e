"""Peer for bench/figures.sh: DuckDB computing the same full profile as `cws bench-figures`
(every area's figures by role group, by sector, by contract type, and in total) with SQL over
the same stored posts, read from the same SQLite database. Cold = reading the posts into
DuckDB + the queries; warm = the queries on the loaded table (median of N).

DuckDB cannot read SQLite here without downloading its extension, so posts are read with
Python's sqlite3 into a pandas frame and registered with DuckDB; that read is timed apart.
Usage: figures_peer.py DB ROLES_CSV CENSUS_DATE [REPEAT] [--posts]
--posts counts posts instead of distinct people: a lower bound without de-duplication."""
import sqlite3, sys, time, statistics
import duckdb, pandas as pd

db, roles_csv, census = sys.argv[1], sys.argv[2], sys.argv[3]
repeat = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4].isdigit() else 5

t0 = time.perf_counter()
con = sqlite3.connect(db)
posts = pd.read_sql_query(
    """SELECT o.area_id, o.sector, o.id AS org, w.person_key, w.role_code, w.fte, w.contract,
              w.start_date, w.leave_date, w.birth_year, w.sex, w.ethnicity, w.disability,
              w.qual_level, w.common_core, w.induction, w.caf_trained, w.lead_professional,
              w.multi_agency, w.vetting_date, w.days_lost, w.cases
       FROM worker w JOIN workforce_return r ON r.id = w.return_id
       JOIN organisation o ON o.id = r.organisation_id
       JOIN collection c ON c.id = r.collection_id
       WHERE r.is_current = 1 AND c.census_date = ?""",
    con, params=(census,))
read = time.perf_counter() - t0
duck = duckdb.connect()
duck.register("posts_df", posts)
duck.execute(f"CREATE TABLE roles AS SELECT * FROM read_csv('{roles_csv}', header=true)")
duck.execute("""CREATE TABLE posts AS SELECT p.*, r.role_group, r.case_holding,
                   TRY_CAST(p.start_date AS DATE) AS start_d, TRY_CAST(p.leave_date AS DATE) AS leave_d,
                   TRY_CAST(p.vetting_date AS DATE) AS vetting_d
                FROM posts_df p LEFT JOIN roles r ON r.code = p.role_code""")
load = time.perf_counter() - t0

C = f"DATE '{census}'"
in_post = f"(start_d IS NULL OR start_d <= {C}) AND (leave_d IS NULL OR leave_d > {C})"
def in_year(col):
    return f"{col} > {C} - INTERVAL 1 YEAR AND {col} <= {C}"
emp = "contract <> 'agency'"
age = f"(year({C}) - birth_year)"
aggs = f"""
  SUM(fte) FILTER ({in_post} AND {emp}) AS inpost_fte,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {emp}) AS inpost_headcount,
  SUM(fte) FILTER ({in_year('start_d')} AND {emp}) AS starters_fte,
  COUNT(DISTINCT person_key) FILTER ({in_year('start_d')} AND {emp}) AS starters_headcount,
  SUM(fte) FILTER ({in_year('leave_d')} AND {emp}) AS leavers_fte,
  COUNT(DISTINCT person_key) FILTER ({in_year('leave_d')} AND {emp}) AS leavers_headcount,
  SUM(fte) FILTER ({in_post} AND contract = 'agency') AS agency_fte,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND contract = 'agency') AS agency_headcount,
  SUM(fte) FILTER ({in_post} AND case_holding AND cases IS NOT NULL) AS case_holders_fte,
  SUM(cases) FILTER ({in_post} AND case_holding) AS cases,
  SUM(days_lost) FILTER ({in_post} AND {emp}) AS working_days_lost,
  COUNT(DISTINCT person_key) FILTER ({in_post}) AS people,
  COUNT(*) FILTER ({in_post} AND fte IS NULL) AS fte_missing_posts,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND birth_year IS NOT NULL) AS age_known,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} < 20) AS age_under_20,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} BETWEEN 20 AND 29) AS age_20_29,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} BETWEEN 30 AND 39) AS age_30_39,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} BETWEEN 40 AND 49) AS age_40_49,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} BETWEEN 50 AND 59) AS age_50_59,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} >= 60) AS age_60_plus,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND {age} >= 55) AS age_55_plus,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND birth_year + 65 <= year({C}) + 10) AS reaching_retirement,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND sex = 'F') AS female,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND sex = 'M') AS male,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND ethnicity NOT IN ('REFU', 'NOBT')) AS ethnicity_known,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND ethnicity NOT IN ('REFU', 'NOBT', 'WBRI', 'WIRI', 'WOTH')) AS ethnic_minority,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND disability = 'yes') AS disabled,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND disability IN ('yes', 'no')) AS disability_known,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND qual_level IN ('6', '7', '8')) AS graduates,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND qual_level IN ('3', '4', '5')) AS level3_plus_non_graduates,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND common_core = 1) AS common_core,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND induction = 1) AS induction,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND vetting_d > {C} - INTERVAL 36 MONTH) AS vetting_in_date,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND caf_trained = 1) AS caf_trained,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND lead_professional = 1) AS lead_professionals,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND multi_agency NOT IN ('', 'no')) AS multi_agency,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND start_d > {C} - INTERVAL 2 YEAR) AS service_under_2_years,
  COUNT(DISTINCT person_key) FILTER ({in_post} AND start_d <= {C} - INTERVAL 5 YEAR) AS service_5_plus_years
"""
if "--posts" in sys.argv:
    # lower bound: posts counted, not people (no de-duplication), so no distinct sets
    aggs = aggs.replace("COUNT(DISTINCT person_key)", "COUNT(*)")
queries = [f"SELECT area_id{', ' + d if d else ''}, {aggs} FROM posts GROUP BY ALL"
           for d in ["", "role_group", "sector", "contract"]]

def profile():
    return sum(len(duck.execute(q).fetchall()) for q in queries)

t = time.perf_counter()
groups = profile()
cold = load + (time.perf_counter() - t)
warm = []
for _ in range(repeat):
    t = time.perf_counter()
    profile()
    warm.append(time.perf_counter() - t)
print(f"posts {len(posts)} · groups {groups} · cold {cold:.2f} s (read from SQLite {read:.2f} s, into DuckDB {load - read:.2f} s) · "
      f"warm median {statistics.median(warm):.3f} s (best {min(warm):.3f}, worst {max(warm):.3f})")
