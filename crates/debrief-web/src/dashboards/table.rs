//! The data tables of the dashboards: every chart has one beside it with the
//! same numbers, and every table can be downloaded as CSV.

/// What a withheld figure shows in place of its number, on the page and in CSV.
pub const WITHHELD: &str = "withheld";

/// One table: a name (its CSV file), a caption, column headings and rows of
/// text cells, already formatted the way they are shown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The `table` parameter of its CSV download: lower case, digits and `_`.
    pub name: String,
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(name: &str, caption: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            caption: caption.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as CSV (RFC 4180: comma-separated, CRLF line ends, fields
    /// quoted when they need it), headings first.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        csv_line(&mut out, &self.columns);
        for r in &self.rows {
            csv_line(&mut out, r);
        }
        out
    }
}

fn csv_line(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(c));
    }
    out.push_str("\r\n");
}

/// One CSV field. A cell a spreadsheet would read as a formula (one starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with an
/// apostrophe — except a plain number such as `-3` or `-0.5`, which stays a
/// number. A field holding a comma, quote or line break is quoted, with its
/// quotes doubled.
pub fn csv_field(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(s);
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn formulas_are_neutralised_and_negative_numbers_kept() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1+1"), "'+1+1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-cmd"), "'-cmd");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("-3"), "-3");
        assert_eq!(csv_field("-0.5"), "-0.5");
        assert_eq!(csv_field("-1-1"), "'-1-1");
        assert_eq!(csv_field("-"), "'-");
    }

    #[test]
    fn a_table_is_headings_then_rows_with_crlf() {
        let mut t = Table::new("t", "T", &["Quarter", "Reports"]);
        t.row(vec!["2026 Q1".into(), "9".into()]);
        t.row(vec!["2026 Q2".into(), WITHHELD.into()]);
        assert_eq!(
            t.to_csv(),
            "Quarter,Reports\r\n2026 Q1,9\r\n2026 Q2,withheld\r\n"
        );
    }
}
