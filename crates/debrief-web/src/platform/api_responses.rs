//! The answers every API route can give besides its own, added to each
//! operation of the OpenAPI document from the route's declaration: 401 and 403
//! from its access rule, 404 and 422 when its path has parameters, 400, 413,
//! 415 and 422 when it takes a JSON body, 422 when it takes a query string, 429
//! where a limiter counts it and 503 where a busy password hasher can refuse
//! it. Every error answer is an RFC 9457 problem document
//! (`application/problem+json`, schema `Problem`), also the ones a handler
//! describes itself.

use crate::platform::authz::Access;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, Ref, RefOr, ResponseBuilder, Type, schema::ObjectBuilder,
};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// What a route declares beyond its access, for its common answers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Answers {
    /// A limiter counts the route (429 with `Retry-After`).
    pub limited: bool,
    /// The route hashes or checks a password (503 with `Retry-After` when the
    /// hasher is busy).
    pub hashes: bool,
}

fn problem(description: &str, retry: bool) -> RefOr<utoipa::openapi::Response> {
    let mut b = ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    if retry {
        b = b.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some("Seconds to wait before trying again."))
                .build(),
        );
    }
    RefOr::T(b.build())
}

/// Adds the common answers to `op` (a handler's own description of a status
/// wins), and serves every answer whose body is a `Problem` as problem+json.
pub fn complete(op: &mut Operation, path: &str, access: Access, answers: Answers) {
    let mut add = |status: &str, description: &str, retry: bool| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem(description, retry));
    };
    match access {
        Access::Public | Access::Anonymous => {}
        Access::SignedIn => {
            add(
                "401",
                "Not signed in, or the API token is not valid.",
                false,
            );
        }
        Access::Roles(_) => {
            add(
                "401",
                "Not signed in, or the API token is not valid.",
                false,
            );
            add("403", "The caller's roles do not allow this.", false);
        }
    }
    let params = |place: ParameterIn| {
        op.parameters
            .as_ref()
            .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == place))
    };
    let in_path = path.contains('{');
    let in_query = params(ParameterIn::Query);
    let body = op.request_body.is_some();
    if in_path {
        add("404", "There is nothing at this address.", false);
    }
    if body {
        add("400", "The body is not well-formed JSON.", false);
        add("413", "The body is larger than 1 MiB.", false);
        add("415", "The body is not sent as application/json.", false);
    }
    if in_path || in_query || body {
        add(
            "422",
            "A parameter or field is not valid; `errors` names each one.",
            false,
        );
    }
    if answers.limited {
        add(
            "429",
            "Too many requests; try again after Retry-After.",
            true,
        );
    }
    if answers.hashes {
        add(
            "503",
            "The server is busy checking passwords; try again after Retry-After.",
            true,
        );
    }
    for response in op.responses.responses.values_mut() {
        let RefOr::T(r) = response else { continue };
        let is_problem = r.content.get("application/json").is_some_and(
            |c| matches!(&c.schema, Some(RefOr::Ref(x)) if x.ref_location.ends_with("/Problem")),
        );
        if is_problem && let Some(c) = r.content.shift_remove("application/json") {
            r.content.insert(PROBLEM_JSON.to_string(), c);
        }
    }
}
