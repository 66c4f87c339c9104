//! How a capability declares its routes: method, path, access and handler side
//! by side, in one place. The router, the authorization table and the OpenAPI
//! document are all made from these declarations, so a route cannot be
//! registered without an access rule, and an API route cannot be left out of
//! the document.

use crate::AppState;
use crate::platform::api_responses::Answers;
use crate::platform::authz::Access;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa::openapi::path::Paths;
use utoipa_axum::router::UtoipaMethodRouter;

/// Whether the route passes through the session, CSRF and logging layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layers {
    /// Every page and API route.
    Full,
    /// Health probes: public, carry no identity, called often.
    Bare,
}

/// One method on one path, who may call it, and what answers it.
pub struct Route {
    pub method: &'static str,
    pub path: String,
    pub access: Access,
    pub layers: Layers,
    pub(crate) handler: MethodRouter<AppState>,
    /// The OpenAPI description of an API route, from its `#[utoipa::path]`.
    pub(crate) doc: Option<ApiDoc>,
}

pub(crate) struct ApiDoc {
    pub paths: Paths,
    /// What the route can answer besides its own answers and those its access
    /// and inputs imply.
    pub answers: Answers,
    pub schemas: Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
}

macro_rules! method {
    ($name:ident, $method:literal, $route:path) => {
        #[doc = concat!("A `", $method, "` page route.")]
        pub fn $name<H, T>(path: &str, access: Access, handler: H) -> Route
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            Route {
                method: $method,
                path: path.to_string(),
                access,
                layers: Layers::Full,
                handler: $route(handler),
                doc: None,
            }
        }
    };
}

impl Route {
    method!(get, "GET", axum::routing::get);
    method!(post, "POST", axum::routing::post);

    /// An API route described by its handler's `#[utoipa::path]` (which
    /// names its method and path), made with `utoipa_axum::routes!(handler)`.
    /// A description of anything but one method on one path is refused when
    /// the router is built.
    pub fn api(access: Access, (schemas, paths, handler): UtoipaMethodRouter<AppState>) -> Route {
        let (method, path) = one_operation(&paths).unwrap_or(("", String::new()));
        Route {
            method,
            path,
            access,
            layers: Layers::Full,
            handler,
            doc: Some(ApiDoc {
                paths,
                schemas,
                answers: Answers::default(),
            }),
        }
    }

    /// Answered without the session, CSRF and logging layers.
    pub fn bare(mut self) -> Route {
        self.layers = Layers::Bare;
        self
    }

    /// A limiter counts this API route: it can answer 429 with `Retry-After`.
    pub fn limited(mut self) -> Route {
        if let Some(d) = self.doc.as_mut() {
            d.answers.limited = true;
        }
        self
    }

    /// This API route hashes or checks a password: a busy hasher answers 503
    /// with `Retry-After`.
    pub fn hashes(mut self) -> Route {
        if let Some(d) = self.doc.as_mut() {
            d.answers.hashes = true;
        }
        self
    }

    pub fn spec(&self) -> (&'static str, &str, Access) {
        (self.method, &self.path, self.access)
    }
}

/// The one method and path an API handler's description names.
fn one_operation(paths: &Paths) -> Option<(&'static str, String)> {
    if paths.paths.len() != 1 {
        return None;
    }
    let (path, item) = paths.paths.iter().next()?;
    let methods: Vec<&'static str> = [
        (item.get.is_some(), "GET"),
        (item.post.is_some(), "POST"),
        (item.put.is_some(), "PUT"),
        (item.patch.is_some(), "PATCH"),
        (item.delete.is_some(), "DELETE"),
        (item.head.is_some(), "HEAD"),
        (item.options.is_some(), "OPTIONS"),
        (item.trace.is_some(), "TRACE"),
    ]
    .into_iter()
    .filter_map(|(present, m)| present.then_some(m))
    .collect();
    match methods.as_slice() {
        [m] => Some((m, path.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::platform::authz::ROUTES;

    #[test]
    fn every_declared_route_registers_once_with_its_rule() {
        let routes = crate::routes();
        let declared: Vec<(&str, String)> =
            routes.iter().map(|r| (r.method, r.path.clone())).collect();
        assert!(crate::platform::app::register(routes).is_ok());
        // the table is the declarations, in order
        assert_eq!(declared.len(), ROUTES.len());
        for ((m, p), spec) in declared.iter().zip(ROUTES.iter()) {
            assert_eq!((*m, p.as_str()), (spec.method, spec.path));
        }
    }

    #[test]
    fn a_route_declared_twice_is_refused() {
        let mut routes = crate::routes();
        routes.extend(crate::triage::routes().into_iter().take(1));
        let e = crate::platform::app::register(routes)
            .err()
            .unwrap_or_default();
        assert!(e.contains("GET /triage is declared twice"), "{e}");
    }

    #[test]
    fn every_api_route_is_in_the_document_and_nothing_else() {
        let doc = crate::platform::api::document();
        let mut operations = 0;
        for item in doc.paths.paths.values() {
            operations += [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                .iter()
                .filter(|o| o.is_some())
                .count();
        }
        let api: Vec<_> = ROUTES
            .iter()
            .filter(|s| s.path.starts_with("/api/v1/"))
            .collect();
        assert_eq!(operations, api.len());
        for spec in api {
            let item = doc.paths.paths.get(spec.path);
            let op = item.and_then(|i| match spec.method {
                "GET" => i.get.as_ref(),
                "POST" => i.post.as_ref(),
                "PUT" => i.put.as_ref(),
                "PATCH" => i.patch.as_ref(),
                "DELETE" => i.delete.as_ref(),
                _ => None,
            });
            assert!(op.is_some(), "{} {} not documented", spec.method, spec.path);
        }
    }
}
