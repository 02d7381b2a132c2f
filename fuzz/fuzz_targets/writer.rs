//! The atomic directory writer on arbitrary sequences of runs: each input is decoded into up to
//! eight runs of small file sets into one fresh directory, with foreign files, `force`, and failures or crashes injected at any operation. The checks are
//! `iamgen_hcl::write::testing::check_sequence` (shared with the crate's proptest): a failed run
//! leaves the old state exactly, a crash leaves nothing that neither manifest nor the journal
//! explains and is recovered by the next run, a successful run leaves exactly its files.
#![no_main]

use iamgen_hcl::write::testing::{check_sequence, Fault, Step};
use indexmap::IndexMap;
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "main.tf",
    "outputs.tf",
    "modules/a/main.tf",
    "modules/a/outputs.tf",
    "modules/b/main.tf",
    "modules/b/deep/x.tf",
    "other/y.tf",
    "z.tf",
];
const FOREIGN: &[&str] = &["notes.md", "modules/a/mine.tf", "modules/b/main.tf", "main.tf"];

/// Four bytes a run: which paths (a bit each), their version, flags, and the fault.
fn decode(data: &[u8]) -> Vec<Step> {
    data.chunks_exact(4)
        .take(8)
        .map(|c| {
            let (mask, version, flags, fault) = (c[0], c[1], c[2], c[3]);
            let files: IndexMap<String, String> = PATHS
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(i, p)| (p.to_string(), format!("# {p} v{}\n", (version >> (i % 4)) & 3)))
                .collect();
            let k = usize::from(fault & 0x1f) + 1;
            Step {
                files,
                force: flags & 1 != 0,
                recover_with_previous: flags & 4 != 0,
                foreign: (flags & 8 != 0).then(|| FOREIGN[usize::from(flags >> 4) % FOREIGN.len()].to_string()),
                fault: match fault >> 5 {
                    0..=2 => None,
                    3 | 4 => Some(Fault::FailAt(k)),
                    5 => Some(Fault::CrashAt(k)),
                    6 => Some(Fault::FailThenCrashAt(k)),
                    _ => Some(Fault::CrashAfterCommit),
                },
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let steps = decode(data);
    if steps.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    if let Err(e) = check_sequence(dir.path(), &steps) {
        panic!("{e}");
    }
});
