//! Turning checked rows into typed polars frames, and merging them into what a trust's
//! partition already holds.

use polars::prelude::*;

use crate::contract::{Cell, Kind, Table};

/// The stored columns of `table`, typed: text for ids, names and enums, `Date` for dates,
/// `Boolean`, and `Int32` for minutes and scores.
pub fn schema(table: Table) -> Schema {
    table
        .columns()
        .iter()
        .filter(|c| Table::is_stored(c))
        .map(|c| Field::new(Table::stored_name(c).into(), dtype(c.kind)))
        .collect()
}

fn dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Date => DataType::Date,
        Kind::Bool => DataType::Boolean,
        Kind::Int { .. } => DataType::Int32,
        _ => DataType::String,
    }
}

/// The names of the key columns of `table`, as stored.
pub fn key_names(table: Table) -> Vec<String> {
    table
        .key()
        .iter()
        .map(|&at| Table::stored_name(&table.columns()[at]).to_string())
        .collect()
}

/// Builds the frame of `rows` (each in [`Table::columns`] order).
pub fn rows_to_frame(table: Table, rows: &[Vec<Cell>]) -> PolarsResult<DataFrame> {
    let mut columns = Vec::new();
    for (at, column) in table.columns().iter().enumerate() {
        if !Table::is_stored(column) {
            continue;
        }
        let name: PlSmallStr = Table::stored_name(column).into();
        let cells = rows.iter().map(|row| &row[at]);
        let series = match column.kind {
            Kind::Date => {
                DateChunked::from_naive_date_options(name, cells.map(Cell::date)).into_series()
            }
            Kind::Bool => Series::new(
                name,
                cells
                    .map(|c| {
                        if let Cell::Bool(b) = c {
                            Some(*b)
                        } else {
                            None
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
            Kind::Int { .. } => Series::new(
                name,
                cells
                    .map(|c| {
                        if let Cell::Int(i) = c {
                            i32::try_from(*i).ok()
                        } else {
                            None
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => Series::new(
                name,
                cells
                    .map(|c| {
                        if let Cell::Text(t) = c {
                            Some(t.as_str())
                        } else {
                            None
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        columns.push(series.into_column());
    }
    DataFrame::new(rows.len(), columns)
}

/// Merges `incoming` rows into a partition's `existing` rows: an incoming row replaces
/// the stored row with the same key (for attendees and discussions, every stored row of
/// the same session), the later of two incoming rows with one key wins, and the result
/// is sorted by key so the same content always gives the same file.
pub fn merge(
    table: Table,
    existing: Option<DataFrame>,
    incoming: DataFrame,
) -> PolarsResult<DataFrame> {
    let keys = key_names(table);
    let replaced_by: Vec<String> = if table.replaced_per_session() {
        vec![keys[0].clone()]
    } else {
        keys.clone()
    };
    merge_replacing(table, existing, incoming, &replaced_by)
}

/// Merges a later part of one bundle's rows (a large file is handed on in chunks, issue
/// #13) into what the earlier parts left, so that the parts give what [`merge`] gives
/// for the bundle's rows at once: rows replace rows of the same key, and for attendees
/// and discussions a session replaces the stored rows only the first time the bundle
/// brings it (`new_sessions`: the sessions of `incoming` that no earlier part brought),
/// so the bundle's own rows of a session stay, whichever part they came in.
pub fn merge_part(
    table: Table,
    existing: Option<DataFrame>,
    incoming: DataFrame,
    new_sessions: &[&str],
) -> PolarsResult<DataFrame> {
    let keys = key_names(table);
    let existing = match existing {
        Some(existing) if table.replaced_per_session() && !new_sessions.is_empty() => {
            let session = keys[0].as_str();
            let replaced = DataFrame::new(
                new_sessions.len(),
                vec![Column::new(session.into(), new_sessions)],
            )?;
            Some(
                existing
                    .lazy()
                    .join(
                        replaced.lazy(),
                        [col(session)],
                        [col(session)],
                        JoinArgs::new(JoinType::Anti),
                    )
                    .collect()?,
            )
        }
        existing => existing,
    };
    merge_replacing(table, existing, incoming, &keys)
}

/// Merges `incoming` into `existing`, dropping the existing rows that share the
/// `replaced_by` columns with an incoming row.
fn merge_replacing(
    table: Table,
    existing: Option<DataFrame>,
    incoming: DataFrame,
    replaced_by: &[String],
) -> PolarsResult<DataFrame> {
    let keys = key_names(table);
    let incoming = incoming.unique_stable(Some(&keys), UniqueKeepStrategy::Last, None)?;
    let kept = match existing {
        None => None,
        Some(existing) => {
            let on: Vec<Expr> = replaced_by.iter().map(|k| col(k.as_str())).collect();
            let replaced = incoming
                .clone()
                .lazy()
                .select(on.clone())
                .unique(None, UniqueKeepStrategy::First);
            Some(
                existing
                    .lazy()
                    .join(replaced, on.clone(), on, JoinArgs::new(JoinType::Anti))
                    .collect()?,
            )
        }
    };
    let mut merged = match kept {
        Some(mut kept) => {
            kept.vstack_mut_owned(incoming)?;
            kept
        }
        None => incoming,
    };
    merged.rechunk_mut();
    merged.sort(
        &keys,
        SortMultipleOptions::default().with_maintain_order(true),
    )
}
