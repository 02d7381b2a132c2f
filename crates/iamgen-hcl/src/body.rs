//! A small HCL document model, written out in `terraform fmt`'s canonical form.
//!
//! Text from the spec is always an [`Expr::Str`] (escaped when written); references built in Rust
//! are [`Expr::Ref`]; strings that mix the two are [`Expr::Template`]. Nothing guesses which is
//! which from the text.
//!
//! The layout follows `hclwrite`'s formatter: two-space indents; the `=` of consecutive one-line
//! attributes aligned; a multi-line value ends the alignment run and is not aligned itself.

use std::borrow::Cow;

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

    /// The expression as it is written in a module (one line when it fits), for documentation.
    pub(crate) fn to_hcl(&self) -> String {
        let mut writer = Writer::default();
        let n = writer.measure(self);
        let mut s = String::new();
        writer.write(&mut s, n, self, 0, 0);
        s
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
    /// Whether the items continue a file already written (see [`File::continuing`]).
    continues: bool,
}

impl File {
    /// The next part of a file written part by part: its first block is set apart by an empty
    /// line, as in a whole file. The parts' texts, one after the other, are the whole file's: the
    /// top level of a file has no attributes, so nothing is aligned across parts.
    pub fn continuing() -> File {
        File {
            items: Vec::new(),
            continues: true,
        }
    }

    /// Adds a block, after an empty line when the file has something already.
    pub fn block(&mut self, block: Block) {
        if self.continues || !self.items.is_empty() {
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
        self.render_into(&mut out);
        out
    }

    /// Appends the file's text to `out`.
    pub fn render_into(&self, out: &mut String) {
        Writer::default().write_items(out, &self.items, 0);
    }
}

/// Lists longer than this go one item per line.
const MAX_LINE: usize = 100;

/// An object key as written: bare when it is an identifier, quoted otherwise.
fn object_key(k: &str) -> Cow<'_, str> {
    if is_identifier(k) {
        Cow::Borrowed(k)
    } else {
        Cow::Owned(crate::escape::quoted(k))
    }
}

/// One expression of a value being written: where its one-line form is in [`Writer::inline`],
/// whether it has one, and how many expressions its subtree holds (itself included), so that the
/// expressions of a value are numbered in pre-order.
#[derive(Clone, Copy)]
struct Shape {
    start: usize,
    end: usize,
    inline: bool,
    count: usize,
}

/// Writes items in canonical form, rendering every expression once.
///
/// Before a body's attributes are written, their values are measured in one pass: each
/// expression's one-line form is written into `inline`, where a child's form lies inside its
/// parent's (an object's entries are measured too, though an object with entries has no one-line
/// form). Deciding whether a value fits on a line, and writing it, then take its measured text or
/// descend into its children, each once: the cost is linear in the size of the value, however deep.
#[derive(Default)]
struct Writer {
    inline: String,
    shapes: Vec<Shape>,
}

impl Writer {
    /// Measures `e` and its subtree; returns its number.
    fn measure(&mut self, e: &Expr) -> usize {
        let at = self.shapes.len();
        let start = self.inline.len();
        self.shapes.push(Shape {
            start,
            end: start,
            inline: true,
            count: 1,
        });
        let mut inline = true;
        match e {
            Expr::Str(s) => write_quoted(&mut self.inline, s),
            Expr::Ref(r) => self.inline.push_str(r),
            Expr::Template(parts) => {
                self.inline.push('"');
                for p in parts {
                    match p {
                        Part::Text(t) => write_template_text(&mut self.inline, t),
                        Part::Interp(r) => {
                            self.inline.push_str("${");
                            self.inline.push_str(r);
                            self.inline.push('}');
                        }
                    }
                }
                self.inline.push('"');
            }
            Expr::List(items) => {
                self.inline.push('[');
                inline = self.measure_list(items);
                self.inline.push(']');
            }
            Expr::Object(entries) => {
                if entries.is_empty() {
                    self.inline.push_str("{}");
                } else {
                    inline = false;
                    for (_, v) in entries {
                        self.measure(v);
                    }
                }
            }
            Expr::Call(name, args) => {
                self.inline.push_str(name);
                self.inline.push('(');
                inline = self.measure_list(args);
                self.inline.push(')');
            }
        }
        let count = self.shapes.len() - at;
        self.shapes[at] = Shape {
            start,
            end: self.inline.len(),
            inline,
            count,
        };
        at
    }

