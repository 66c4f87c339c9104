//! TLS to PostgreSQL with rustls (ring): the `sslmode` and `sslrootcert` of a
//! `postgres://` URL, read here because the driver only knows disable, prefer and
//! require.
//!
//! | sslmode | encrypted | chain checked | host name checked |
//! | --- | --- | --- | --- |
//! | `disable` | no | – | – |
//! | `prefer` (default) | if the server accepts TLS, else plaintext | no | no |
//! | `require` | yes | no (yes with `sslrootcert=FILE`, as libpq) | no |
//! | `verify-ca` | yes | yes | no |
//! | `verify-full` | yes | yes | yes |
//!
//! Roots: `sslrootcert=FILE` (PEM), or the system's trusted roots for verify-ca and
//! verify-full without one. `sslrootcert=system` names the system's roots and, as in
//! libpq 16, needs verify-full (its default when no sslmode is given); a root file
//! without any sslmode also means verify-full. Client certificates and revocation
//! lists are refused with a clear error. Over a Unix socket TLS does not apply
//! (libpq ignores sslmode there too).

use crate::StoreError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How a connection uses TLS, named as in libpq.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    const NAMES: &'static str = "disable, prefer, require, verify-ca or verify-full";

    fn parse(value: &str) -> Result<SslMode, StoreError> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            "allow" => {
                return Err(bad(format!(
                    "sslmode=allow is not supported (it tries plaintext first); use {}",
                    Self::NAMES
                )));
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(bad(format!(
                    "sslmode={shown} is not a TLS mode (expected {})",
                    Self::NAMES
                )));
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the trusted roots come from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RootSource {
    File(PathBuf),
    System,
}

/// The TLS part of a PostgreSQL URL, before the roots are loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TlsParams {
    mode: SslMode,
    roots: Option<RootSource>,
}

/// A parsed PostgreSQL URL: the driver's configuration and the TLS connector it is
/// used with. Cheap to clone; every pooled connection uses the same connector.
#[derive(Clone)]
pub struct PgTarget {
    config: postgres::Config,
    tls: MakeRustlsConnect,
    mode: SslMode,
    roots: Option<RootSource>,
}

