//! A small HCL document model, written out in `terraform fmt`'s canonical form.
//!
//! Text from the spec is always an [`Expr::Str`] (escaped when written); references built in Rust
//! are [`Expr::Ref`]; strings that mix the two are [`Expr::Template`]. Nothing guesses which is
//! which from the text.
//!
//! The layout follows `hclwrite`'s formatter: two-space indents; the `=` of consecutive one-line
//! attributes aligned; a multi-line value ends the alignment run and is not aligned itself.

use crate::escape::{comment_text, is_identifier, write_quoted, write_template_text};

/// An HCL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A string literal (escaped when written).
    Str(String),
    /// A quoted template of literal text and interpolated references.
    Template(Vec<Part>),
    /// A reference or expression built by iamgen itself: `var.tags`, `true`, `merge(a, b)`.
    Ref(String),
    /// A list.
    List(Vec<Expr>),
    /// An object: keys in order (quoted when not identifiers).
    Object(Vec<(String, Expr)>),
    /// A function call whose arguments are expressions.
    Call(String, Vec<Expr>),
}

/// A piece of an [`Expr::Template`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text, escaped when written.
    Text(String),
    /// An interpolated reference: `${local.partition}`.
    Interp(String),
}

impl Expr {
    /// A string literal.
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }

    /// A reference.
    pub fn r(s: impl Into<String>) -> Expr {
        Expr::Ref(s.into())
    }

    /// A list of string literals.
    pub fn strs<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Expr {
        Expr::List(items.into_iter().map(|s| Expr::Str(s.into())).collect())
    }

    fn write_inline(&self, out: &mut String) -> bool {
        match self {
            Expr::Str(s) => write_quoted(out, s),
            Expr::Ref(r) => out.push_str(r),
            Expr::Template(parts) => {
                out.push('"');
                for p in parts {
                    match p {
                        Part::Text(t) => write_template_text(out, t),
                        Part::Interp(r) => {
                            out.push_str("${");
                            out.push_str(r);
                            out.push('}');
                        }
                    }
                }
                out.push('"');
            }
            Expr::List(items) => {
                out.push('[');
                if !write_inline_list(out, items) {
                    return false;
                }
                out.push(']');
            }
            Expr::Object(entries) => {
                if !entries.is_empty() {
                    return false;
                }
                out.push_str("{}");
            }
            Expr::Call(name, args) => {
                out.push_str(name);
                out.push('(');
                if !write_inline_list(out, args) {
                    return false;
                }
                out.push(')');
            }
        }
        true
    }

    /// The expression as it is written in a module (one line when it fits), for documentation.
    pub(crate) fn to_hcl(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, 0, 0);
        s
    }

    /// The expression on one line, when it can be written that way.
    fn inline(&self) -> Option<String> {
        let mut s = String::new();
        self.write_inline(&mut s).then_some(s)
    }

    /// Writes the expression starting mid-line at `indent`; lines after the first are indented.
    fn write(&self, out: &mut String, indent: usize, start_column: usize) {
        if let Some(s) = self.inline() {
            let one_item = !matches!(self, Expr::List(items) if items.len() > 1);
            if one_item || start_column + s.len() <= MAX_LINE {
                out.push_str(&s);
                return;
            }
        }
        let pad = "  ".repeat(indent + 1);
        match self {
            Expr::List(items) => {
                out.push_str("[\n");
                for item in items {
                    out.push_str(&pad);
                    item.write(out, indent + 1, pad.len());
                    out.push_str(",\n");
                }
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            }
            Expr::Object(entries) => {
                out.push_str("{\n");
                let attrs: Vec<Item> = entries
                    .iter()
                    .map(|(k, v)| Item::Attr(object_key(k), v.clone()))
                    .collect();
                write_items(out, &attrs, indent + 1);
                out.push_str(&"  ".repeat(indent));
                out.push('}');
            }
            Expr::Call(name, args) => {
                out.push_str(name);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.write(out, indent, 0);
                }
                out.push(')');
            }
            _ => unreachable!("scalars are always inline"),
        }
    }
}

/// `a, b, c` on one line; false when an item cannot be written inline.
fn write_inline_list(out: &mut String, items: &[Expr]) -> bool {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if !item.write_inline(out) {
            return false;
        }
    }
    true
}

/// Lists longer than this go one item per line.
const MAX_LINE: usize = 100;

fn object_key(k: &str) -> String {
    if is_identifier(k) {
        k.to_string()
    } else {
        crate::escape::quoted(k)
    }
}

/// An item of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `key = value`.
    Attr(String, Expr),
    /// A nested block.
    Block(Block),
    /// An empty line.
    Blank,
    /// A `#` comment line.
    Comment(String),
}

/// A block: `type "label" "label" { body }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The block type.
    pub kind: String,
    /// Its labels, written quoted.
    pub labels: Vec<String>,
    /// Its body.
    pub body: Vec<Item>,
}

