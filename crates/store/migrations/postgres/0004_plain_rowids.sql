-- Storage only (compared by name, not content, with the SQLite folder).
-- SQLite rebuilt its worker and vacancy tables without AUTOINCREMENT for speed; PostgreSQL's
-- identity columns have no such cost, so there is nothing to change here.
SELECT 1;
