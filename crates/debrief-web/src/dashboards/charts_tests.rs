use super::*;
use debrief_core::metrics::durations::{Measure, Point};

/// The value of `attr="…"` in each element of the SVG that carries `marker`.
fn attrs(svg: &str, marker: &str, attr: &str) -> Vec<String> {
    svg.split('<')
        .filter(|el| el.contains(marker))
        .filter_map(|el| {
            let key = format!(" {attr}=\"");
            let start = el.find(&key)? + key.len();
            let end = el[start..].find('"')? + start;
            Some(el[start..end].to_string())
        })
        .collect()
}

fn nums(v: Vec<String>) -> Vec<f64> {
    v.iter().map(|s| s.parse().unwrap()).collect()
}

fn summary(points: &[(i64, bool)]) -> Summary {
    let points: Vec<Point> = points
        .iter()
        .enumerate()
        .map(|(i, &(ms, open))| Point {
            case_id: i as i64 + 1,
            ms,
            open,
        })
        .collect();
    Summary {
        measure: Measure::Mttr,
        count: points.iter().filter(|p| !p.open).count(),
        open: points.iter().filter(|p| p.open).count(),
        missing: 2,
        inconsistent: 0,
        median_ms: None,
        p90_ms: None,
        points,
    }
}

/// Every chart names itself to assistive technology.
fn assert_accessible(svg: &str, id: &str) {
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(&format!(
        "aria-labelledby=\"chart-{id}-title chart-{id}-desc\""
    )));
    assert!(svg.contains(&format!("<title id=\"chart-{id}-title\">")));
    assert!(svg.contains(&format!("<desc id=\"chart-{id}-desc\">")));
}

#[test]
fn log_ticks_are_minutes_hours_and_days_evenly_spaced_by_ratio() {
    let axis = LogAxis::around(5 * MIN, 3 * DAY);
    assert_eq!(
        axis,
        LogAxis {
            lo: MIN,
            hi: 7 * DAY
        }
    );
    let ticks: Vec<&str> = axis.ticks().map(|t| t.1).collect();
    assert_eq!(ticks, ["1 min", "10 min", "1 h", "6 h", "1 day", "1 week"]);
    // the ends of the axis are the ends of the plot
    assert!((axis.x(MIN) - LEFT).abs() < 1e-9);
    assert!((axis.x(7 * DAY) - (W - RIGHT)).abs() < 1e-9);
    // equal ratios are equal distances: 1 min → 10 min is 10×, as 6 min → 1 h
    let d1 = axis.x(10 * MIN) - axis.x(MIN);
    let d2 = axis.x(HOUR) - axis.x(6 * MIN);
    assert!((d1 - d2).abs() < 1e-9);
    // a day is placed where ln says: (ln 1440 − ln 1) / (ln 10080 − ln 1)
    let want = LEFT + (1440f64.ln() / 10080f64.ln()) * PLOT_W;
    assert!((axis.x(DAY) - want).abs() < 1e-9);
    // durations below a minute sit at the left end
    let axis = LogAxis::around(0, 30 * MIN);
    assert_eq!(
        axis,
        LogAxis {
            lo: FLOOR_MS,
            hi: HOUR
        }
    );
    assert!((axis.x(0) - LEFT).abs() < 1e-9);
    // a single value still gets a span
    let axis = LogAxis::around(HOUR, HOUR);
    assert_eq!(
        axis,
        LogAxis {
            lo: HOUR,
            hi: 6 * HOUR
        }
    );
    // beyond a year, the axis reaches the longest duration
    let axis = LogAxis::around(DAY, 800 * DAY);
    assert_eq!(axis.hi, 800 * DAY);
}

#[test]
fn strip_points_are_placed_where_their_durations_say() {
    let s = summary(&[(MIN, false), (HOUR, false), (DAY, true)]);
    let c = strip("mttr", &s);
    assert_accessible(&c.svg, "mttr");
    // the axis runs 1 min → 1 day; each point sits on its tick
    let tick_x: Vec<(String, f64)> = attrs(&c.svg, "class=\"tick\"", "data-ms")
        .into_iter()
        .zip(nums(attrs(&c.svg, "class=\"tick\"", "x")))
        .collect();
    let ended_ms = attrs(&c.svg, "class=\"mark ended\"", "data-ms");
    let ended_x = nums(attrs(&c.svg, "class=\"mark ended\"", "cx"));
    assert_eq!(ended_ms, [MIN.to_string(), HOUR.to_string()]);
    for (ms, x) in ended_ms.iter().zip(&ended_x) {
        let tick = tick_x.iter().find(|t| &t.0 == ms).unwrap().1;
        assert!((tick - x).abs() < 0.06, "{ms}: {tick} vs {x}");
    }
    assert!((ended_x[0] - LEFT).abs() < 0.06);
    // the open case is drawn apart (hollow with an arrow), at the right end
    assert_eq!(
        attrs(&c.svg, "class=\"mark open\"", "data-ms"),
        [DAY.to_string()]
    );
    let open_x = nums(attrs(&c.svg, "stroke=\"#b45309\" stroke-width=\"2\"", "cx"));
    assert!((open_x[0] - (W - RIGHT)).abs() < 0.06, "{open_x:?}");
    // a strip plot draws no median, and says so
    assert!(!c.svg.contains("class=\"median"));
    assert!(c.svg.contains("each is shown and no median is drawn"));
    assert_eq!(c.svg.matches("class=\"mark ").count(), 3);
    // the table has the same numbers
    assert_eq!(c.table.columns, ["Case", "Duration", "Seconds", "State"]);
    assert_eq!(
        c.table.rows,
        [
            ["Case 1", "1 min", "60", "ended"],
            ["Case 2", "1 h", "3600", "ended"],
            ["Case 3", "at least 1 d", "86400", "still open"],
        ]
    );
    assert!(
        c.svg
            .contains("from 2 of 5 cases; 1 still open; 2 without the needed times")
    );
}