impl Block {
    /// A block with no body yet.
    pub fn new(kind: &str, labels: &[&str]) -> Block {
        Block {
            kind: kind.into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            body: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, key: &str, value: Expr) -> Block {
        self.body.push(Item::Attr(key.into(), value));
        self
    }

    /// Adds an attribute when `value` is some.
    pub fn attr_opt(self, key: &str, value: Option<Expr>) -> Block {
        match value {
            Some(v) => self.attr(key, v),
            None => self,
        }
    }

    /// Adds a nested block, after an empty line when the body has something already.
    pub fn block(mut self, block: Block) -> Block {
        if !matches!(self.body.last(), None | Some(Item::Comment(_))) {
            self.body.push(Item::Blank);
        }
        self.body.push(Item::Block(block));
        self
    }

    /// Adds a comment line.
    pub fn comment(mut self, text: &str) -> Block {
        self.body.push(Item::Comment(text.into()));
        self
    }

    /// Adds an empty line.
    pub fn blank(mut self) -> Block {
        self.body.push(Item::Blank);
        self
    }
}

/// A file: top-level items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    /// The items, written in order.
    pub items: Vec<Item>,
}

impl File {
    /// Adds a block, after an empty line when the file has something already.
    pub fn block(&mut self, block: Block) {
        if !self.items.is_empty() {
            self.items.push(Item::Blank);
        }
        self.items.push(Item::Block(block));
    }

    /// Adds a comment line.
    pub fn comment(&mut self, text: &str) {
        self.items.push(Item::Comment(text.into()));
    }

    /// The file's text, in canonical form, ending in one newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        write_items(&mut out, &self.items, 0);
        out
    }
}

fn write_items(out: &mut String, items: &[Item], indent: usize) {
    let pad = "  ".repeat(indent);
    // Alignment runs: consecutive one-line attributes.
    let one_line: Vec<Option<String>> = items
        .iter()
        .map(|item| match item {
            Item::Attr(_, v) => {
                let mut probe = String::new();
                v.write(&mut probe, indent, 0);
                (!probe.contains('\n')).then_some(probe)
            }
            _ => None,
        })
        .collect();
    let mut width = vec![0; items.len()];
    let mut i = 0;
    while i < items.len() {
        if one_line[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < items.len() && one_line[i].is_some() {
            i += 1;
        }
        let w = items[start..i]
            .iter()
            .map(|it| {
                if let Item::Attr(k, _) = it {
                    k.chars().count()
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0);
        width[start..i].fill(w);
    }
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Blank => out.push('\n'),
            Item::Comment(text) => {
                out.push_str(&pad);
                out.push_str("# ");
                out.push_str(comment_text(text).trim_end());
                out.push('\n');
            }
            Item::Attr(key, value) => {
                out.push_str(&pad);
                out.push_str(key);
                match &one_line[i] {
                    Some(text) => {
                        out.push_str(&" ".repeat(width[i] - key.chars().count() + 1));
                        out.push_str("= ");
                        out.push_str(text);
                    }
                    None => {
                        out.push_str(" = ");
                        value.write(out, indent, pad.len() + key.len() + 3);
                    }
                }
                out.push('\n');
            }
            Item::Block(b) => {
                out.push_str(&pad);
                out.push_str(&b.kind);
                for l in &b.labels {
                    out.push(' ');
                    write_quoted(out, l);
                }
                if b.body.is_empty() {
                    out.push_str(" {}\n");
                } else {
                    out.push_str(" {\n");
                    write_items(out, &b.body, indent + 1);
                    out.push_str(&pad);
                    out.push_str("}\n");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_of_one_line_attributes() {
        let mut f = File::default();
        f.block(
            Block::new("resource", &["aws_iam_role", "this"])
                .attr("name", Expr::str("r"))
                .attr("assume_role_policy", Expr::r("data.x.json"))
                .attr(
                    "tags",
                    Expr::Object(vec![
                        ("Project".into(), Expr::str("p")),
                        ("cost:center".into(), Expr::str("c")),
                    ]),
                )
                .attr("path", Expr::str("/")),
        );
        assert_eq!(
            f.render(),
            r#"resource "aws_iam_role" "this" {
  name               = "r"
  assume_role_policy = data.x.json
  tags = {
    Project       = "p"
    "cost:center" = "c"
  }
  path = "/"
}
"#
        );
    }

    #[test]
    fn long_lists_go_one_item_per_line() {
        let long: Vec<String> = (0..5)
            .map(|i| format!("arn:aws:s3:::bucket-number-{i}"))
            .collect();
        let f = File {
            items: vec![
                Item::Attr("resources".into(), Expr::strs(long)),
                Item::Attr("x".into(), Expr::strs(["a"])),
            ],
        };
        let text = f.render();
        assert!(
            text.starts_with("resources = [\n  \"arn:aws:s3:::bucket-number-0\",\n"),
            "{text}"
        );
        assert!(text.ends_with("]\nx = [\"a\"]\n"), "{text}");
    }

    #[test]
    fn templates_escape_text_and_interpolate_references() {
        let t = Expr::Template(vec![
            Part::Text("arn:".into()),
            Part::Interp("local.partition".into()),
            Part::Text(":${x}\"".into()),
        ]);
        let f = File {
            items: vec![Item::Attr("a".into(), t)],
        };
        assert_eq!(f.render(), "a = \"arn:${local.partition}:$${x}\\\"\"\n");
    }

    #[test]
    fn comments_cannot_break_out_of_their_line() {
        let f = File {
            items: vec![Item::Comment("a\nresource \"x\" \"y\" {}".into())],
        };
        assert_eq!(f.render(), "# a resource \"x\" \"y\" {}\n");
    }
}
