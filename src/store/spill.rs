//! The partitions an ingest has merged so far, waiting for the export rules: one file in
//! the writer's staging folder, each partition a Parquet segment appended to it.
//!
//! A national ingest merges twenty thousand partitions. As a file each, creating and
//! deleting them cost more than encoding them (issue #20): the file system looks for
//! recently deleted inodes on every create. One file, appended to and read back by
//! offset, keeps memory bounded all the same: a merged partition is on disk, not held.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use polars::prelude::*;

use super::StoreError;
use super::parquet::{Purpose, encode};

/// Where a partition's rows are in the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    offset: u64,
    len: u64,
}

/// The spill file of one writer.
pub struct Spill {
    path: PathBuf,
    /// The file and its length so far (appends go to the end).
    file: Mutex<(File, u64)>,
    /// The same file, open for reading.
    reader: Mutex<File>,
}

impl Spill {
    /// Creates the spill file at `path` (in the writer's own staging folder).
    pub fn create(path: PathBuf) -> Result<Spill, StoreError> {
        let file = crate::private_fs::create_file(&path).map_err(|e| StoreError::io(&path, e))?;
        let reader = File::open(&path).map_err(|e| StoreError::io(&path, e))?;
        Ok(Spill {
            path,
            file: Mutex::new((file, 0)),
            reader: Mutex::new(reader),
        })
    }

    /// Appends `frame`; returns where it is.
    pub fn put(&self, frame: &mut DataFrame) -> Result<Segment, StoreError> {
        let bytes = encode(frame, Purpose::Spilled).map_err(|source| StoreError::Parquet {
            path: self.path.clone(),
            source,
        })?;
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, end) = &mut *guard;
        let offset = *end;
        file.write_all(&bytes)
            .map_err(|e| StoreError::io(&self.path, e))?;
        *end += bytes.len() as u64;
        Ok(Segment {
            offset,
            len: bytes.len() as u64,
        })
    }

    /// The rows put at `segment`.
    pub fn get(&self, segment: Segment) -> Result<DataFrame, StoreError> {
        let mut bytes = vec![0; segment.len as usize];
        {
            let mut file = self.reader.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(segment.offset))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(|e| StoreError::io(&self.path, e))?;
        }
        ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .map_err(|source| StoreError::Parquet {
                path: self.path.clone(),
                source,
            })
    }
}
