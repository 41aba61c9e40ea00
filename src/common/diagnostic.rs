//! One diagnostic type for every stage. A stage that cannot go on returns a `Diagnostic`;
//! rendering (file, line, column, source line, caret) happens apart from where it is
//! produced, and only the Python boundary turns it into an exception.

use std::fmt::Write;

/// A byte range in the (dedented) function source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The program uses something ferrumba does not compile, or types that do not fit.
    Typing,
    /// Source cannot be read or parsed.
    Syntax,
    /// An invariant inside ferrumba broke: a compiler bug, never the user's fault.
    Internal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    /// A short stable identifier such as `unknown-name` (used by tests and docs).
    pub id: &'static str,
    pub message: String,
    pub span: Option<Span>,
    pub hint: Option<String>,
    /// Extra lines (for example "during: calling g(int64)") added as the error travels out.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn typing(id: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic { kind: DiagnosticKind::Typing, id, message: message.into(), span: Some(span), hint: None, notes: vec![] }
    }
    pub fn internal(message: impl Into<String>) -> Diagnostic {
        Diagnostic { kind: DiagnosticKind::Internal, id: "internal", message: message.into(), span: None, hint: None, notes: vec![] }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
}

/// Where a function's source came from, so spans can be shown as file:line:col.
#[derive(Clone, Debug, Default)]
pub struct SourceFile {
    pub filename: String,
    pub text: String,
    /// Line number in the real file of the first line of `text`, minus one.
    pub line_offset: u32,
    /// Columns removed by dedenting, added back when reporting a column.
    pub col_offset: u32,
}

impl SourceFile {
    /// 1-based line and column of a byte offset, in the coordinates of the original file.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = (offset as usize).min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() as u32;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() as u32;
        (line + 1 + self.line_offset, col + 1 + self.col_offset)
    }

    fn line_text(&self, offset: u32) -> (&str, usize) {
        let offset = (offset as usize).min(self.text.len());
        let start = self.text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let end = self.text[offset..].find('\n').map(|i| i + offset).unwrap_or(self.text.len());
        (&self.text[start..end], offset - start)
    }
}

/// A hint for diagnostics whose producer had nothing more specific to say, by kind of
/// problem, so that every user-facing error suggests a way forward.
fn default_hint(diag: &Diagnostic) -> Option<&'static str> {
    if diag.kind != DiagnosticKind::Typing {
        return None;
    }
    Some(match diag.id {
        "unknown-attribute" => "compiled code supports a fixed set of attributes; see the README",
        "not-callable" => "only functions, jitted functions and types can be called",
        "not-subscriptable" => "only tuples and arrays can be indexed",
        "not-iterable" => "iterate over range(), an array, a tuple, enumerate() or zip()",
        "bad-arity" => "check the number and names of the arguments",
        "bad-argument" | "bad-index" => "convert the argument to a supported number type first",
        "type-conflict" | "return-type-conflict" => "give each variable (and the return value) one kind of value",
        "unsupported-operator" => "convert the operands to numbers of compatible types",
        "cannot-unpack" => "unpack a tuple with exactly as many targets as it has items",
        "index-out-of-range" => "tuples have a fixed length known at compile time",
        _ => "ferrumba compiles a numeric subset of Python; see the README for what is supported",
    })
}

/// The full rendering: message, location, source line with a caret, hint and notes.
pub fn render(diag: &Diagnostic, source: Option<&SourceFile>) -> String {
    let mut out = String::new();
    if diag.kind == DiagnosticKind::Internal {
        out.push_str("internal compiler error (a bug in ferrumba, please report it): ");
    }
    out.push_str(&diag.message);
    out.push('\n');
    if let (Some(span), Some(src)) = (diag.span, source) {
        let (line, col) = src.line_col(span.start);
        let _ = writeln!(out, "  --> {}:{}:{}", src.filename, line, col);
        let (text, col0) = src.line_text(span.start);
        let indent = " ".repeat(src.col_offset as usize);
        let gutter = line.to_string().len().max(3);
        let _ = writeln!(out, "{:>gutter$} |", "");
        let _ = writeln!(out, "{:>gutter$} | {}{}", line, indent, text);
        let width = ((span.end.saturating_sub(span.start)) as usize).clamp(1, text.len().saturating_sub(col0).max(1));
        let pad: String = text[..col0].chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(out, "{:>gutter$} | {}{}{}", "", indent, pad, "^".repeat(width));
    }
    for note in &diag.notes {
        let _ = writeln!(out, "  = {note}");
    }
    if let Some(hint) = diag.hint.as_deref().or_else(|| default_hint(diag)) {
        let _ = writeln!(out, "  = hint: {hint}");
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let src = SourceFile { filename: "m.py".into(), text: "def f(x):\n    return x + y\n".into(), line_offset: 9, col_offset: 0 };
        let start = src.text.find('y').unwrap() as u32;
        let d = Diagnostic::typing("unknown-name", "name 'y' is not defined", Span::new(start, start + 1)).with_hint("define it");
        let text = render(&d, Some(&src));
        assert!(text.contains("--> m.py:11:16"), "{text}");
        assert!(text.contains(" 11 |     return x + y"), "{text}");
        assert!(text.contains("    |                ^\n"), "{text}");
        assert!(text.ends_with("hint: define it"));
    }
}
