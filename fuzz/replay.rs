//! Replaying a committed corpus on stable (`fuzz/corpus/<target>/*` through
//! a harness, naming the file that panics), and a small mutation loop over
//! the same seeds for proptest: byte flips, insertions, deletions and
//! splices, as libFuzzer would make. Shared by the replay tests of
//! `crates/core` and `crates/sandbox`.
#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use proptest::prelude::*;

/// The corpus folder of a target.
pub fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

/// Every file of a target's corpus, sorted by name.
pub fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus {}: {e}", dir.display()));
    let mut files: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("a readable corpus file");
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// Runs every corpus file through `run`; fails naming the files that
/// panicked. Returns how many files were replayed.
pub fn replay(target: &str, run: fn(&[u8])) -> usize {
    let files = corpus(target);
    let failed: Vec<String> = files
        .iter()
        .filter(|(_, bytes)| catch_unwind(AssertUnwindSafe(|| run(bytes))).is_err())
        .map(|(name, _)| format!("fuzz/corpus/{target}/{name}"))
        .collect();
    assert!(failed.is_empty(), "these inputs panic: {failed:#?}");
    println!("replayed {} inputs of fuzz/corpus/{target}", files.len());
    files.len()
}

/// One edit of a seed.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Replace the byte at this position (modulo the length).
    Set(usize, u8),
    /// Insert a byte.
    Insert(usize, u8),
    /// Remove a run of bytes.
    Remove(usize, usize),
    /// Copy a run of the input to another place.
    Splice(usize, usize, usize),
}

/// Up to eight edits.
pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Edit::Remove(i, n)),
        (any::<usize>(), 1usize..64, any::<usize>()).prop_map(|(f, n, t)| Edit::Splice(f, n, t)),
    ];
    prop::collection::vec(edit, 0..8)
}

/// A corpus file of `target` (picked by `seed`) with `edits` applied.
pub fn mutate(target: &str, seed: prop::sample::Index, edits: &[Edit]) -> Vec<u8> {
    let files = corpus(target);
    let mut data = files[seed.index(files.len())].1.clone();
    for edit in edits {
        let len = data.len();
        match *edit {
            Edit::Set(i, b) if len > 0 => data[i % len] = b,
            Edit::Set(..) => data.push(0),
            Edit::Insert(i, b) => data.insert(i % (len + 1), b),
            Edit::Remove(i, n) if len > 0 => {
                let start = i % len;
                data.drain(start..(start + n).min(len));
            }
            Edit::Remove(..) => {}
            Edit::Splice(from, n, to) if len > 0 => {
                let start = from % len;
                let piece = data[start..(start + n).min(len)].to_vec();
                let at = to % (len + 1);
                data.splice(at..at, piece);
            }
            Edit::Splice(..) => {}
        }
    }
    data
}
