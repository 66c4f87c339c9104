//! Times the exports of a large review: 300 timeline entries, 50 action
//! items, long narratives. Prints the median and the 99th percentile of N
//! renders for each document and format.
//!
//!     cargo run --release -p debrief-export --example export_bench [-- N]

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::time::{Duration, Instant};

use debrief_export::{Format, Kind, render};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200);
    let doc = fixtures::huge();
    println!(
        "review: {} timeline entries, {} action items; {n} renders each",
        doc.timeline.len(),
        doc.action_items.len()
    );
    println!(
        "{:<8} {:<9} {:>10} {:>10} {:>10} {:>10}",
        "kind", "format", "median ms", "p99 ms", "max ms", "bytes"
    );
    for kind in [Kind::Summary, Kind::Review] {
        for format in [Format::Markdown, Format::Html, Format::Pdf] {
            // warm up: font tables, allocator
            let size = render(&doc, kind, format)?.len();
            let mut times = Vec::with_capacity(n);
            for _ in 0..n {
                let start = Instant::now();
                let out = render(&doc, kind, format)?;
                times.push(start.elapsed());
                std::hint::black_box(out);
            }
            times.sort();
            println!(
                "{:<8} {:<9} {:>10.2} {:>10.2} {:>10.2} {:>10}",
                kind.to_string(),
                format.to_string(),
                ms(percentile(&times, 50.0)),
                ms(percentile(&times, 99.0)),
                ms(times[times.len() - 1]),
                size
            );
        }
    }
    Ok(())
}