#[test]
fn close_points_are_stacked_not_hidden() {
    let s = summary(&[(HOUR, false), (HOUR, false), (HOUR + 1000, false)]);
    let c = strip("x", &s);
    let cy = nums(attrs(&c.svg, "class=\"mark ended\"", "cy"));
    assert_eq!(cy.len(), 3);
    assert!(cy[0] > cy[1] && cy[1] > cy[2], "{cy:?}");
}

#[test]
fn durations_switch_to_a_histogram_at_small_n() {
    let few: Vec<(i64, bool)> = (0..SMALL_N as i64 - 1).map(|i| (HOUR + i, false)).collect();
    assert!(
        durations("d", &summary(&few))
            .svg
            .contains("class=\"mark ended\"")
    );
    let many: Vec<(i64, bool)> = (0..SMALL_N as i64).map(|i| (HOUR + i, false)).collect();
    let c = durations("d", &summary(&many));
    assert!(!c.svg.contains("class=\"mark"));
    assert!(c.svg.contains("class=\"bar ended\""));
}

#[test]
fn histogram_bars_span_their_bins_and_count_open_cases_apart() {
    let mut pts: Vec<(i64, bool)> = Vec::new();
    pts.extend((0..12).map(|i| (2 * HOUR + i * MIN, false))); // 1 h to 6 h
    pts.extend((0..6).map(|i| (2 * DAY + i * HOUR, false))); // 1 day to 1 week
    pts.extend((0..3).map(|i| (3 * DAY + i, true))); // open, 1 day to 1 week
    pts.push((20 * MIN, false)); // 10 min to 1 h
    let c = histogram("mttr", &summary(&pts));
    assert_accessible(&c.svg, "mttr");
    let bins = attrs(&c.svg, "class=\"bar ended\"", "data-bin");
    let counts = attrs(&c.svg, "class=\"bar ended\"", "data-count");
    assert_eq!(bins, ["10 min to 1 h", "1 h to 6 h", "1 day to 1 week"]);
    assert_eq!(counts, ["1", "12", "6"]);
    assert_eq!(attrs(&c.svg, "class=\"bar open\"", "data-count"), ["3"]);
    // the axis runs from 10 min to 1 week; the 1 h to 6 h bar starts at the 1 h tick
    let ticks: Vec<String> = attrs(&c.svg, "class=\"tick\" data-ms", "data-ms");
    assert_eq!(ticks.first(), Some(&(10 * MIN).to_string()));
    assert_eq!(ticks.last(), Some(&(7 * DAY).to_string()));
    let tick_x = nums(attrs(&c.svg, "class=\"tick\" data-ms", "x"));
    let bar_x = nums(attrs(&c.svg, "class=\"bar ended\"", "x"));
    assert!(
        (bar_x[1] - (tick_x[1] + 1.0)).abs() < 0.06,
        "{bar_x:?} {tick_x:?}"
    );
    // taller bars for more cases: 12 reaches the top of a 0–20 scale at 60%
    let h = nums(attrs(&c.svg, "class=\"bar ended\"", "height"));
    assert!((h[1] / h[2] - 2.0).abs() < 1e-6, "{h:?}");
    // the table lists every range with the same numbers
    let row = |name: &str| c.table.rows.iter().find(|r| r[0] == name).cloned().unwrap();
    assert_eq!(row("1 h to 6 h"), ["1 h to 6 h", "12", "0"]);
    assert_eq!(row("1 day to 1 week"), ["1 day to 1 week", "6", "3"]);
    assert_eq!(row("under 1 min"), ["under 1 min", "0", "0"]);
    assert_eq!(c.table.rows.len(), 9);
    assert!(c.svg.contains("Most cases: 1 h to 6 h."));
}

