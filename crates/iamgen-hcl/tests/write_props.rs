//! Random sequences of small file sets written into one directory, with injected failures and
//! crashes at random operations (issue 9): a failed write leaves the old state exactly, a crash
//! leaves nothing that neither manifest nor the journal explains, and the next run recovers it.
//! The checks are `iamgen_hcl::write::testing::check_sequence`, shared with `fuzz/`'s `writer`
//! target. A smoke run by default (32 sequences, a few seconds); `PROPTEST_CASES=2000` for more.

use iamgen_hcl::write::testing::{check_sequence, Fault, Step};
use indexmap::IndexMap;
use proptest::prelude::*;

/// Paths that share directories, nest, and come and go (none is a directory of another).
const PATHS: &[&str] = &[
    "main.tf",
    "outputs.tf",
    "modules/a/main.tf",
    "modules/a/outputs.tf",
    "modules/b/main.tf",
    "modules/b/deep/x.tf",
    "other/y.tf",
];
const FOREIGN: &[&str] = &[
    "notes.md",
    "modules/a/mine.tf",
    "modules/b/main.tf",
    "main.tf",
];

fn step() -> impl Strategy<Value = Step> {
    (
        proptest::collection::vec((0..PATHS.len(), 0..3u8), 0..7),
        any::<bool>(),
        prop_oneof![
            3 => Just(None),
            2 => (1..40usize).prop_map(|k| Some(Fault::FailAt(k))),
            2 => (1..40usize).prop_map(|k| Some(Fault::CrashAt(k))),
            1 => (1..40usize).prop_map(|k| Some(Fault::FailThenCrashAt(k))),
            1 => Just(Some(Fault::CrashAfterCommit)),
        ],
        proptest::option::weighted(0.3, 0..FOREIGN.len()),
        any::<bool>(),
    )
        .prop_map(|(files, force, fault, foreign, recover_with_previous)| {
            let files: IndexMap<String, String> = files
                .into_iter()
                .map(|(p, v)| (PATHS[p].to_string(), format!("# {} v{v}\n", PATHS[p])))
                .collect();
            Step {
                files,
                force,
                fault,
                foreign: foreign.map(|f| FOREIGN[f].to_string()),
                recover_with_previous,
            }
        })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_never_lose_or_leave_files(steps in proptest::collection::vec(step(), 1..7)) {
        let dir = tempfile::tempdir().unwrap();
        if let Err(e) = check_sequence(dir.path(), &steps) {
            prop_assert!(false, "{}", e);
        }
    }
}
