//! A temporary directory of spill files, removed when dropped: `convert --to har` groups a
//! capture's messages by channel there (and keeps standard input there to read it twice).

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
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