#[test]
fn no_data_is_an_honest_n_of_zero() {
    let empty = summary(&[]);
    for c in [
        strip("e", &empty),
        histogram("e", &empty),
        durations("e", &empty),
        trend("e", "Reports", Unit::Count, &[]),
        trend(
            "e",
            "Completion",
            Unit::Share,
            &[TrendPoint {
                label: "2026 Q1".into(),
                value: None,
                interval: None,
            }],
        ),
    ] {
        assert_accessible(&c.svg, "e");
        assert!(
            c.svg.contains("No data for this period (n = 0)"),
            "{}",
            c.svg
        );
        assert!(!c.svg.contains("class=\"mark"));
        assert!(!c.svg.contains("class=\"bar"));
        assert!(!c.svg.contains("0 min"));
        assert!(!c.svg.contains("NaN"));
    }
}

#[test]
fn trend_values_and_whiskers_sit_on_a_scale_from_zero() {
    let pts = vec![
        TrendPoint {
            label: "2026 Q1".into(),
            value: Some(9.0),
            interval: Some((4.1, 17.1)),
        },
        TrendPoint {
            label: "2026 Q2".into(),
            value: Some(17.0),
            interval: Some((9.9, 27.2)),
        },
        TrendPoint {
            label: "2026 Q3".into(),
            value: Some(0.0),
            interval: Some((0.0, 3.7)),
        },
    ];
    let c = trend("near_miss", "Near-miss reports", Unit::Count, &pts);
    assert_accessible(&c.svg, "near_miss");
    // the scale runs 0 → 50 (the nice number above 27.2): the plot is TOP to base
    let base = TREND_H - TREND_BOTTOM;
    let cy = nums(attrs(&c.svg, "class=\"mark series\"", "cy"));
    let want = |v: f64| base - v / 50.0 * (base - TOP);
    for (got, v) in cy.iter().zip([9.0, 17.0, 0.0]) {
        assert!((got - want(v)).abs() < 0.06, "{got} vs {v}");
    }
    assert_eq!(
        attrs(&c.svg, "class=\"mark series\"", "data-value"),
        ["9", "17", "0"]
    );
    // quarters evenly spaced
    let cx = nums(attrs(&c.svg, "class=\"mark series\"", "cx"));
    assert!(((cx[1] - cx[0]) - (cx[2] - cx[1])).abs() < 0.11);
    assert_eq!(c.svg.matches("<g class=\"interval\"").count(), 3);
    assert!(c.svg.contains("2026 Q2: 17 (95% interval 9.9 to 27.2)"));
    assert_eq!(
        c.table.rows[1],
        ["2026 Q2", "17", "9.9 to 27.2"].map(String::from)
    );
    // shares read as percentages on a 0–100% scale
    let c = trend(
        "done",
        "Completion",
        Unit::Share,
        &[TrendPoint {
            label: "2026 Q1".into(),
            value: Some(0.5),
            interval: Some((0.25, 0.75)),
        }],
    );
    assert_eq!(
        c.table.rows[0],
        ["2026 Q1", "50%", "25% to 75%"].map(String::from)
    );
    let cy = nums(attrs(&c.svg, "class=\"mark series\"", "cy"));
    assert!((cy[0] - (base - 0.5 * (base - TOP))).abs() < 0.06);
}

#[test]
fn a_quarter_without_a_value_breaks_the_line() {
    let p = |v: Option<f64>| TrendPoint {
        label: "q".into(),
        value: v,
        interval: None,
    };
    let c = trend(
        "t",
        "Share",
        Unit::Share,
        &[
            p(Some(0.1)),
            p(Some(0.2)),
            p(None),
            p(Some(0.3)),
            p(Some(0.4)),
        ],
    );
    assert_eq!(c.svg.matches("<polyline").count(), 2);
    assert_eq!(c.table.rows[2][1], "no data");
}

#[test]
fn every_text_is_escaped() {
    let c = trend(
        "t",
        "<script>alert(\"x\")</script> & co",
        Unit::Count,
        &[TrendPoint {
            label: "<b>Q1</b>".into(),
            value: Some(1.0),
            interval: None,
        }],
    );
    assert!(!c.svg.contains("<script"));
    assert!(!c.svg.contains("<b>"));
    assert!(
        c.svg
            .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co")
    );
    assert!(c.svg.contains("&lt;b&gt;Q1&lt;/b&gt;"));
    assert_eq!(esc("'"), "&#39;");
}

#[test]
fn nice_numbers_and_ticks() {
    assert_eq!(nice_ceil(0.0), 1.0);
    assert_eq!(nice_ceil(3.0), 5.0);
    assert_eq!(nice_ceil(27.2), 50.0);
    assert_eq!(nice_ceil(100.0), 100.0);
    assert_eq!(count_ticks(20.0), [0.0, 5.0, 10.0, 15.0, 20.0]);
    assert_eq!(count_ticks(1.0), [0.0, 1.0]);
    assert_eq!(words(59_999), "under 1 min");
    assert_eq!(words(2 * HOUR + 14 * MIN), "2 h 14 min");
}
