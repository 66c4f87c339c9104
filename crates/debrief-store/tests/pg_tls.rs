//! TLS to PostgreSQL, against the real server `DEBRIEF_TEST_PG_URL` names (a test
//! that cannot reach it fails). The server must serve TLS, as Debian's PostgreSQL
//! does out of the box with the ssl-cert package's self-signed "snakeoil"
//! certificate; the tests read that certificate (`SHOW ssl_cert_file`) to use it
//! as a root.

use debrief_store::StoreError;
use debrief_store::db::Db;
use debrief_store::testkit::pg_admin_url;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::net::{IpAddr, ToSocketAddrs};
use std::path::PathBuf;
use x509_cert::der::Decode;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

/// A certificate with the subject of Debian's snakeoil (CN=localhost) and a key of
/// its own: trusting it must not make the server's certificate trusted.
const IMPOSTOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/impostor-localhost.pem"
);
/// An unrelated CA.
const OTHER_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/other-ca.pem");

/// The admin URL with another host and extra query parameters.
fn url(host: Option<&str>, params: &[(&str, &str)]) -> String {
    let mut u = url::Url::parse(&pg_admin_url()).expect("DEBRIEF_TEST_PG_URL is a URL");
    if let Some(h) = host {
        u.set_host(Some(h)).expect("host");
    }
    let mut s = u.to_string();
    for (i, (k, v)) in params.iter().enumerate() {
        let sep = if i == 0 && u.query().is_none() {
            '?'
        } else {
            '&'
        };
        s.push_str(&format!(
            "{sep}{k}={}",
            utf8_percent_encode(v, NON_ALPHANUMERIC)
        ));
    }
    s
}

fn connect(url: &str) -> Result<Db, StoreError> {
    Db::connect(url)
}

