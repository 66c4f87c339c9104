//! The request bodies' schemas as strict as the rules behind them: which
//! fields are required, the closed sets of choices, lengths, formats and
//! bounds, taken from the same constants and types the core validates with
//! (`debrief_core::{intake, case, action, account}` and the choice types). A
//! body that the document calls valid passes those rules, except for what a
//! schema cannot say (a time in the future, a reference to something that
//! does not exist, a weak password); one it calls invalid is refused with 422.
//!
//! Every text field refuses the control characters the input edge refuses
//! (`debrief_core::validate::forbidden_char`), and a required text must hold
//! something other than white space. Request bodies take no other fields than
//! their own.

use debrief_core::case::{Severity, Status};
use debrief_core::report::{Confidentiality, Kind};
use debrief_core::review::{ActionPriority, ActionStatus, ReviewState};
use debrief_core::{Role, account, action, case, intake};
use serde_json::Value;
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaFormat};
use utoipa::openapi::{Components, KnownFormat, RefOr, Type};

/// No control character other than tab, line feed and carriage return.
pub const NO_CONTROL: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
/// As [`NO_CONTROL`], and something other than white space.
pub const NOT_BLANK: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// What one field must be.
enum F {
    /// A required text of at most this many characters.
    Text(usize),
    /// An optional text of at most this many characters.
    OptText(usize),
    /// A text that may be absent, but not blank, of at most this many characters.
    SomeText(usize),
    /// One of these values, required.
    Choice(Vec<&'static str>),
    /// One of these values, or absent.
    OptChoice(Vec<&'static str>),
    /// An RFC 3339 date and time, or absent.
    Time,
    /// A `YYYY-MM-DD` date, required.
    Date,
    /// A `YYYY-MM-DD` date, or absent.
    OptDate,
    /// An identifier (1 or more), required.
    Id,
    /// An identifier, or absent.
    OptId,
    /// A list of identifiers.
    Ids,
    /// A list of role names.
    Roles,
    /// A whole number of zero or more, required.
    Count,
    /// An email address, required.
    Email,
    /// A new password, required.
    NewPassword,
    /// The caller's current password, required.
    Password,
}

use F::*;

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| name(*x)).collect()
}