    /// Measures `a, b, c`; true when every item has a one-line form.
    fn measure_list(&mut self, items: &[Expr]) -> bool {
        let mut inline = true;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.inline.push_str(", ");
            }
            let n = self.measure(item);
            inline &= self.shapes[n].inline;
        }
        inline
    }

    /// The one-line form of expression `n` when it is written starting at `column`: an
    /// expression with one, except a list of several items that would pass [`MAX_LINE`].
    fn one_line(&self, n: usize, e: &Expr, column: usize) -> Option<&str> {
        let shape = self.shapes[n];
        let text = &self.inline[shape.start..shape.end];
        let one_item = !matches!(e, Expr::List(items) if items.len() > 1);
        (shape.inline && (one_item || column + text.len() <= MAX_LINE)).then_some(text)
    }

    /// The one-line form of attribute value `n`, when writing it gives one line. Measured from
    /// column 0, not from where the value starts after `key = `: the canonical form iamgen has
    /// always written (and its goldens hold).
    fn attribute_line(&self, n: usize, e: &Expr) -> Option<&str> {
        self.one_line(n, e, 0).filter(|text| !text.contains('\n'))
    }

    /// Writes expression `n` starting mid-line at `column`; lines after the first are indented.
    fn write(&self, out: &mut String, n: usize, e: &Expr, indent: usize, column: usize) {
        if let Some(text) = self.one_line(n, e, column) {
            out.push_str(text);
            return;
        }
        match e {
            Expr::List(items) => {
                out.push_str("[\n");
                let mut child = n + 1;
                for item in items {
                    push_indent(out, indent + 1);
                    self.write(out, child, item, indent + 1, 2 * (indent + 1));
                    out.push_str(",\n");
                    child += self.shapes[child].count;
                }
                push_indent(out, indent);
                out.push(']');
            }
            Expr::Object(entries) => {
                out.push_str("{\n");
                self.write_entries(out, n + 1, entries, indent + 1);
                push_indent(out, indent);
                out.push('}');
            }
            Expr::Call(name, args) => {
                out.push_str(name);
                out.push('(');
                let mut child = n + 1;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write(out, child, a, indent, 0);
                    child += self.shapes[child].count;
                }
                out.push(')');
            }
            _ => unreachable!("scalars are always inline"),
        }
    }

    /// Writes an object's entries (expression numbers from `first`) as attributes, keys quoted
    /// when they are not identifiers.
    fn write_entries(
        &self,
        out: &mut String,
        first: usize,
        entries: &[(String, Expr)],
        indent: usize,
    ) {
        let mut n = first;
        let mut width = None;
        for (i, (k, v)) in entries.iter().enumerate() {
            let key = object_key(k);
            let line = self.attribute_line(n, v);
            if line.is_none() {
                width = None;
            } else if width.is_none() {
                // A new run of one-line attributes: its keys' width.
                let mut m = n;
                let mut w = 0;
                for (k, v) in &entries[i..] {
                    if self.attribute_line(m, v).is_none() {
                        break;
                    }
                    w = w.max(object_key(k).chars().count());
                    m += self.shapes[m].count;
                }
                width = Some(w);
            }
            self.write_attribute(out, &key, n, v, line.zip(width), indent);
            n += self.shapes[n].count;
        }
    }

    /// Writes `key = value` and its newline; `aligned` is the value's one-line form and the width
    /// of the keys of its run of one-line attributes.
    fn write_attribute(
        &self,
        out: &mut String,
        key: &str,
        n: usize,
        value: &Expr,
        aligned: Option<(&str, usize)>,
        indent: usize,
    ) {
        push_indent(out, indent);
        out.push_str(key);
        match aligned {
            Some((text, width)) => {
                push_spaces(out, width - key.chars().count() + 1);
                out.push_str("= ");
                out.push_str(text);
            }
            None => {
                out.push_str(" = ");
                self.write(out, n, value, indent, 2 * indent + key.len() + 3);
            }
        }
        out.push('\n');
    }

    /// Writes a body's items at `indent`.
    fn write_items(&mut self, out: &mut String, items: &[Item], indent: usize) {
        let (shapes, inline) = (self.shapes.len(), self.inline.len());
        for item in items {
            if let Item::Attr(_, v) = item {
                self.measure(v);
            }
        }
        let mut n = shapes;
        let mut width = None;
        for (i, item) in items.iter().enumerate() {
            match item {
                Item::Blank => {
                    width = None;
                    out.push('\n');
                }
                Item::Comment(text) => {
                    width = None;
                    push_indent(out, indent);
                    out.push_str("# ");
                    // `comment_text` only replaces control characters: no copy without them.
                    if text.chars().any(char::is_control) {
                        out.push_str(comment_text(text).trim_end());
                    } else {
                        out.push_str(text.trim_end());
                    }
                    out.push('\n');
                }
                Item::Attr(key, value) => {
                    let line = self.attribute_line(n, value);
                    if line.is_none() {
                        width = None;
                    } else if width.is_none() {
                        // A new run of one-line attributes: its keys' width.
                        let mut m = n;
                        let mut w = 0;
                        for item in &items[i..] {
                            let Item::Attr(k, v) = item else { break };
                            if self.attribute_line(m, v).is_none() {
                                break;
                            }
                            w = w.max(k.chars().count());
                            m += self.shapes[m].count;
                        }
                        width = Some(w);
                    }
                    self.write_attribute(out, key, n, value, line.zip(width), indent);
                    n += self.shapes[n].count;
                }
                Item::Block(b) => {
                    width = None;
                    push_indent(out, indent);
                    out.push_str(&b.kind);
                    for l in &b.labels {
                        out.push(' ');
                        write_quoted(out, l);
                    }
                    if b.body.is_empty() {
                        out.push_str(" {}\n");
                    } else {
                        out.push_str(" {\n");
                        self.write_items(out, &b.body, indent + 1);
                        push_indent(out, indent);
                        out.push_str("}\n");
                    }
                }
            }
        }
        self.shapes.truncate(shapes);
        self.inline.truncate(inline);
    }
}

