//! How fast the explorer answers a click: one `POST /api/replay` of the whole run so far
//! (the page sends all of it every time), through the explorer's router without a
//! socket, for the system with 8 remote views; the bare replay of the same trace
//! (`ucma_ha::replay::replay`, what `ucma-ha replay` does) is the baseline in the same run.
//!
//! `cargo bench -p ucma-ha-bench --bench serve` (the figures are in docs/PERFORMANCE.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use tower::ServiceExt;
use ucma_ha::report::Options;
use ucma_ha::serve::router;
use ucma_ha::trace::{Step, Trace};

/// A run of `steps` clicks at 8 views: establish, subscribe everything, then outages and
/// recoveries, connection drops and timers, round and round.
fn run(steps: usize) -> Trace {
    const OPENING: &[&str] = &[
        "BeginEstablish",
        "SubscribePresence",
        "SubscribeContactGroups",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
        "SubscribeRemotePresence",
    ];
    const CYCLE: &[&str] = &[
        "PoolFails",
        "PublishPresence",
        "SubscriptionRefreshDue",
        "RetryTimerFires",
        "PoolRecovers",
        "RegistrationRefreshDue",
        "PublishPresence",
        "AddContact",
        "ConnectionDrops",
        "ConnectionRestores",
        "BeginEstablish",
        "SubscribePresence",
    ];
    let steps = OPENING
        .iter()
        .chain(CYCLE.iter().cycle())
        .take(steps)
        .map(|on| Step {
            on: (*on).to_owned(),
            expect: None,
        })
        .collect();
    Trace {
        machine: "system".into(),
        config: serde_json::json!({"remote_views": 8}),
        steps,
    }
}

fn request(body: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post("/api/replay?next=true")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap_or_default()
}

fn clicks(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let app = router();
    let mut group = c.benchmark_group("serve-8-views");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for steps in [20, 100, 200, 400] {
        let trace = run(steps);
        let body = serde_json::to_string(&trace).expect("serialises");
        group.bench_with_input(BenchmarkId::new("api", steps), &body, |b, body| {
            b.iter(|| {
                let response = runtime
                    .block_on(app.clone().oneshot(request(body)))
                    .expect("answers");
                let bytes = runtime
                    .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
                    .expect("a body");
                black_box(bytes.len())
            });
        });
        group.bench_with_input(BenchmarkId::new("parse", steps), &body, |b, body| {
            b.iter(|| black_box(ucma_ha::trace::parse(None, body.as_bytes()).is_ok()));
        });
        group.bench_with_input(BenchmarkId::new("report", steps), &trace, |b, trace| {
            b.iter(|| {
                black_box(
                    ucma_ha::report::replay_report(None, trace, Options { next: true })
                        .steps
                        .len(),
                )
            });
        });
        group.bench_with_input(
            BenchmarkId::new("bare-replay", steps),
            &trace,
            |b, trace| {
                b.iter(|| black_box(ucma_ha::replay::replay(trace).map(|r| r.steps).ok()));
            },
        );
    }
    group.bench_function("build-system", |b| {
        b.iter(|| {
            black_box(ucma_ha::system::System::new(
                ucma_ha::system::SystemConfig {
                    remote_views: 8,
                    ..Default::default()
                },
            ))
            .is_ok()
        });
    });
    group.finish();
}

criterion_group!(benches, clicks);
criterion_main!(benches);
