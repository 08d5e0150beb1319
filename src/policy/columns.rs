//! Building the policy tables' columns (`tables.rs`, and each setting's own column of
//! `policy_schools`: `kinds.rs`): dates as polars `Date`, lists `;`-joined.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::calendar::UNIX_EPOCH_DAYS_FROM_CE;

pub(super) fn frame(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(columns).expect("policy table columns have equal lengths")
}

pub(super) fn col<T, P: ?Sized>(name: &str, values: T) -> Column
where
    Series: NamedFrom<T, P>,
{
    Column::new(name.into(), values)
}

pub(super) fn date_col(name: &str, dates: &[NaiveDate]) -> Column {
    let days: Vec<i32> = dates
        .iter()
        .map(|d| d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
        .collect();
    col(name, days)
        .cast(&DataType::Date)
        .expect("Int32 casts to Date")
}

pub(super) fn optional_date_col(name: &str, dates: &[Option<NaiveDate>]) -> Column {
    let days: Vec<Option<i32>> = dates
        .iter()
        .map(|d| d.map(|d| d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE))
        .collect();
    col(name, days)
        .cast(&DataType::Date)
        .expect("Int32 casts to Date")
}

pub(super) fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(";")
}