impl PgTarget {
    /// Reads a `postgres://` URL, its `sslmode` and `sslrootcert` included, and
    /// loads the roots it names. Errors are [`StoreError::BadUrl`] and never
    /// contain the URL's password.
    pub fn parse(url: &str) -> Result<PgTarget, StoreError> {
        let (rest, params) = split_tls_params(url)?;
        let mut config: postgres::Config = rest
            .parse()
            .map_err(|e| bad(format!("invalid PostgreSQL URL: {e}")))?;
        config.ssl_mode(match params.mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        let over_tcp = !config.get_hostaddrs().is_empty()
            || config
                .get_hosts()
                .iter()
                .any(|h| matches!(h, postgres::config::Host::Tcp(_)));
        if !over_tcp {
            // Unix sockets carry no TLS; the server would refuse it
            config.ssl_mode(postgres::config::SslMode::Disable);
        }
        if config.get_hosts().is_empty() {
            // only hostaddr given: the address is also the name the certificate is checked against
            for addr in config.get_hostaddrs().to_vec() {
                config.host(&addr.to_string());
            }
        }
        let store = match &params.roots {
            Some(source) => Some(Arc::new(load_roots(source)?)),
            None => None,
        };
        let verifier = Verifier {
            roots: store,
            check_name: params.mode == SslMode::VerifyFull,
            algorithms: provider().signature_verification_algorithms,
        };
        let mut client = rustls::ClientConfig::builder_with_provider(Arc::new(provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(format!("TLS set-up failed: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        // the protocol name PostgreSQL 17 expects; older servers ignore it
        client.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(PgTarget {
            config,
            tls: MakeRustlsConnect::new(client),
            mode: params.mode,
            roots: params.roots,
        })
    }

    /// Opens one connection.
    pub fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        self.config.connect(self.tls.clone())
    }

    pub fn config(&self) -> &postgres::Config {
        &self.config
    }

    /// The TLS mode in force after the libpq rules (for example `require` with a
    /// root file is `verify-ca`).
    pub fn ssl_mode(&self) -> SslMode {
        self.mode
    }

    /// A failed connection explained for the operator:
    /// `cannot connect to PostgreSQL: server certificate not trusted …`.
    pub fn describe(&self, e: &postgres::Error) -> String {
        format!("cannot connect to PostgreSQL: {}", self.explain(e))
    }

    fn explain(&self, e: &postgres::Error) -> String {
        let mode = self.mode;
        let roots = match &self.roots {
            Some(RootSource::File(p)) => format!("sslrootcert={}", p.display()),
            Some(RootSource::System) | None => "the system's trusted roots".to_string(),
        };
        match find_rustls_error(e) {
            Some(rustls::Error::InvalidCertificate(c)) => match c {
                CertificateError::UnknownIssuer => format!(
                    "server certificate not trusted: it is not signed by a certificate in {roots} (sslmode={mode}; its issuer is not among them)"
                ),
                CertificateError::BadSignature
                | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
                | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                    format!(
                        "server certificate not trusted: it is not signed by a certificate in {roots} (sslmode={mode}; a root bears its issuer's name, but its signature does not verify with that root's key)"
                    )
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => format!(
                    "server certificate does not match the host name (sslmode={mode}: {c}; sslmode=verify-ca checks the certificate without the name)"
                ),
                CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. } => {
                    format!(
                        "server certificate is outside its validity period (sslmode={mode}; {c})"
                    )
                }
                other => format!("server certificate rejected (sslmode={mode}; {other})"),
            },
            Some(other) => format!("TLS handshake failed (sslmode={mode}; {other})"),
            None => {
                let text = with_causes(e);
                if mode != SslMode::Disable
                    && mode != SslMode::Prefer
                    && text.contains("server does not support TLS")
                {
                    format!("the server does not accept TLS connections (sslmode={mode})")
                } else {
                    text
                }
            }
        }
    }
}

fn bad(msg: String) -> StoreError {
    StoreError::BadUrl(msg)
}

fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// Removes the TLS parameters from the URL's query, reads them, and returns the
/// rest of the URL (other parameters verbatim) for the driver.
fn split_tls_params(url: &str) -> Result<(String, TlsParams), StoreError> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut kept: Vec<&str> = Vec::new();
    let mut mode: Option<SslMode> = None;
    let mut roots: Option<RootSource> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k, "parameter name")?;
        match key.as_str() {
            "sslmode" => {
                if mode.is_some() {
                    return Err(bad("sslmode is given twice in the database URL".into()));
                }
                mode = Some(SslMode::parse(&decode(v, "sslmode")?)?);
            }
            "sslrootcert" => {
                if roots.is_some() {
                    return Err(bad("sslrootcert is given twice in the database URL".into()));
                }
                let value = decode(v, "sslrootcert")?;
                roots = Some(match value.as_str() {
                    "" => {
                        return Err(bad(
                            "sslrootcert is empty (expected a PEM file or `system`)".into(),
                        ));
                    }
                    "system" => RootSource::System,
                    path => RootSource::File(PathBuf::from(path)),
                });
            }
            "sslcert" | "sslkey" | "sslpassword" | "sslcertmode" => {
                return Err(bad(format!(
                    "{key}: client certificates are not supported; authenticate with a password over sslmode=verify-full"
                )));
            }
            "sslcrl" | "sslcrldir" => {
                return Err(bad(format!(
                    "{key}: certificate revocation lists are not supported"
                )));
            }
            k if k.starts_with("ssl") && k != "sslnegotiation" => {
                let shown: String = k.chars().take(40).collect();
                return Err(bad(format!(
                    "{shown} is not supported (TLS parameters: sslmode, sslrootcert, sslnegotiation)"
                )));
            }
            _ => kept.push(pair),
        }
    }
    let params = resolve(mode, roots)?;
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, params))
}

fn decode(s: &str, what: &str) -> Result<String, StoreError> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| bad(format!("the database URL's {what} is not valid UTF-8")))
}

