//! Escaping for the Markdown templates: every value a template prints is escaped for where it goes,
//! by default, so a `|`, a backtick, a `]`, `<script>` or a newline in a description cannot break a
//! table, a `<details>` block, a code fence or a Mermaid graph.
//!
//! - `{{ value }}` in a `.md` template is Markdown text ([`markdown`]): safe in a paragraph, a list
//!   item, a table cell and an HTML block.
//! - `{{ value|code }}` is an inline code span ([`code`]), also safe in a table cell.
//! - `{{ value|mermaid }}` is text inside a quoted Mermaid label ([`mermaid`]).
//! - `{{ value|fenced }}` is a line inside a fenced code block ([`fenced`]).
//!
//! The filters return safe strings (printed as they are); `{{ value|safe }}` prints trusted text
//! (iamgen's own Markdown) unescaped.

use minijinja::value::Value;
use minijinja::{AutoEscape, Error, Output, State};

/// The auto-escape mode of `.md` templates.
pub(crate) const MARKDOWN: &str = "markdown";

/// `text` as Markdown text that renders as written: backslash-escapes the characters that start
/// inline syntax (`\`, backtick, `*`, `_` but inside a word, `~`, `[`, `]`, `|`), writes `<`, `>`, `&` as entities
/// (no HTML, no closing a `<details>` block), and turns line breaks into spaces (a table row and a
/// list item are one line).
///
/// ```
/// use iamgen_hcl::docs::escape::markdown;
/// assert_eq!(markdown("a|b `c` [d](e) <script>\nf"), r"a\|b \`c\` \[d\](e) &lt;script&gt; f");
/// ```
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        match c {
            // Inside a word (`ecs_task`), `_` never starts emphasis.
            '_' if previous.is_alphanumeric() && next.is_alphanumeric() => out.push(c),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push(' ');
            }
            '\n' => out.push(' '),
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
        previous = c;
    }
    out
}

/// `text` as an inline code span: fenced by one more backtick than its longest run of backticks,
/// `|` escaped (GitHub reads `\|` as a pipe inside a table cell's code span), line breaks as spaces.
///
/// ```
/// use iamgen_hcl::docs::escape::code;
/// assert_eq!(code("s3:GetObject"), "`s3:GetObject`");
/// assert_eq!(code("a`b|c"), r"``a`b\|c``");
/// assert_eq!(code("`x"), "`` `x ``");
/// ```
pub fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `text` inside a double-quoted Mermaid label or edge text: every character that Mermaid or its
/// HTML label rendering reads (`"`, `#`, `<`, `>`, `&`, `|`, backtick, brackets, braces, `;`, and
/// `$` for its math) as a Mermaid entity code (`#124;`), line breaks as spaces.
///
/// ```
/// use iamgen_hcl::docs::escape::mermaid;
/// assert_eq!(mermaid("a|b]\"<c>"), "a#124;b#93;#34;#60;c#62;");
/// ```
pub fn mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '#' | '<' | '>' | '&' | '|' | '`' | '[' | ']' | '{' | '}' | ';' | '$' => {
                out.push_str(&format!("#{};", c as u32));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` as one line inside a fenced code block (```` ``` ````): backticks become `'` (no line of
/// it can close the fence) and line breaks become spaces.
///
/// ```
/// use iamgen_hcl::docs::escape::fenced;
/// assert_eq!(fenced("```\nx"), "''' x");
/// ```
pub fn fenced(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// The formatter of every `{{ }}`: in a `.md` template (auto-escape `markdown`), an unsafe value is
/// written through [`markdown`]; anything else is minijinja's default.
pub(crate) fn formatter(
    out: &mut Output<'_>,
    state: &State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    match state.auto_escape() {
        AutoEscape::Custom(MARKDOWN) if !value.is_safe() => {
            if value.is_undefined() || value.is_none() {
                return minijinja::escape_formatter(out, state, value);
            }
            out.write_str(&markdown(&value.to_string()))
                .map_err(Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// The auto-escape of a template, by its name: `markdown` for `.md`.
pub(crate) fn auto_escape(name: &str) -> AutoEscape {
    if name.ends_with(".md") {
        AutoEscape::Custom(MARKDOWN)
    } else {
        AutoEscape::None
    }
}

fn text_of(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

/// Registers the filters: `code`, `codes` (each item a code span, joined), `mermaid`, `fenced`,
/// `markdown`.
pub(crate) fn add_filters(env: &mut minijinja::Environment<'_>) {
    env.add_filter("code", |v: Value| {
        Value::from_safe_string(code(&text_of(&v)))
    });
    env.add_filter(
        "codes",
        |v: Value, sep: Option<String>| -> Result<Value, Error> {
            let items: Vec<String> = v.try_iter()?.map(|i| code(&text_of(&i))).collect();
            Ok(Value::from_safe_string(
                items.join(sep.as_deref().unwrap_or("<br>")),
            ))
        },
    );
    env.add_filter("mermaid", |v: Value| {
        Value::from_safe_string(mermaid(&text_of(&v)))
    });
    env.add_filter("fenced", |v: Value| {
        Value::from_safe_string(fenced(&text_of(&v)))
    });
    env.add_filter("markdown", |v: Value| {
        Value::from_safe_string(markdown(&text_of(&v)))
    });
}
