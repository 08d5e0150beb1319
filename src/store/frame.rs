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
    let incoming = incoming.unique_stable(Some(&keys), UniqueKeepStrategy::Last, None)?;
    let replaced_by: Vec<String> = if table.replaced_per_session() {
        vec![keys[0].clone()]
    } else {
        keys.clone()
    };
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