/// The request body schemas and their fields' rules.
fn rules() -> Vec<(&'static str, Vec<(&'static str, F)>)> {
    let kinds = || names(&Kind::ALL, Kind::as_str);
    let severities = || names(&Severity::ALL, Severity::as_str);
    vec![
        (
            "ReportIn",
            vec![
                ("kind", Choice(kinds())),
                (
                    "confidentiality",
                    Choice(names(&Confidentiality::ALL, Confidentiality::as_str)),
                ),
                ("title", Text(intake::TITLE_MAX)),
                ("description", Text(intake::DESCRIPTION_MAX)),
                ("occurred_at", Time),
                ("detected_at", Time),
                ("occurred_note", OptText(intake::OCCURRED_NOTE_MAX)),
                ("systems", OptText(intake::SYSTEMS_MAX)),
            ],
        ),
        ("MessageIn", vec![("body", Text(intake::MESSAGE_MAX))]),
        (
            "CaseIn",
            vec![
                ("title", Text(case::TITLE_MAX)),
                ("severity", Choice(severities())),
                ("report_ids", Ids),
                ("occurred_at", Time),
                ("detected_at", Time),
            ],
        ),
        (
            "TransitionIn",
            vec![
                ("to", Choice(names(&Status::ALL, Status::as_str))),
                ("at", Time),
                ("reason", OptText(case::REASON_MAX)),
            ],
        ),
        (
            "TimelineIn",
            vec![
                ("kind", Choice(crate::cases::ops::TIMELINE_KINDS.to_vec())),
                ("body", Text(case::TIMELINE_MAX)),
                ("at", Time),
            ],
        ),
        (
            "TimesIn",
            vec![
                ("occurred_at", Time),
                ("detected_at", Time),
                ("reason", Text(case::REASON_MAX)),
            ],
        ),
        (
            "CasePatch",
            vec![
                ("title", SomeText(case::TITLE_MAX)),
                ("severity", OptChoice(severities())),
                ("lead_id", OptId),
                ("team_id", OptId),
            ],
        ),
        (
            "TeamMessageIn",
            vec![
                (
                    "kind",
                    Choice(crate::triage::ops::TEAM_MESSAGE_KINDS.to_vec()),
                ),
                ("body", Text(intake::MESSAGE_MAX)),
            ],
        ),
        ("CloseIn", vec![("note", Text(intake::CLOSING_NOTE_MAX))]),
        ("DuplicateIn", vec![("of", Id)]),
        ("AttachIn", vec![("case_id", Id)]),
        (
            "ActionItemIn",
            vec![
                ("title", Text(action::TITLE_MAX)),
                ("description", OptText(action::DESCRIPTION_MAX)),
                ("owner_id", Id),
                ("due_date", Date),
                (
                    "priority",
                    OptChoice(names(ActionPriority::ALL, ActionPriority::as_str)),
                ),
                ("factor_id", OptId),
            ],
        ),
        (
            "ActionItemPatch",
            vec![
                ("version", Count),
                (
                    "status",
                    OptChoice(names(ActionStatus::ALL, ActionStatus::as_str)),
                ),
                ("note", OptText(action::NOTE_MAX)),
                ("check_date", OptDate),
                ("check_owner_id", OptId),
                ("due_date", OptDate),
                ("owner_id", OptId),
            ],
        ),
        (
            "ReviewStateIn",
            vec![("to", Choice(names(ReviewState::ALL, ReviewState::as_str)))],
        ),
        (
            "NewUserIn",
            vec![
                ("email", Email),
                ("name", Text(account::NAME_MAX)),
                ("password", NewPassword),
                ("roles", Roles),
            ],
        ),
        ("RolesIn", vec![("roles", Roles), ("password", Password)]),
        ("RevealIn", vec![("password", Password)]),
        (
            "NewTeamIn",
            vec![
                ("name", Text(account::TEAM_NAME_MAX)),
                ("description", OptText(account::TEAM_DESCRIPTION_MAX)),
            ],
        ),
        (
            "NewTokenIn",
            vec![
                ("name", Text(account::TOKEN_NAME_MAX)),
                ("password", Password),
            ],
        ),
        (
            "ReviewEditIn",
            vec![("part", Choice(debrief_core::review_edit::PARTS.to_vec()))],
        ),
        (
            "LintIn",
            vec![("text", Text(crate::platform::auth::MAX_BODY))],
        ),
    ]
}

fn object(s: &mut RefOr<Schema>) -> Option<&mut utoipa::openapi::schema::Object> {
    match s {
        RefOr::T(Schema::Object(o)) => Some(o),
        _ => None,
    }
}

/// The object that holds a schema's fields: itself, or, for a body with
/// flattened fields (`allOf`), the part of it that names them.
fn fields_of(s: &mut RefOr<Schema>) -> Option<&mut utoipa::openapi::schema::Object> {
    match s {
        RefOr::T(Schema::Object(o)) => Some(o),
        RefOr::T(Schema::AllOf(all)) => all.items.iter_mut().find_map(|i| match i {
            RefOr::T(Schema::Object(o)) if !o.properties.is_empty() => Some(o),
            _ => None,
        }),
        _ => None,
    }
}

