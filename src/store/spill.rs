//! The partitions an ingest has merged so far, waiting for the export rules: one file in
//! the writer's staging folder, each partition a Parquet segment appended to it.
//!
//! A national ingest merges twenty thousand partitions. As a file each, creating and
//! deleting them cost more than encoding them (issue #20): the file system looks for
//! recently deleted inodes on every create. One file, appended to and read back by
//! offset, keeps memory bounded all the same: a merged partition is on disk, not held.
//!
//! A partition merged again (a large file read a chunk at a time, its rows in date
//! order, touches every trust in every chunk) is appended again, and its earlier
//! segment is dead. Once dead bytes pass both the live ones and
//! [`spill_compact_from`](crate::batching::spill_compact_from) (256 MiB), the
//! live segments are copied to a fresh file and the old one deleted ([`Spill::compact`]),
//! so the file stays within about twice what the partitions hold, as the files staged
//! one per partition did.

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
    /// Where spill files go, and how many this writer has made (each compaction makes
    /// the next).
    base: PathBuf,
    generation: u32,
    path: PathBuf,
    /// The file and its length so far (appends go to the end).
    file: Mutex<(File, u64)>,
    /// The same file, open for reading.
    reader: Mutex<File>,
    /// Bytes of segments no partition points to any more.
    dead: u64,
}

impl Spill {
    /// Creates the spill file at `base` (in the writer's own staging folder; a
    /// compacted file's name adds its generation).
    pub fn create(base: PathBuf) -> Result<Spill, StoreError> {
        Self::generation(base, 0)
    }

    fn generation(base: PathBuf, generation: u32) -> Result<Spill, StoreError> {
        let mut name = base.clone().into_os_string();
        name.push(format!(".{generation}"));
        let path = PathBuf::from(name);
        let file = crate::private_fs::create_file(&path).map_err(|e| StoreError::io(&path, e))?;
        let reader = File::open(&path).map_err(|e| StoreError::io(&path, e))?;
        Ok(Spill {
            base,
            generation,
            path,
            file: Mutex::new((file, 0)),
            reader: Mutex::new(reader),
            dead: 0,
        })
    }

    /// Records that `segment` is no longer read (its partition was put again).
    pub fn superseded(&mut self, segment: Segment) {
        self.dead += segment.len;
    }

    /// Copies the `live` segments to a fresh spill file and deletes this one, when its
    /// dead bytes pass both the live ones and `compact_from`; updates each segment to
    /// its new place.
    pub fn compact<'a>(
        &mut self,
        live: impl Iterator<Item = &'a mut Segment>,
        compact_from: u64,
    ) -> Result<(), StoreError> {
        let end = self.file.get_mut().unwrap_or_else(|e| e.into_inner()).1;
        let alive = end - self.dead;
        if self.dead <= alive || self.dead <= compact_from {
            return Ok(());
        }
        let next = Self::generation(self.base.clone(), self.generation + 1)?;
        let mut live: Vec<&mut Segment> = live.collect();
        // In file order, so the old file is read front to back.
        live.sort_by_key(|segment| segment.offset);
        for segment in live {
            let bytes = self.bytes(*segment)?;
            *segment = next.append(&bytes)?;
        }
        let old = std::mem::replace(self, next);
        let path = old.path.clone();
        drop(old);
        std::fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))
    }

    /// Appends `frame`; returns where it is.
    pub fn put(&self, frame: &mut DataFrame) -> Result<Segment, StoreError> {
        let bytes = encode(frame, Purpose::Spilled).map_err(|source| StoreError::Parquet {
            path: self.path.clone(),
            source,
        })?;
        self.append(&bytes)
    }

    fn append(&self, bytes: &[u8]) -> Result<Segment, StoreError> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, end) = &mut *guard;
        let offset = *end;
        file.write_all(bytes)
            .map_err(|e| StoreError::io(&self.path, e))?;
        *end += bytes.len() as u64;
        Ok(Segment {
            offset,
            len: bytes.len() as u64,
        })
    }

    /// The rows put at `segment`.
    pub fn get(&self, segment: Segment) -> Result<DataFrame, StoreError> {
        ParquetReader::new(std::io::Cursor::new(self.bytes(segment)?))
            .finish()
            .map_err(|source| StoreError::Parquet {
                path: self.path.clone(),
                source,
            })
    }

    fn bytes(&self, segment: Segment) -> Result<Vec<u8>, StoreError> {
        let mut bytes = vec![0; segment.len as usize];
        let mut file = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(segment.offset))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(|e| StoreError::io(&self.path, e))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(n: i32) -> DataFrame {
        df!("n" => (0..n).collect::<Vec<i32>>()).unwrap()
    }

    #[test]
    fn a_compacted_spill_keeps_every_live_segment_and_drops_the_dead() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::create(dir.path().join("spill")).unwrap();
        let mut a = spill.put(&mut frame(10)).unwrap();
        let dead = spill.put(&mut frame(20)).unwrap();
        let mut b = spill.put(&mut frame(30)).unwrap();
        // Nothing dead yet: no compaction, whatever the threshold.
        spill.compact([&mut a, &mut b].into_iter(), 0).unwrap();
        assert_eq!(spill.generation, 0);
        spill.superseded(dead);
        let c = spill.put(&mut frame(1000)).unwrap();
        spill.superseded(c);
        // Dead bytes under the threshold: kept as they are.
        spill
            .compact([&mut a, &mut b].into_iter(), u64::MAX)
            .unwrap();
        assert_eq!(spill.generation, 0);
        spill.compact([&mut a, &mut b].into_iter(), 0).unwrap();
        assert_eq!(spill.generation, 1);
        assert!(
            !dir.path().join("spill.0").exists(),
            "the old file is deleted"
        );
        assert_eq!(spill.get(a).unwrap(), frame(10));
        assert_eq!(spill.get(b).unwrap(), frame(30));
        let end = spill.file.get_mut().unwrap().1;
        assert_eq!(end, a.len + b.len, "only the live segments are left");
    }
}
