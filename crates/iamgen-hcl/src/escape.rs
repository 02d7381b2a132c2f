//! The one place strings become HCL string literals.
//!
//! Every text from a spec reaches HCL through [`write_quoted`] (or [`write_template_text`] inside a
//! template): quotes, backslashes and control characters are escaped, and `${` / `%{` become `$${` /
//! `%%{`, so Terraform never interpolates them. That is also how IAM policy variables such as
//! `${aws:username}` reach AWS literally.

/// Writes `text` as a complete quoted HCL string literal.
pub fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    write_template_text(out, text);
    out.push('"');
}

/// `text` as a quoted HCL string literal.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_quoted(&mut out, text);
    out
}

/// Writes `text` escaped for the inside of a quoted template, without the quotes. The runs of
/// characters that need no escape (nearly all of an ARN) are copied whole.
pub fn write_template_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // `text[run..i]` needs no escape and is not written yet.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Every character escaped is ASCII but the C1 controls (U+0080 to U+009F: 0xC2, then
        // 0x80 to 0x9F); no byte of another character's UTF-8 is one of these.
        let (width, escape) = match bytes[i] {
            b'\\' => (1, "\\\\"),
            b'"' => (1, "\\\""),
            b'\n' => (1, "\\n"),
            b'\r' => (1, "\\r"),
            b'\t' => (1, "\\t"),
            b'$' if bytes.get(i + 1) == Some(&b'{') => (1, "$$"),
            b'%' if bytes.get(i + 1) == Some(&b'{') => (1, "%%"),
            b if b < 0x20 || b == 0x7f => (1, ""),
            0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) => (2, ""),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[run..i]);
        if escape.is_empty() {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push_str(&format!("\\u{:04X}", c as u32));
        } else {
            out.push_str(escape);
        }
        i += width;
        run = i;
    }
    out.push_str(&text[run..]);
}

/// HCL's keywords: `for`, `in`, `if`, `else`, `endif` and `endfor` of for expressions and
/// template directives, and the literals `true`, `false` and `null`. As a bare object key, `for`
/// starts a for expression (`{ for = ... }`) and `null` is no key at all, so they are quoted.
const KEYWORDS: [&str; 9] = [
    "for", "in", "if", "else", "endif", "endfor", "true", "false", "null",
];

/// Whether `key` can be written bare as an HCL object key: an identifier that is not a keyword.
pub fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !KEYWORDS.contains(&key)
}

/// Makes `text` safe for a `#` comment line: control characters (newlines included) become spaces.
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quoted("line\nnext\ttab\r"), r#""line\nnext\ttab\r""#);
        assert_eq!(quoted("bell\u{7}"), r#""bell\u0007""#);
        assert_eq!(quoted("naïve ✓"), "\"naïve ✓\"");
    }

    #[test]
    fn template_markers_are_never_live() {
        assert_eq!(quoted("${aws:username}"), r#""$${aws:username}""#);
        assert_eq!(quoted("%{ if x }"), r#""%%{ if x }""#);
        assert_eq!(quoted("cost $5 and 100%"), r#""cost $5 and 100%""#);
        assert_eq!(quoted("$$"), r#""$$""#);
    }

    /// The escape as it was written first, one character at a time: the reference.
    fn escaped_char_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' | '%' if chars.peek() == Some(&'{') => {
                    out.push(c);
                    out.push(c);
                }
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out
    }

    /// Every string of up to three of these pieces (ASCII and C0 controls, DEL, the C1
    /// controls' edges and their neighbours, wide characters, template markers) is escaped as
    /// the character-by-character reference escapes it.
    #[test]
    fn runs_are_escaped_as_characters_are() {
        const PIECES: &[&str] = &[
            "",
            "a",
            "arn:aws:s3:::b/*",
            "\\",
            "\"",
            "\n",
            "\r",
            "\t",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "\u{80}",
            "\u{85}",
            "\u{9f}",
            "\u{a0}",
            "é",
            "✓",
            "𝄞",
            "$",
            "%",
            "{",
            "${",
            "%{",
            "$$",
        ];
        for a in PIECES {
            for b in PIECES {
                for c in PIECES {
                    let text = format!("{a}{b}{c}");
                    let mut out = String::new();
                    write_template_text(&mut out, &text);
                    assert_eq!(out, escaped_char_by_char(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("Owner"));
        assert!(is_identifier("cost-center"));
        assert!(!is_identifier("team:name"));
        assert!(!is_identifier("9lives"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("for"));
        assert!(!is_identifier("null"));
        assert!(is_identifier("format"));
    }
}
