//! The organisation's people directory, as the checker knows it: the parts of
//! each name, so that "Priya", "Sharma" and "Priya Sharma" are all recognised.

/// Names of the organisation's people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct People {
    pub(crate) given: Vec<String>,
    pub(crate) family: Vec<String>,
    count: usize,
}

#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "van", "de", "da", "von", "der", "den", "del", "della", "di", "du", "la", "le", "bin", "ibn", "al", "el",
    "dos", "das", "ten", "ter", "y",
];
#[rustfmt::skip]
const NAME_HEADERS: &[&str] = &[
    "name", "full_name", "full name", "fullname", "display_name", "display name", "person",
];
#[rustfmt::skip]
const GIVEN_HEADERS: &[&str] = &[
    "first_name", "first name", "given_name", "given name", "firstname", "givenname",
];
#[rustfmt::skip]
const FAMILY_HEADERS: &[&str] = &[
    "last_name", "last name", "family_name", "family name", "surname", "lastname",
];

impl People {
    pub fn new() -> People {
        People::default()
    }

    /// Adds one person by their full name ("Priya Sharma", "Jan van der Berg").
    pub fn add(&mut self, full_name: &str) {
        let name = full_name.split('<').next().unwrap_or("").trim();
        let mut first = true;
        let mut any = false;
        for part in name.split_whitespace() {
            let part = part.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'');
            if part.is_empty() || PARTICLES.contains(&part) {
                continue;
            }
            any = true;
            if first {
                self.given.push(part.to_string());
                first = false;
            } else {
                self.family.push(part.to_string());
            }
        }
        if any {
            self.count += 1;
        }
    }

    /// Reads a directory: one name per line (blank lines and `#` comments
    /// skipped), or a CSV file whose header has a `name` column (or first and
    /// last name columns), such as Debrief's export of users.
    pub fn parse(text: &str) -> People {
        let mut people = People::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let Some(header) = lines.next() else {
            return people;
        };
        let cells: Vec<String> = csv_row(header)
            .into_iter()
            .map(|c| c.trim().to_lowercase())
            .collect();
        let col = |names: &[&str]| cells.iter().position(|c| names.contains(&c.as_str()));
        let (name, given, family) = (col(NAME_HEADERS), col(GIVEN_HEADERS), col(FAMILY_HEADERS));
        if header.contains(',') && (name.is_some() || given.is_some()) {
            for line in lines {
                let row = csv_row(line);
                let cell =
                    |i: Option<usize>| i.and_then(|i| row.get(i)).map(|s| s.trim()).unwrap_or("");
                let full = if name.is_some() {
                    cell(name).to_string()
                } else {
                    format!("{} {}", cell(given), cell(family))
                };
                people.add(&full);
            }
            return people;
        }
        for line in text.lines() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            people.add(l);
        }
        people
    }

    /// How many people.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// One CSV row (RFC 4180 quoting, on one line).
fn csv_row(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}
