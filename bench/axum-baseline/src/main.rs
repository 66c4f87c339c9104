//! `axum-baseline ADDR`: serves GET /healthz -> "ok" and nothing else.
//! The reference point for Debrief's /healthz in `bench/run`.

use axum::{Router, routing::get};

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
    let app = Router::new().route("/healthz", get(|| async { "ok" }));
    println!("axum-baseline listening on http://{addr}");
    axum::serve(listener, app).await.expect("server error");
}
