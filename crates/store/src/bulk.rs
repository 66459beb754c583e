//! Multi-row inserts with typed cells, chunked under each backend's parameter limit.

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use crate::{on_tx, Result, Tx};

/// One value to insert. Each variant carries its type even when NULL, because PostgreSQL
/// checks parameter types against the column.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<&'a str>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
}

/// SQLite's default limit is 32,766 parameters per statement and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 32_000;

/// Inserts `rows` (each with one cell per column) into `table`.
pub async fn insert_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell<'_>>],
) -> Result<u64> {
    let per_chunk = (MAX_PARAMS / columns.len().max(1)).max(1);
    let head = format!("INSERT INTO {table} ({}) ", columns.join(", "));
    let mut inserted = 0;
    for chunk in rows.chunks(per_chunk) {
        inserted += on_tx!(tx, conn => {
            let mut qb = QueryBuilder::new(&head);
            qb.push_values(chunk, |mut b, row| {
                for cell in row {
                    match *cell {
                        Cell::Int(v) => b.push_bind(v),
                        Cell::Real(v) => b.push_bind(v),
                        Cell::Text(v) => b.push_bind(v),
                        Cell::Bool(v) => b.push_bind(v),
                        Cell::Date(v) => b.push_bind(v),
                    };
                }
            });
            qb.build().execute(&mut *conn).await?.rows_affected()
        });
    }
    Ok(inserted)
}
