//! A small YAML document tree that remembers where every node came from.
//!
//! serde-based loaders stop at the first problem and forget positions once a value is decoded; iamgen
//! wants every problem of a spec, each with its line and column. So the spec is first read into this
//! tree (with [`yaml_rust2`]'s event parser, which reports positions), and then decoded by hand in
//! `spec::load`. The tree refuses what a hand-written spec never needs and an attacker loves:
//! anchors and aliases (billion laughs), multiple documents, nesting deeper than [`MAX_DEPTH`], and
//! duplicate keys (which YAML libraries silently resolve to the last one).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diag::{Diagnostic, Span};

/// The deepest nesting a spec may have; real specs need five or six levels.
pub const MAX_DEPTH: usize = 32;

/// A YAML node with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub span: Span,
    /// What the node holds.
    pub value: Value,
}

/// The three shapes of YAML data.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar; `quoted` is true when it was written in quotes, so `"true"` is text, not a flag.
    Scalar {
        /// The scalar's text.
        text: String,
        /// Whether the scalar was written in quotes or as a block scalar.
        quoted: bool,
    },
    /// A sequence of nodes.
    Seq(Vec<Node>),
    /// A mapping whose keys are scalars, in document order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar text, when this node is a plain or quoted scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for an empty plain scalar, `~` or `null`: YAML's null.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// A short name of the node's shape, for error messages.
    pub fn shape(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "nothing (null)",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Parses `text` into one document tree; `None` with diagnostics when it is not acceptable.
pub fn parse(text: &str) -> Result<Node, Vec<Diagnostic>> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(err) = parser.load(&mut builder, true) {
        let mark = err.marker();
        return Err(vec![Diagnostic::error(
            span_of(*mark),
            format!("this is not valid YAML: {}", err.info()),
        )]);
    }
    if !builder.errors.is_empty() {
        return Err(builder.errors);
    }
    match builder.documents.len() {
        0 => Err(vec![Diagnostic::error(
            Span::new(1, 1),
            "the spec is empty".to_string(),
        )
        .with_hint(
            "see examples/engagement-platform.yaml and the README's spec format",
        )]),
        1 => Ok(builder.documents.pop().expect("one document")),
        _ => Err(vec![Diagnostic::error(
            builder.second_document.unwrap_or(Span::new(1, 1)),
            "the spec holds more than one YAML document; iamgen reads exactly one".to_string(),
        )]),
    }
}

fn span_of(mark: Marker) -> Span {
    Span::new(mark.line(), mark.col() + 1)
}

enum Open {
    Seq(Span, Vec<Node>),
    Map(Span, Vec<(Node, Node)>, Option<Node>, Keys),
}

/// Where each key of an open mapping is first set: found by scanning the entries while the mapping
/// is small, and by a hash index once it is not, so a mapping of n keys costs O(n), not O(n²).
#[derive(Default)]
struct Keys(Option<HashMap<String, Span>>);

impl Keys {
    /// Mappings with fewer entries are scanned.
    const SCAN: usize = 16;

    /// Where `key` was first set among `entries` (the mapping's pairs so far), if it was; a key
    /// seen for the first time is remembered at `span`.
    fn first(&mut self, entries: &[(Node, Node)], key: &str, span: Span) -> Option<Span> {
        if self.0.is_none() && entries.len() < Keys::SCAN {
            return entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k.span);
        }
        let index = self.0.get_or_insert_with(|| {
            let mut index = HashMap::with_capacity(2 * entries.len());
            for (k, _) in entries {
                if let Some(text) = k.as_str() {
                    index.entry(text.to_string()).or_insert(k.span);
                }
            }
            index
        });
        match index.get(key) {
            Some(&first) => Some(first),
            None => {
                index.insert(key.to_string(), span);
                None
            }
        }
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    documents: Vec<Node>,
    errors: Vec<Diagnostic>,
    /// Events are ignored below a node that was refused (too deep), until it closes.
    skipping: usize,
    second_document: Option<Span>,
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.documents.is_empty() {
                    self.documents.push(node);
                } else {
                    self.second_document.get_or_insert(node.span);
                    self.documents.push(node);
                }
            }
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, pending, keys)) => match pending.take() {
                None => {
                    match node.as_str() {
                        None => self.errors.push(Diagnostic::error(
                            node.span,
                            format!("a mapping key must be a plain name, not {}", node.shape()),
                        )),
                        Some(key) => {
                            if let Some(first) = keys.first(entries, key, node.span) {
                                self.errors.push(
                                    Diagnostic::error(node.span, format!("duplicate key '{key}'"))
                                        .with_hint(format!(
                                            "it is first set at line {}, column {}; YAML would silently keep only the last one",
                                            first.line, first.column
                                        )),
                                );
                            }
                        }
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let span = span_of(mark);
        if self.skipping > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, _) => {
                if anchor != 0 {
                    self.refuse_anchor(span);
                }
                let quoted = !matches!(style, TScalarStyle::Plain);
                self.push_node(Node {
                    span,
                    value: Value::Scalar { text, quoted },
                });
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    self.refuse_anchor(span);
                }
                if self.stack.len() >= MAX_DEPTH {
                    self.errors.push(Diagnostic::error(
                        span,
                        format!("the spec nests deeper than {MAX_DEPTH} levels"),
                    ));
                    self.skipping = 1;
                    // Stand-in so that the parent still gets a value.
                    self.push_node(Node {
                        span,
                        value: Value::Seq(Vec::new()),
                    });
                    return;
                }
                if matches!(event, Event::SequenceStart(..)) {
                    self.stack.push(Open::Seq(span, Vec::new()));
                } else {
                    self.stack
                        .push(Open::Map(span, Vec::new(), None, Keys::default()));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Seq(span, items)) => Node {
                        span,
                        value: Value::Seq(items),
                    },
                    // A block mapping's start event comes after its first key: start at that key.
                    Some(Open::Map(span, entries, _, _)) => {
                        let span = entries.first().map_or(span, |(k, _)| k.span.min(span));
                        Node {
                            span,
                            value: Value::Map(entries),
                        }
                    }
                    None => return,
                };
                self.push_node(node);
            }
            Event::Alias(_) => {
                self.refuse_anchor(span);
                self.push_node(Node {
                    span,
                    value: Value::Scalar {
                        text: String::new(),
                        quoted: true,
                    },
                });
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
    }
}