fn enum_of(values: &[&'static str], null: bool) -> Vec<Value> {
    let mut v: Vec<Value> = values.iter().map(|s| Value::from(*s)).collect();
    if null {
        v.push(Value::Null);
    }
    v
}

fn apply(prop: &mut RefOr<Schema>, rule: &F) {
    if let RefOr::T(Schema::Array(a)) = prop {
        let items = match rule {
            Roles => {
                let mut s =
                    utoipa::openapi::schema::Object::with_type(utoipa::openapi::Type::String);
                s.enum_values = Some(enum_of(&names(&Role::ALL, Role::as_str), false));
                s
            }
            _ => {
                let mut s =
                    utoipa::openapi::schema::Object::with_type(utoipa::openapi::Type::Integer);
                s.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int64));
                s.minimum = Some(1.into());
                s
            }
        };
        a.items = ArrayItems::RefOrSchema(Box::new(RefOr::T(Schema::Object(items))));
        // a repeated id or role is read once, so repeats are not refused
        return;
    }
    let Some(o) = object(prop) else { return };
    match rule {
        Text(max) | SomeText(max) => {
            o.min_length = Some(1);
            o.max_length = Some(*max);
            o.pattern = Some(NOT_BLANK.into());
        }
        OptText(max) => {
            o.max_length = Some(*max);
            o.pattern = Some(NO_CONTROL.into());
        }
        Choice(values) => o.enum_values = Some(enum_of(values, false)),
        OptChoice(values) => o.enum_values = Some(enum_of(values, true)),
        // a time from 1970 on and not in the future: the schema says a year
        // before this one; empty is no time
        Time => {
            o.pattern = Some(format!(
                "^{WS}*({}-{MONTH_DAY}T{CLOCK}(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]))?{WS}*$",
                years_between(1971, this_year() - 1)
            ))
        }
        // a due day or check day: today or later, the schema says a later year
        Date => {
            o.pattern = Some(format!("^{}-{MONTH_DAY}$", years_after(this_year())));
        }
        // empty is no day
        OptDate => {
            o.pattern = Some(format!("^({}-{MONTH_DAY})?$", years_after(this_year())));
        }
        NewPassword => {
            o.min_length = Some(debrief_core::validate::PASSWORD_MIN);
            o.max_length = Some(debrief_core::validate::PASSWORD_MAX);
            o.pattern = Some(NO_CONTROL.into());
        }
        Password => {
            o.min_length = Some(1);
            o.max_length = Some(debrief_core::validate::PASSWORD_MAX);
            o.pattern = Some(NOT_BLANK.into());
        }
        Id | OptId => o.minimum = Some(1.into()),
        Count => o.minimum = Some(0.into()),
        Email => o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Email)),
        Ids | Roles => {}
    }
}

fn required(rule: &F) -> bool {
    matches!(
        rule,
        Text(_) | Choice(_) | Date | Id | Count | Email | NewPassword | Password
    )
}

/// White space that trimming removes and that is not a control character.
const WS: &str = "[\\t\\n\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";
/// A month and a day that every year has.
const MONTH_DAY: &str = "(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";
/// Hours, minutes and optional seconds.
const CLOCK: &str = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?";

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

/// A pattern for the four-digit years `from..=to`.
fn years_between(from: i32, to: i32) -> String {
    let years: Vec<String> = (from..=to).map(|y| y.to_string()).collect();
    format!("({})", years.join("|"))
}

/// A pattern for the four-digit years after `year`.
fn years_after(year: i32) -> String {
    let mut alts: Vec<String> = ((year + 1)..=(year / 10 * 10 + 9))
        .map(|y| y.to_string())
        .collect();
    alts.extend((year / 10 + 1..=year / 100 * 10 + 9).map(|d| format!("{d}[0-9]")));
    alts.extend((year / 100 + 1..=year / 1000 * 10 + 9).map(|c| format!("{c}[0-9]{{2}}")));
    alts.extend((year / 1000 + 1..=9).map(|m| format!("{m}[0-9]{{3}}")));
    format!("({})", alts.join("|"))
}