/// The libpq rules that tie sslmode and sslrootcert together.
fn resolve(mode: Option<SslMode>, roots: Option<RootSource>) -> Result<TlsParams, StoreError> {
    let (mode, roots) = match (mode, roots) {
        (None, None) => (SslMode::Prefer, None),
        // trust material given: use it fully
        (None, Some(r)) => (SslMode::VerifyFull, Some(r)),
        (Some(m @ (SslMode::Disable | SslMode::Prefer)), Some(_)) => {
            return Err(bad(format!(
                "sslrootcert needs sslmode=verify-full, verify-ca or require (sslmode={m} does not check the server's certificate)"
            )));
        }
        (Some(m), Some(RootSource::System)) if m != SslMode::VerifyFull => {
            return Err(bad(format!(
                "sslmode={m} may not be used with sslrootcert=system (use verify-full)"
            )));
        }
        // libpq: require with a root file behaves like verify-ca
        (Some(SslMode::Require), Some(file)) => (SslMode::VerifyCa, Some(file)),
        (Some(m @ (SslMode::VerifyCa | SslMode::VerifyFull)), None) => {
            (m, Some(RootSource::System))
        }
        (Some(m), r) => (m, r),
    };
    Ok(TlsParams { mode, roots })
}

fn load_roots(source: &RootSource) -> Result<RootCertStore, StoreError> {
    let mut store = RootCertStore::empty();
    match source {
        RootSource::File(path) => {
            let shown = path.display();
            let pem = std::fs::read(path)
                .map_err(|e| bad(format!("sslrootcert={shown}: cannot read the file: {e}")))?;
            let certs = CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    bad(format!(
                        "sslrootcert={shown}: not a PEM certificate file: {e}"
                    ))
                })?;
            if certs.is_empty() {
                return Err(bad(format!(
                    "sslrootcert={shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                )));
            }
            for cert in certs {
                store.add(cert).map_err(|e| {
                    bad(format!(
                        "sslrootcert={shown}: a certificate cannot be used as a root: {e}"
                    ))
                })?;
            }
        }
        RootSource::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _ignored) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                let why = found
                    .errors
                    .first()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default();
                return Err(bad(format!(
                    "no trusted root certificates found on this system{why}; install ca-certificates or give sslrootcert=FILE"
                )));
            }
        }
    }
    Ok(store)
}