impl Builder {
    fn refuse_anchor(&mut self, span: Span) {
        self.errors.push(
            Diagnostic::error(
                span,
                "YAML anchors and aliases are not supported".to_string(),
            )
            .with_hint("use a profile to share grants between services"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn positions_are_one_based() {
        let doc = parse("a:\n  b: [x, y]\n").unwrap();
        let Value::Map(entries) = &doc.value else {
            panic!()
        };
        let (_, b) = &entries[0];
        let Value::Map(inner) = &b.value else {
            panic!()
        };
        assert_eq!(inner[0].0.span, Span::new(2, 3));
        let Value::Seq(items) = &inner[0].1.value else {
            panic!()
        };
        assert_eq!(items[1].span, Span::new(2, 10));
    }

    #[test]
    fn duplicate_keys_are_refused_with_both_places() {
        let errs = errors("a: 1\nb: 2\na: 3\n");
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("3:1: error: duplicate key 'a'"),
            "{}",
            errs[0]
        );
        assert!(errs[0].contains("line 1, column 1"), "{}", errs[0]);
    }

    /// Past the size where keys are hashed rather than scanned, a duplicate (or a third use) is
    /// still reported at its place with the first one's; and a mapping of many keys is no longer
    /// quadratic (issue 10).
    #[test]
    fn duplicate_keys_of_large_mappings_are_refused_with_both_places() {
        for n in [Keys::SCAN - 1, Keys::SCAN, Keys::SCAN + 1, 5_000] {
            let mut text: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            text.push_str("k3: again\nk3: and again\n");
            text.push_str(&format!("k{}: last\n", n - 1));
            let errs = errors(&text);
            let line = n + 1;
            assert_eq!(
                errs,
                [
                    format!("{line}:1: error: duplicate key 'k3'; it is first set at line 4, column 1; YAML would silently keep only the last one"),
                    format!("{}:1: error: duplicate key 'k3'; it is first set at line 4, column 1; YAML would silently keep only the last one", line + 1),
                    format!("{}:1: error: duplicate key 'k{}'; it is first set at line {n}, column 1; YAML would silently keep only the last one", line + 2, n - 1),
                ],
                "{n} keys"
            );
        }
    }

    #[test]
    fn aliases_and_deep_nesting_are_refused() {
        assert!(errors("a: &x 1\nb: *x\n")[0].contains("anchors and aliases"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(errors(&deep)[0].contains("nests deeper than 32"));
    }

    #[test]
    fn empty_and_broken_documents() {
        assert!(errors("")[0].contains("the spec is empty"));
        assert!(errors("a: [1, 2\n")[0].contains("not valid YAML"));
        assert!(errors("a: 1\n---\nb: 2\n")[0].contains("more than one YAML document"));
    }

    #[test]
    fn quoted_scalars_are_marked() {
        let doc = parse("a: 'true'\nb: true\n").unwrap();
        let Value::Map(entries) = &doc.value else {
            panic!()
        };
        assert_eq!(
            entries[0].1.value,
            Value::Scalar {
                text: "true".into(),
                quoted: true
            }
        );
        assert_eq!(
            entries[1].1.value,
            Value::Scalar {
                text: "true".into(),
                quoted: false
            }
        );
    }
}
