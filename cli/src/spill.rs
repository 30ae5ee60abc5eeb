//! A temporary directory of spill files, removed when dropped: `convert --to har` groups a
//! capture's messages by channel there (and keeps standard input there to read it twice);
//! `convert` and `check` put a HAR's records, grouped by entry, back in capture order from there.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct SpillDir {
    path: PathBuf,
}

impl SpillDir {
    /// A new, empty directory under the system's temporary directory.
    pub fn new() -> io::Result<SpillDir> {
        let base = std::env::temp_dir();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        for attempt in 0..100u32 {
            let path = base.join(format!(
                "scapi-inspect-{}-{nanos}-{attempt}",
                std::process::id()
            ));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(SpillDir { path }),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        }
        Err(io::Error::other("no free name for a temporary directory"))
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// At most this many spill files are open at once (a capture may have many channels).
const OPEN_FILES: usize = 64;

/// One append-only file per numbered part, few of them open at a time.
pub struct Spill<'d> {
    dir: &'d SpillDir,
    open: HashMap<usize, BufWriter<File>>,
}

impl<'d> Spill<'d> {
    pub fn new(dir: &'d SpillDir) -> Spill<'d> {
        Spill {
            dir,
            open: HashMap::new(),
        }
    }

    pub fn path(&self, part: usize) -> PathBuf {
        self.dir.file(&format!("part-{part}"))
    }

    /// The writer of `part`, opened (for appending) if it is not.
    pub fn writer(&mut self, part: usize) -> io::Result<&mut BufWriter<File>> {
        if !self.open.contains_key(&part) {
            if self.open.len() >= OPEN_FILES {
                self.close_all()?;
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.path(part))?;
            self.open
                .insert(part, BufWriter::with_capacity(64 * 1024, file));
        }
        Ok(self.open.get_mut(&part).expect("opened above"))
    }

    /// Flushes and closes every open file.
    pub fn close_all(&mut self) -> io::Result<()> {
        for (_, mut writer) in self.open.drain() {
            writer.flush()?;
        }
        Ok(())
    }
}

/// Parts beyond this many are handed on part by part rather than merged into one order (each
/// part needs an open file during the merge).
pub const MERGED_PARTS: usize = 256;

/// Hands on the lines of `parts` parts, each line `index\tline` and each part in index order,
/// merged into index order (the lines without their index); with more than [`MERGED_PARTS`]
/// parts, part by part.
pub fn merge_in_order(
    spill: &Spill<'_>,
    parts: usize,
    on_line: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let open = |part: usize| -> io::Result<Option<io::Split<BufReader<File>>>> {
        match File::open(spill.path(part)) {
            Ok(file) => Ok(Some(BufReader::with_capacity(64 * 1024, file).split(b'\n'))),
            // A part nothing was written to has no file.
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    };
    let split = |line: Vec<u8>| -> (u64, Vec<u8>) {
        let tab = line.iter().position(|&b| b == b'\t').unwrap_or(0);
        let index = std::str::from_utf8(&line[..tab])
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(0);
        (index, line[tab + 1..].to_vec())
    };
    if parts > MERGED_PARTS {
        for part in 0..parts {
            for line in open(part)?.into_iter().flatten() {
                on_line(&split(line?).1)?;
            }
        }
        return Ok(());
    }
    let mut readers = Vec::new();
    let mut next = BinaryHeap::new();
    for part in 0..parts {
        if let Some(mut lines) = open(part)? {
            if let Some(line) = lines.next() {
                let (index, text) = split(line?);
                next.push(Reverse((index, readers.len(), text)));
            }
            readers.push(lines);
        }
    }
    while let Some(Reverse((_, reader, text))) = next.pop() {
        on_line(&text)?;
        if let Some(line) = readers[reader].next() {
            let (index, text) = split(line?);
            next.push(Reverse((index, reader, text)));
        }
    }
    Ok(())
}

/// Copies `input` into a file of `dir`, for reading it more than once.
pub fn keep(dir: &SpillDir, name: &str, input: &mut dyn io::Read) -> io::Result<PathBuf> {
    let path = dir.file(name);
    let mut file = BufWriter::new(File::create(&path)?);
    io::copy(input, &mut file)?;
    file.flush()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_append_across_reopening_and_the_directory_goes_away() {
        let dir = SpillDir::new().unwrap();
        let root = dir.path.clone();
        {
            let mut spill = Spill::new(&dir);
            for round in 0..2 {
                for part in 0..(OPEN_FILES + 3) {
                    writeln!(spill.writer(part).unwrap(), "{part}:{round}").unwrap();
                }
            }
            spill.close_all().unwrap();
            let last = fs::read_to_string(spill.path(OPEN_FILES + 2)).unwrap();
            assert_eq!(last, format!("{0}:0\n{0}:1\n", OPEN_FILES + 2));
        }
        let kept = keep(&dir, "stdin", &mut &b"abc"[..]).unwrap();
        assert_eq!(fs::read_to_string(kept).unwrap(), "abc");
        drop(dir);
        assert!(!root.exists());
    }
}