/// The closed sets of a list's query filters.
pub fn tighten_query(op: &mut utoipa::openapi::path::Operation, path: &str) {
    use debrief_core::report::ReportStatus;
    let Some(params) = op.parameters.as_mut() else {
        return;
    };
    for p in params {
        if let Some(s) = p.schema.as_mut().and_then(object)
            && is_string(&s.schema_type)
        {
            s.pattern = Some(NO_CONTROL.into());
        }
        if path == "/api/v1/audit"
            && matches!(p.name.as_str(), "from" | "to")
            && let Some(s) = p.schema.as_mut().and_then(object)
        {
            // read trimmed; empty is no bound
            s.pattern = Some(format!("^{WS}*([0-9]{{4}}-{MONTH_DAY})?{WS}*$"));
        }
        if path == "/api/v1/metrics" {
            metrics_param(p);
            continue;
        }
        let values = match (path, p.name.as_str()) {
            ("/api/v1/cases", "status") => names(&Status::ALL, Status::as_str),
            ("/api/v1/reports", "status") => names(&ReportStatus::ALL, ReportStatus::as_str),
            ("/api/v1/reports", "kind") => names(&Kind::ALL, Kind::as_str),
            _ => continue,
        };
        if let Some(s) = p.schema.as_mut().and_then(object) {
            // an empty filter is no filter
            let mut values = enum_of(&values, false);
            values.push(Value::from(""));
            s.enum_values = Some(values);
        }
    }
}

/// A calendar day `YYYY-MM-DD` of any year: months of 31, 30 and 29 days
/// (29 February of a year that is not a leap year is refused with 422).
const ANY_DAY: &str =
    "[0-9]{4}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-9])|(0[13-9]|1[0-2])-30|(0[13578]|1[02])-31)";

/// The metrics' query parameters (`dashboards::query`): days and quarters
/// read trimmed, closed choices, a team's id; an empty value is none.
fn metrics_param(p: &mut utoipa::openapi::path::Parameter) {
    let Some(s) = p.schema.as_mut().and_then(object) else {
        return;
    };
    let choices = |all: Vec<&'static str>| {
        let mut values = enum_of(&all, false);
        values.push(Value::from(""));
        values
    };
    match p.name.as_str() {
        "from" | "to" => s.pattern = Some(format!("^{WS}*({ANY_DAY})?{WS}*$")),
        "quarter" => s.pattern = Some(format!("^{WS}*([0-9]{{4}}-[Qq][1-4])?{WS}*$")),
        "team" => s.pattern = Some("^([0-9]{1,18})?$".into()),
        "severity" => s.enum_values = Some(choices(names(&Severity::ALL, Severity::as_str))),
        "kind" => s.enum_values = Some(choices(names(&Kind::ALL, Kind::as_str))),
        "system" => s.max_length = Some(crate::dashboards::query::SYSTEM_MAX),
        _ => {}
    }
}

fn is_string(t: &SchemaType) -> bool {
    match t {
        SchemaType::Type(Type::String) => true,
        SchemaType::Array(ts) => ts.contains(&Type::String),
        _ => false,
    }
}

/// Tightens the request body schemas in `components` by [`rules`], and closes
/// them to other fields.
pub fn tighten(components: &mut Components) {
    for (name, fields) in rules() {
        let Some(o) = components.schemas.get_mut(name).and_then(fields_of) else {
            continue;
        };
        for (field, rule) in &fields {
            if let Some(p) = o.properties.get_mut(*field) {
                apply(p, rule);
            }
            if required(rule) && !o.required.iter().any(|r| r == field) {
                o.required.push((*field).to_string());
            }
        }
        for p in o.properties.values_mut() {
            if let Some(t) = object(p)
                && t.pattern.is_none()
                && t.enum_values.is_none()
                && t.format.is_none()
                && is_string(&t.schema_type)
            {
                t.pattern = Some(NO_CONTROL.into());
            }
        }
        // an edit's other fields depend on its part
        if name != "ReviewEditIn" {
            o.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
}