/// Checks the server's certificate as the mode asks. Without roots (prefer,
/// require) any certificate is accepted, but the handshake signature is still
/// checked against it.
#[derive(Debug)]
struct Verifier {
    roots: Option<Arc<RootCertStore>>,
    check_name: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let cert = ParsedCertificate::try_from(end_entity)?;
            verify_server_cert_signed_by_trust_anchor(
                &cert,
                roots,
                intermediates,
                now,
                self.algorithms.all,
            )?;
            if self.check_name {
                verify_server_name(&cert, server_name)?;
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The driver's message followed by its causes ("error connecting to server:
/// Connection refused"): the driver's own message names only the kind of error.
fn with_causes(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !more.is_empty() && !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// The rustls error under a driver error (tokio-rustls wraps it in an io::Error,
/// whose `source` skips the wrapped error itself).
fn find_rustls_error(e: &postgres::Error) -> Option<&rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = current {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if let Some(r) = inner.downcast_ref::<rustls::Error>() {
                return Some(r);
            }
            current = Some(inner);
            continue;
        }
        current = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(url: &str) -> Result<(String, TlsParams), String> {
        split_tls_params(url).map_err(|e| e.to_string())
    }

    #[test]
    fn prefer_is_the_default_and_other_parameters_pass_through() {
        let (rest, p) =
            params("postgres://u:pw@h:5432/db?application_name=x%20y&connect_timeout=5")
                .expect("ok");
        assert_eq!(
            rest,
            "postgres://u:pw@h:5432/db?application_name=x%20y&connect_timeout=5"
        );
        assert_eq!(
            p,
            TlsParams {
                mode: SslMode::Prefer,
                roots: None
            }
        );
        let (rest, _) = params("postgres://h/db").expect("ok");
        assert_eq!(rest, "postgres://h/db");
    }

    #[test]
    fn modes_and_roots_follow_the_libpq_rules() {
        let file = || Some(RootSource::File(PathBuf::from("/tmp/ca root.pem")));
        let cases = [
            ("sslmode=disable", SslMode::Disable, None),
            ("sslmode=require", SslMode::Require, None),
            (
                "sslmode=verify-ca",
                SslMode::VerifyCa,
                Some(RootSource::System),
            ),
            (
                "sslmode=verify-full",
                SslMode::VerifyFull,
                Some(RootSource::System),
            ),
            (
                "sslmode=require&sslrootcert=/tmp/ca%20root.pem",
                SslMode::VerifyCa,
                file(),
            ),
            (
                "sslrootcert=/tmp/ca%20root.pem",
                SslMode::VerifyFull,
                file(),
            ),
            (
                "sslmode=verify-ca&sslrootcert=/tmp/ca%20root.pem",
                SslMode::VerifyCa,
                file(),
            ),
            (
                "sslrootcert=system",
                SslMode::VerifyFull,
                Some(RootSource::System),
            ),
            (
                "sslrootcert=system&sslmode=verify-full",
                SslMode::VerifyFull,
                Some(RootSource::System),
            ),
        ];
        for (q, mode, roots) in cases {
            let (rest, p) = params(&format!("postgres://h/db?{q}&sslnegotiation=postgres"))
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(rest, "postgres://h/db?sslnegotiation=postgres", "{q}");
            assert_eq!(p, TlsParams { mode, roots }, "{q}");
        }
    }

    #[test]
    fn unusable_tls_parameters_are_clear_errors() {
        let cases = [
            (
                "sslmode=verify_full",
                "sslmode=verify_full is not a TLS mode (expected disable, prefer, require, verify-ca or verify-full)",
            ),
            ("sslmode=allow", "sslmode=allow is not supported"),
            ("sslmode=", "sslmode= is not a TLS mode"),
            ("sslmode=require&sslmode=disable", "sslmode is given twice"),
            ("sslrootcert=", "sslrootcert is empty"),
            (
                "sslmode=prefer&sslrootcert=/x.pem",
                "sslrootcert needs sslmode=verify-full",
            ),
            (
                "sslmode=disable&sslrootcert=/x.pem",
                "sslrootcert needs sslmode=verify-full",
            ),
            (
                "sslmode=verify-ca&sslrootcert=system",
                "sslmode=verify-ca may not be used with sslrootcert=system",
            ),
            (
                "sslmode=require&sslrootcert=system",
                "sslmode=require may not be used with sslrootcert=system",
            ),
            (
                "sslcert=/c.pem",
                "sslcert: client certificates are not supported",
            ),
            (
                "sslkey=/k.pem",
                "sslkey: client certificates are not supported",
            ),
            (
                "sslcrl=/r.pem",
                "sslcrl: certificate revocation lists are not supported",
            ),
            ("sslsni=0", "sslsni is not supported"),
            ("sslmode=%FF", "sslmode is not valid UTF-8"),
        ];
        for (q, want) in cases {
            let e = params(&format!("postgres://u:secret@h/db?{q}")).expect_err(q);
            assert!(e.contains(want), "{q}: {e}");
            assert!(!e.contains("secret"), "{q}: {e}");
        }
    }

    #[test]
    fn root_files_are_checked_when_the_url_is_read() {
        let dir = std::env::temp_dir().join(format!("debrief-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let missing = dir.join("missing.pem");
        let err = |p: &std::path::Path| {
            PgTarget::parse(&format!(
                "postgres://h/db?sslmode=verify-ca&sslrootcert={}",
                p.display()
            ))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
        };
        assert!(
            err(&empty).contains("holds no PEM certificate"),
            "{}",
            err(&empty)
        );
        assert!(
            err(&missing).contains("cannot read the file"),
            "{}",
            err(&missing)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unix_sockets_connect_without_tls() {
        let t =
            PgTarget::parse("postgres://%2Fvar%2Frun%2Fpostgresql/db?sslmode=require").expect("ok");
        assert_eq!(
            t.config().get_ssl_mode(),
            postgres::config::SslMode::Disable
        );
        let t = PgTarget::parse("postgres://127.0.0.1/db?sslmode=require").expect("ok");
        assert_eq!(
            t.config().get_ssl_mode(),
            postgres::config::SslMode::Require
        );
        assert_eq!(t.ssl_mode(), SslMode::Require);
    }
}
