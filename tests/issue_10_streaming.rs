//! Issue 10: `gen` streams the single Terraform file and the JSON export service by service into a
//! writer. The streamed text is the `String` functions' text, byte for byte, for every example and
//! for a synthetic platform of 100 services; a writer that fails part-way ends the output with its
//! error; values the export refuses write nothing.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::io::{self, Write};

use iamgen_core::{compile, Compiled, Plan, Settings, Values};
use iamgen_hcl::{json, single_file, write_json, write_single_file, JsonError};

const EXAMPLES: [&str; 3] = [
    "examples/engagement-platform.yaml",
    "examples/engagement-platform.prod.yaml",
    "examples/order-processing.yaml",
];

/// Every example, and a synthetic platform of 100 services (many parts to join).
fn platforms() -> Vec<(String, Compiled)> {
    let mut out: Vec<(String, Compiled)> = EXAMPLES
        .iter()
        .map(|path| {
            let yaml = std::fs::read_to_string(path).unwrap();
            let c = compile(path, &yaml, &Settings::default()).unwrap();
            (path.to_string(), c)
        })
        .collect();
    let c = compile("syn-100.yaml", &synthetic::spec(100), &Settings::default()).unwrap();
    out.push(("syn-100.yaml".into(), c));
    out
}

/// Values with every input of `plan` given.
fn values(plan: &Plan) -> Values {
    let mut values = Values::new("aws", "eu-west-1", "111122223333").unwrap();
    for name in plan.global_inputs().keys() {
        values.inputs.insert(name.to_string(), "a1b2c3d4e5".into());
    }
    values
}

/// Takes `room` bytes, then fails every write.
struct Failing {
    written: Vec<u8>,
    room: usize,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        let n = buf.len().min(self.room);
        self.written.extend_from_slice(&buf[..n]);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_streamed_single_file_is_the_string_one() {
    for (name, c) in platforms() {
        let mut out = Vec::new();
        write_single_file(&c.plan, &mut out).unwrap();
        assert!(
            String::from_utf8(out).unwrap() == single_file(&c.plan),
            "{name}: the streamed single file differs"
        );
    }
}

#[test]
fn the_streamed_json_is_the_string_one() {
    for (name, c) in platforms() {
        let values = values(&c.plan);
        let mut out = Vec::new();
        write_json(&c.plan, &values, &mut out).unwrap();
        assert!(
            String::from_utf8(out).unwrap() == json(&c.plan, &values).unwrap(),
            "{name}: the streamed JSON differs"
        );
    }
}

#[test]
fn a_writer_failing_part_way_ends_the_output_with_its_error() {
    let (_, c) = platforms().pop().unwrap();
    let values = values(&c.plan);
    let whole_hcl = single_file(&c.plan);
    let whole_json = json(&c.plan, &values).unwrap();
    for room in [0, 1, 4096, whole_hcl.len() / 2, whole_json.len() / 2] {
        let mut out = Failing {
            written: Vec::new(),
            room,
        };
        let e = write_single_file(&c.plan, &mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(out.written, whole_hcl.as_bytes()[..room]);

        let mut out = Failing {
            written: Vec::new(),
            room,
        };
        match write_json(&c.plan, &values, &mut out) {
            Err(JsonError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::StorageFull),
            other => panic!("room {room}: {other:?}"),
        }
        assert_eq!(out.written, whole_json.as_bytes()[..room]);
    }
}

#[test]
fn refused_values_write_nothing() {
    let (_, c) = platforms().pop().unwrap();
    let mut values = values(&c.plan);
    let first = c.plan.global_inputs().keys().next().unwrap().to_string();
    values.inputs.remove(&first);
    let mut out = Vec::new();
    match write_json(&c.plan, &values, &mut out) {
        Err(JsonError::Values(e)) => assert_eq!(Err(e), json(&c.plan, &values)),
        other => panic!("{other:?}"),
    }
    assert!(out.is_empty());
}

/// `gen` and `check` compile without the grants' intents (most of a large plan's memory): the
/// written policies, the single file and the JSON export do not change.
#[test]
fn a_plan_without_intents_writes_the_same() {
    for (name, c) in platforms() {
        let yaml = match name.as_str() {
            "syn-100.yaml" => synthetic::spec(100),
            path => std::fs::read_to_string(path).unwrap(),
        };
        let lean = compile(&name, &yaml, &Settings::default().with_intents(false)).unwrap();
        assert!(lean.plan.services.iter().all(|s| s.intents.is_empty()));
        assert!(c.plan.services.iter().any(|s| !s.intents.is_empty()));
        assert!(
            single_file(&lean.plan) == single_file(&c.plan),
            "{name}: single file"
        );
        let values = values(&c.plan);
        assert!(
            json(&lean.plan, &values) == json(&c.plan, &values),
            "{name}: JSON"
        );
        assert_eq!(lean.warnings, c.warnings, "{name}: warnings");
    }
}
