//! Decoding an export's files into a header and records of text cells, before anything
//! knows which table they are or how they are mapped. Every read goes through it: a
//! canonical bundle's files (a stream, [`stream`]) and the files and workbook sheets a
//! mapping file names (read whole, [`source`], sheets within bounds by [`workbook`]).

pub mod source;
pub mod stream;
pub mod workbook;
