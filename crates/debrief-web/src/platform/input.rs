//! Text that may not enter the application is refused at the edge, once for
//! every route: a control character other than tab, line feed or carriage
//! return in any query parameter, form field or JSON string is answered with a
//! 422 naming the field, before any handler or database sees it. (PostgreSQL
//! cannot store NUL at all, and SQLite would store what no page can show.) It
//! runs after authorization: a caller the route refuses gets 401 or 403.

use crate::platform::auth::MAX_BODY;
use crate::platform::error::problem_response;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use debrief_core::FieldError;
use debrief_core::validate::{control_char_message, forbidden_char};

/// The first field holding a forbidden character, with the character.
type Found = Option<(String, char)>;

pub async fn refuse_control_chars(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some(q) = req.uri().query()
        && let Some((field, c)) = in_urlencoded(q.as_bytes())
    {
        return refuse(api, field, c);
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let json = kind.as_deref().is_some_and(|k| k.ends_with("json"));
    // axum's Form takes any type that starts with the form type, and pages parse
    // whatever body they get: every non-JSON body of a page is read as a form
    let form = !json
        && (!api
            || kind
                .as_deref()
                .is_some_and(|k| k.starts_with("application/x-www-form-urlencoded")));
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return if api {
                problem_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The body is larger than 1 MiB.".into(),
                    Vec::new(),
                )
            } else {
                crate::platform::shell::error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "What you sent is larger than 1 MiB.",
                )
            };
        }
    };
    let found = if form {
        in_urlencoded(&bytes)
    } else {
        in_json(&bytes)
    };
    if let Some((field, c)) = found {
        return refuse(api, field, c);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refuse(api: bool, field: String, c: char) -> Response {
    let message = control_char_message(c);
    if api {
        problem_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Some fields are not valid.".into(),
            vec![FieldError { field, message }],
        )
    } else {
        crate::platform::shell::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "The field “{field}” holds an invisible control character (U+{:04X}) that cannot be saved. Go back: what you typed is still there; remove that character and send it again.",
                u32::from(c)
            ),
        )
    }
}

/// Whether the bytes may encode a forbidden character at all: a cheap test that
/// lets almost every request through without decoding it.
fn suspicious_urlencoded(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &x)| {
        x < 0x20
            || x == 0x7f
            || x == 0xc2
            || (x == b'%'
                && matches!(
                    (b.get(i + 1), b.get(i + 2)),
                    (Some(b'0' | b'1'), Some(_))
                        | (Some(b'7'), Some(b'f' | b'F'))
                        | (Some(b'c' | b'C'), Some(b'2'))
                ))
    })
}

fn in_urlencoded(b: &[u8]) -> Found {
    if !suspicious_urlencoded(b) {
        return None;
    }
    // text that is not UTF-8 is refused by the handler's own extractor
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(b).ok()?;
    pairs.into_iter().find_map(|(k, v)| {
        if let Some(c) = forbidden_char(&k) {
            return Some((k.escape_default().to_string(), c));
        }
        forbidden_char(&v).map(|c| (k, c))
    })
}

fn in_json(b: &[u8]) -> Found {
    // a control character in a JSON string is either escaped (\u0000) or, for
    // U+007F and U+0080–U+009F, raw UTF-8 (0x7F, 0xC2 0x80–0x9F); raw ones below
    // U+0020 are a syntax error that the handler refuses anyway
    let maybe = b.windows(2).any(|w| w == b"\\u") || b.iter().any(|&x| x == 0x7f || x == 0xc2);
    if !maybe {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(b).ok()?;
    walk(&v, "body")
}

fn walk(v: &serde_json::Value, field: &str) -> Found {
    match v {
        serde_json::Value::String(s) => forbidden_char(s).map(|c| (field.to_string(), c)),
        serde_json::Value::Array(items) => items.iter().find_map(|i| walk(i, field)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if let Some(c) = forbidden_char(k) {
                return Some((k.escape_default().to_string(), c));
            }
            walk(v, k)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field() {
        assert_eq!(
            in_urlencoded(b"a=1&title=x%00y"),
            Some(("title".into(), '\0'))
        );
        assert_eq!(in_urlencoded(b"q=%C2%85"), Some(("q".into(), '\u{85}')));
        assert_eq!(in_urlencoded(b"q=%7f"), Some(("q".into(), '\u{7f}')));
        assert_eq!(in_urlencoded(b"d=line%0D%0Abreak%09tab"), None);
        assert_eq!(in_urlencoded(b"q=%C3%A9t%C3%A9"), None);
        assert_eq!(in_urlencoded(b"q=plain"), None);
        assert_eq!(
            in_json(br#"{"title":"ok","systems":["a","b\u0000"]}"#),
            Some(("systems".into(), '\0'))
        );
        assert_eq!(
            in_json(br#"{"a":{"description":"x\u001b[31m"}}"#),
            Some(("description".into(), '\u{1b}'))
        );
        assert_eq!(in_json(br#"{"t":"caf\u00e9\n\t"}"#), None);
        assert_eq!(in_json(br#"{"t":"plain"}"#), None);
    }
}