/// Two spaces per level.
fn push_indent(out: &mut String, indent: usize) {
    push_spaces(out, 2 * indent);
}

fn push_spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
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
            continues: false,
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
            continues: false,
            items: vec![Item::Attr("a".into(), t)],
        };
        assert_eq!(f.render(), "a = \"arn:${local.partition}:$${x}\\\"\"\n");
    }

    #[test]
    fn comments_cannot_break_out_of_their_line() {
        let f = File {
            continues: false,
            items: vec![Item::Comment("a\nresource \"x\" \"y\" {}".into())],
        };
        assert_eq!(f.render(), "# a resource \"x\" \"y\" {}\n");
    }

    /// A value nested 14 objects deep (each in a list): measuring every attribute at column 0 and
    /// then writing it again took twice as long per level (47 ms for such a value); every
    /// expression is now rendered once.
    #[test]
    fn deeply_nested_values_are_written_once() {
        let mut value = Expr::str("leaf");
        for level in 0..14 {
            value = Expr::Object(vec![
                ("name".into(), Expr::str(format!("level-{level}"))),
                ("children".into(), Expr::List(vec![value])),
            ]);
        }
        let f = File {
            continues: false,
            items: vec![Item::Attr("tree".into(), value)],
        };
        // The same text, built line by line: the innermost object fits on lines of its own.
        fn object(level: usize, indent: usize, out: &mut String) {
            let pad = "  ".repeat(indent);
            out.push_str("{\n");
            if level == 0 {
                out.push_str(&format!("{pad}  name     = \"level-0\"\n"));
                out.push_str(&format!("{pad}  children = [\"leaf\"]\n"));
            } else {
                out.push_str(&format!("{pad}  name = \"level-{level}\"\n"));
                out.push_str(&format!("{pad}  children = [\n{pad}    "));
                object(level - 1, indent + 2, out);
                out.push_str(&format!(",\n{pad}  ]\n"));
            }
            out.push_str(&format!("{pad}}}"));
        }
        let mut want = String::from("tree = ");
        object(13, 0, &mut want);
        want.push('\n');
        assert_eq!(f.render(), want);
    }

    /// The writer as it was (every attribute rendered at column 0 to see whether it fits, then
    /// again; one-line forms recomputed at every level), to test the new one against.
    mod old {
        use super::super::*;

        fn write_inline(e: &Expr, out: &mut String) -> bool {
            match e {
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

        fn write_inline_list(out: &mut String, items: &[Expr]) -> bool {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if !write_inline(item, out) {
                    return false;
                }
            }
            true
        }

        fn write(e: &Expr, out: &mut String, indent: usize, start_column: usize) {
            let mut s = String::new();
            if write_inline(e, &mut s) {
                let one_item = !matches!(e, Expr::List(items) if items.len() > 1);
                if one_item || start_column + s.len() <= MAX_LINE {
                    out.push_str(&s);
                    return;
                }
            }
            let pad = "  ".repeat(indent + 1);
            match e {
                Expr::List(items) => {
                    out.push_str("[\n");
                    for item in items {
                        out.push_str(&pad);
                        write(item, out, indent + 1, pad.len());
                        out.push_str(",\n");
                    }
                    out.push_str(&"  ".repeat(indent));
                    out.push(']');
                }
                Expr::Object(entries) => {
                    out.push_str("{\n");
                    let attrs: Vec<Item> = entries
                        .iter()
                        .map(|(k, v)| Item::Attr(object_key(k).into_owned(), v.clone()))
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
                        write(a, out, indent, 0);
                    }
                    out.push(')');
                }
                _ => unreachable!(),
            }
        }

        pub(super) fn write_items(out: &mut String, items: &[Item], indent: usize) {
            let pad = "  ".repeat(indent);
            let one_line: Vec<Option<String>> = items
                .iter()
                .map(|item| match item {
                    Item::Attr(_, v) => {
                        let mut probe = String::new();
                        write(v, &mut probe, indent, 0);
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
                    .map(|it| match it {
                        Item::Attr(k, _) => k.chars().count(),
                        _ => 0,
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
                                write(value, out, indent, pad.len() + key.len() + 3);
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
    }

    /// SplitMix64: a small deterministic generator.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n as u64) as usize
        }

        /// Text of 0 to `max` characters, some that HCL escapes, some wide.
        fn text(&mut self, max: usize) -> String {
            const PIECES: &[&str] = &[
                "a",
                "arn:aws:s3:::",
                "bucket-name",
                "\"",
                "\\",
                "\n",
                "${",
                "%{",
                "é",
                "✓",
                " ",
                "0123456789abcdefghij",
            ];
            let n = self.below(max + 1);
            (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
        }

        fn key(&mut self) -> String {
            [
                "name",
                "cost:center",
                "Project",
                "a-b",
                "9lives",
                "x",
                "long_key_name",
            ][self.below(7)]
            .to_string()
        }

        /// A random expression at most `depth` deep: lists and calls around objects, references
        /// that hold newlines, lists near the line limit.
        fn expr(&mut self, depth: usize) -> Expr {
            let leaf = depth == 0 || self.below(3) == 0;
            match self.below(if leaf { 3 } else { 6 }) {
                0 => Expr::Str(self.text(12)),
                1 => Expr::Ref(["var.tags", "local.a\nb", "true", "null"][self.below(4)].into()),
                2 => Expr::Template(
                    (0..self.below(4))
                        .map(|i| {
                            if i % 2 == 0 {
                                Part::Text(self.text(6))
                            } else {
                                Part::Interp("local.partition".into())
                            }
                        })
                        .collect(),
                ),
                3 => Expr::List((0..self.below(6)).map(|_| self.expr(depth - 1)).collect()),
                4 => Expr::Object(
                    (0..self.below(4))
                        .map(|_| (self.key(), self.expr(depth - 1)))
                        .collect(),
                ),
                _ => Expr::Call(
                    "merge".into(),
                    (0..self.below(3)).map(|_| self.expr(depth - 1)).collect(),
                ),
            }
        }

        fn items(&mut self, depth: usize) -> Vec<Item> {
            (0..self.below(7))
                .map(|_| match self.below(if depth == 0 { 3 } else { 4 }) {
                    0 | 1 => Item::Attr(self.key(), self.expr(4)),
                    2 => [Item::Blank, Item::Comment(self.text(8))][self.below(2)].clone(),
                    _ => Item::Block(Block {
                        kind: "statement".into(),
                        labels: vec![self.text(3)],
                        body: self.items(depth - 1),
                    }),
                })
                .collect()
        }
    }

    /// The writer gives the text the old one gave, byte for byte, on 20,000 random files.
    #[test]
    fn writes_what_the_old_writer_wrote() {
        let mut rng = Rng(10);
        for _ in 0..20_000 {
            let f = File {
                continues: false,
                items: rng.items(2),
            };
            let mut old = String::new();
            old::write_items(&mut old, &f.items, 0);
            assert_eq!(f.render(), old, "{f:?}");
        }
    }
}
