//! An output table, declared once: a struct per CSV file whose fields are the file's
//! columns in order, each with its type (which gives its format: [`ColumnValue`]) and,
//! for a published figure, what it declares ([`Declared`]: counts children or not, the
//! relations a reader can use).
//!
//! From that one declaration come the CSV header, the loading of the query's result (a
//! column the query no longer gives, or gives with another type, is a load-time error
//! naming the query: [`ShapeError`]), the CSV cells, and what disclosure control reads.
//! The query is named by its constant in [`metrics`](crate::metrics), so a table and
//! its query cannot be spelled apart. The governors' tables are declared in
//! [`published::marts`](super::published::marts), the lead's in
//! [`restricted`](super::restricted).

use polars::prelude::DataFrame;

pub mod cell;
pub mod declared;

use crate::metrics::Query;
use cell::Figure;
pub use cell::{ColumnValue, ShapeError};
pub use declared::Declared;

/// A typed output table: the rows of one query's result, written as one CSV file.
pub trait OutputTable: Sized {
    /// The query whose result it is; its name is the CSV's stem.
    const QUERY: Query;
    /// The CSV columns, in order.
    const COLUMNS: &'static [&'static str];
    /// The published figures' declarations, by column (empty for a restricted file).
    const DECLARED: &'static [(&'static str, Declared)];
    /// The rows of the query's result.
    fn load(frame: &DataFrame) -> Result<Vec<Self>, ShapeError>;
    /// The row's CSV cells, in [`OutputTable::COLUMNS`] order.
    fn record(&self) -> Vec<String>;
    /// The count of children in `column`, when it is one.
    fn count(&self, column: &str) -> Option<Figure<u64>>;
    /// The value of the true/false `column`.
    fn truth(&self, column: &str) -> Option<bool>;
    /// Writes `c` in `column`; false when the column cannot hold `c`.
    fn suppress(&mut self, column: &str) -> bool;
    /// The row's trust and school.
    fn school(&self) -> (&str, &str);
}

/// Declares output tables: `Name = QUERY { column: Type [= declaration], ... }`.
macro_rules! output_tables {
    ($(
        $(#[$doc:meta])*
        $table:ident = $query:path {
            $( $(#[$field_doc:meta])* $field:ident : $type:ty $(= $declared:expr)? ),* $(,)?
        }
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $table {
            $( $(#[$field_doc])* pub $field: $type, )*
        }

        impl $table {
            /// The query's name: the CSV file's stem.
            pub const NAME: &'static str = $query.name;
        }

        impl $crate::report::table::OutputTable for $table {
            const QUERY: $crate::metrics::Query = $query;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            const DECLARED: &'static [(&'static str, $crate::report::table::Declared)] =
                &[$($( (stringify!($field), $declared), )?)*];

            fn load(
                frame: &polars::prelude::DataFrame,
            ) -> Result<Vec<Self>, $crate::report::table::ShapeError> {
                use $crate::report::table::ColumnValue;
                let file = $query.file;
                $( let mut $field = <$type as ColumnValue>::read(frame, file, stringify!($field))?.into_iter(); )*
                let mut rows = Vec::with_capacity(frame.height());
                // Every column of a frame has the frame's height.
                while let ($(Some($field),)*) = ($($field.next(),)*) {
                    rows.push($table { $($field,)* });
                }
                Ok(rows)
            }

            fn record(&self) -> Vec<String> {
                use $crate::report::table::ColumnValue;
                vec![$( ColumnValue::cell(&self.$field) ),*]
            }

            fn count(&self, column: &str) -> Option<$crate::report::table::cell::Figure<u64>> {
                use $crate::report::table::ColumnValue;
                match column {
                    $( stringify!($field) => ColumnValue::count(&self.$field), )*
                    _ => None,
                }
            }

            fn truth(&self, column: &str) -> Option<bool> {
                use $crate::report::table::ColumnValue;
                match column {
                    $( stringify!($field) => ColumnValue::truth(&self.$field), )*
                    _ => None,
                }
            }

            fn suppress(&mut self, column: &str) -> bool {
                use $crate::report::table::ColumnValue;
                match column {
                    $( stringify!($field) => ColumnValue::suppress(&mut self.$field), )*
                    _ => false,
                }
            }

            fn school(&self) -> (&str, &str) {
                (&self.trust_id, &self.school_urn)
            }
        }
    )*};
}

pub(crate) use output_tables;