fn text(db: &Db, sql: &'static str) -> String {
    db.read_blocking(|c| c.query_one(sql, &[])?.text(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Whether this (pooled) session is encrypted, and its TLS version.
fn session_tls(db: &Db) -> (bool, String) {
    db.read_blocking(|c| {
        let r = c.query_one(
            "SELECT CASE WHEN ssl THEN 1 ELSE 0 END, COALESCE(version, '') FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )?;
        Ok((r.i64(0)? == 1, r.text(1)?))
    })
    .expect("pg_stat_ssl")
}

/// The server's certificate file, checked to be there: the tests fail (never
/// skip) when the server does not serve TLS or its certificate cannot be read.
fn server_cert() -> PathBuf {
    let db = connect(&url(None, &[("sslmode", "disable")]))
        .unwrap_or_else(|e| panic!("PostgreSQL tests need a server at DEBRIEF_TEST_PG_URL: {e}"));
    assert_eq!(
        text(&db, "SHOW ssl"),
        "on",
        "the test PostgreSQL does not serve TLS (SHOW ssl is off): set ssl = on with a certificate; \
         Debian's postgresql package does so by default with ssl-cert's snakeoil certificate"
    );
    let path = PathBuf::from(text(&db, "SHOW ssl_cert_file"));
    assert!(
        path.is_absolute(),
        "ssl_cert_file {} is relative to the server's data directory: the TLS tests need its absolute path",
        path.display()
    );
    if let Err(e) = std::fs::read(&path) {
        panic!(
            "the test PostgreSQL's certificate {} cannot be read ({e}): the TLS tests use it as a trusted root",
            path.display()
        );
    }
    path
}

/// The DNS names the server's certificate is valid for.
fn cert_dns_names(path: &PathBuf) -> Vec<String> {
    let pem = std::fs::read(path).expect("server certificate");
    let der = CertificateDer::from_pem_slice(&pem).expect("PEM certificate");
    let cert = x509_cert::Certificate::from_der(&der).expect("X.509 certificate");
    let san: Option<(bool, SubjectAltName)> = cert.tbs_certificate.get().expect("extensions");
    san.map(|(_, names)| {
        names
            .0
            .into_iter()
            .filter_map(|n| match n {
                GeneralName::DnsName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The address of the test server, for `hostaddr`.
fn server_addr() -> IpAddr {
    let u = url::Url::parse(&pg_admin_url()).expect("URL");
    let host = u.host_str().expect("the test server's URL names a host");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.parse().unwrap_or_else(|_| {
        (host, 5432)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .map(|a| a.ip())
            .unwrap_or_else(|| panic!("cannot resolve the test server's host {host}"))
    })
}

fn connect_error(url: &str) -> String {
    match connect(url) {
        Ok(_) => panic!("connected, but should not have: {url}"),
        Err(StoreError::Unavailable(m)) => m,
        Err(other) => panic!("expected a connection failure, got {other:?}"),
    }
}

#[test]
fn disable_connects_in_plaintext() {
    server_cert();
    let db = connect(&url(None, &[("sslmode", "disable")])).expect("connect");
    assert_eq!(session_tls(&db), (false, String::new()));
}

#[test]
fn prefer_is_the_default_and_encrypts() {
    server_cert();
    for params in [&[][..], &[("sslmode", "prefer")][..]] {
        let db = connect(&url(None, params)).expect("connect");
        let (ssl, version) = session_tls(&db);
        assert!(ssl, "{params:?}: the session is not encrypted");
        assert!(version.starts_with("TLSv1."), "{params:?}: {version}");
    }
}

#[test]
fn require_encrypts_without_checking_the_certificate() {
    server_cert();
    // a self-signed certificate, reached by an address it does not name
    let db = connect(&url(Some("127.0.0.1"), &[("sslmode", "require")])).expect("connect");
    assert!(session_tls(&db).0);
}

#[test]
fn verify_ca_checks_the_chain_but_not_the_name() {
    let cert = server_cert();
    let root = cert.to_string_lossy().into_owned();
    // 127.0.0.1 is not a name in the certificate: verify-ca does not mind
    for params in [
        &[("sslmode", "verify-ca"), ("sslrootcert", root.as_str())][..],
        // libpq's rule: require with a root file checks the chain as verify-ca does
        &[("sslmode", "require"), ("sslrootcert", root.as_str())][..],
    ] {
        let db =
            connect(&url(Some("127.0.0.1"), params)).unwrap_or_else(|e| panic!("{params:?}: {e}"));
        assert!(session_tls(&db).0, "{params:?}");
    }
}

#[test]
fn verify_full_checks_the_host_name() {
    let cert = server_cert();
    let root = cert.to_string_lossy().into_owned();
    let names = cert_dns_names(&cert);
    assert!(
        !names.is_empty(),
        "the server's certificate {} names no DNS host (subjectAltName)",
        cert.display()
    );
    let full = [("sslmode", "verify-full"), ("sslrootcert", root.as_str())];

    let e = connect_error(&url(Some("127.0.0.1"), &full));
    assert!(
        e.starts_with(
            "cannot connect to PostgreSQL: server certificate does not match the host name"
        ),
        "{e}"
    );
    assert!(e.contains("127.0.0.1") && e.contains(&names[0]), "{e}");
    // a root file without sslmode means verify-full
    let e = connect_error(&url(Some("127.0.0.1"), &[("sslrootcert", root.as_str())]));
    assert!(e.contains("does not match the host name"), "{e}");

    // the certificate's own name, reached at the server's address (libpq's hostaddr)
    let addr = server_addr().to_string();
    let with_addr = [full[0], full[1], ("hostaddr", addr.as_str())];
    let db = connect(&url(Some(&names[0]), &with_addr))
        .expect("verify-full with the certificate's name");
    assert!(session_tls(&db).0);

    // and by that name alone when it resolves here (Debian's snakeoil names the host)
    if (names[0].as_str(), 5432).to_socket_addrs().is_ok() {
        let db = connect(&url(Some(&names[0]), &full)).expect("verify-full by name");
        assert!(session_tls(&db).0);
    } else {
        eprintln!(
            "note: {} does not resolve here; checked through hostaddr only",
            names[0]
        );
    }
}

#[test]
fn a_certificate_not_signed_by_the_roots_is_not_trusted() {
    server_cert();
    for (root, file, why) in [
        (
            IMPOSTOR,
            "impostor-localhost.pem",
            "signature does not verify",
        ),
        (OTHER_CA, "other-ca.pem", "its issuer is not among them"),
    ] {
        for mode in ["verify-ca", "verify-full", "require"] {
            let e = connect_error(&url(
                Some("localhost"),
                &[("sslmode", mode), ("sslrootcert", root)],
            ));
            assert!(
                e.starts_with("cannot connect to PostgreSQL: server certificate not trusted: it is not signed by a certificate in sslrootcert="),
                "{mode}: {e}"
            );
            assert!(e.contains(file) && e.contains(why), "{mode}: {e}");
            // require with a root file is verify-ca (libpq)
            let shown = if mode == "require" { "verify-ca" } else { mode };
            assert!(e.contains(&format!("(sslmode={shown};")), "{mode}: {e}");
        }
    }
}

#[test]
fn unusable_roots_and_modes_are_bad_urls() {
    let dir = std::env::temp_dir().join(format!("debrief-pg-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let empty = dir.join("no-certificates.pem");
    std::fs::write(&empty, "").expect("write");
    let empty = empty.to_string_lossy().into_owned();
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("sslmode", "verify-ca"), ("sslrootcert", &empty)],
            "holds no PEM certificate",
        ),
        (
            &[
                ("sslmode", "verify-ca"),
                ("sslrootcert", "/nonexistent/root.pem"),
            ],
            "cannot read the file",
        ),
        (
            &[("sslmode", "verify_full")],
            "sslmode=verify_full is not a TLS mode (expected disable, prefer, require, verify-ca or verify-full)",
        ),
        (
            &[
                ("sslmode", "require"),
                ("sslcert", "/c.pem"),
                ("sslkey", "/k.pem"),
            ],
            "client certificates are not supported",
        ),
        (
            &[("sslcrl", "/crl.pem")],
            "revocation lists are not supported",
        ),
    ];
    for (params, want) in cases {
        let mut u = url::Url::parse(&url(None, params)).expect("URL");
        u.set_password(Some("s3cret-pw")).expect("password");
        match connect(u.as_str()) {
            Err(StoreError::BadUrl(m)) => {
                assert!(m.contains(want), "{params:?}: {m}");
                assert!(
                    !m.contains("s3cret-pw"),
                    "{params:?}: the password is shown: {m}"
                );
            }
            Err(other) => panic!("{params:?}: expected BadUrl, got {other:?}"),
            Ok(_) => panic!("{params:?}: connected"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server that answers the TLS request with "N" (no TLS), then reports the first
/// 8 bytes the client sends next (nothing if it hangs up) and closes.
fn server_without_tls() -> (u16, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut request = [0u8; 8];
        s.read_exact(&mut request).expect("SSLRequest");
        // length 8, code 80877103: the client asks for TLS first
        assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47], "not an SSLRequest");
        s.write_all(b"N").expect("answer");
        let mut next = Vec::new();
        let _ = s.take(8).read_to_end(&mut next);
        let _ = tx.send(next);
    });
    (port, rx)
}

#[test]
fn a_server_without_tls_is_refused_by_require_and_used_by_prefer() {
    let (port, rx) = server_without_tls();
    let e = connect_error(&format!(
        "postgres://debrief@127.0.0.1:{port}/db?sslmode=require"
    ));
    assert_eq!(
        e,
        "cannot connect to PostgreSQL: the server does not accept TLS connections (sslmode=require)"
    );
    assert_eq!(
        rx.recv().expect("server"),
        Vec::<u8>::new(),
        "require went on in plaintext"
    );

    let (port, rx) = server_without_tls();
    // prefer goes on in plaintext: the next message is the startup packet (protocol 3.0)
    let _ = connect_error(&format!("postgres://debrief@127.0.0.1:{port}/db"));
    let next = rx.recv().expect("server");
    assert_eq!(next.len(), 8, "{next:?}");
    assert_eq!(next[4..], [0, 3, 0, 0], "not a startup message: {next:?}");
}

#[test]
fn a_refused_connection_says_why() {
    // a port nobody listens on (bound, then released)
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let e = connect_error(&format!("postgres://debrief:s3cret-pw@127.0.0.1:{port}/db"));
    assert!(
        e.starts_with("cannot connect to PostgreSQL: error connecting to server: "),
        "{e}"
    );
    assert!(e.to_lowercase().contains("refused"), "{e}");
    assert!(!e.contains("s3cret-pw"), "{e}");
}
