//! `ucma-ha serve`: the explorer, a page to click through the composed system (or any
//! machine) and a stateless JSON API behind it (docs/CONTRACT.md section 8).
//!
//! The page, its script and style, and the machines' diagrams (the graphviz SVGs that
//! `ucma-ha docs` writes to `docs/`) are compiled into the binary: nothing is fetched
//! from any other place at run time. The server keeps no state: the page holds the trace
//! of the run so far and sends all of it with every click.
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | the explorer page |
//! | `GET /app.js`, `GET /style.css` | its script and style |
//! | `GET /diagrams/{machine}` | a machine's diagram (SVG; node and edge `<title>`s are the table's state names and `FROM->TO`) |
//! | `POST /api/replay` | the body is a trace document; the answer is its [`ReplayReport`] (one entry). `?next=true` adds, for the state after the last step, what every stimulus would do ([`crate::report::NextReport`]). |
//!
//! `POST /api/replay` answers 200 for a trace that replays or diverges (see `result`),
//! 400 with the report's `error` (the command line's positioned message) for a trace that
//! cannot be used, and 413 for a body over [`BODY_LIMIT`] bytes or a trace over
//! [`MAX_STEPS`] steps.

use std::io::{self, Write};
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::report::{self, Options, ReplayReport, TraceOutcome};
use crate::trace::{Problem, TraceError};

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1 << 20;

/// The most steps a trace sent to the API may have (bounds the answer's size).
pub const MAX_STEPS: usize = 5_000;

const INDEX: &str = include_str!("serve/index.html");
const SCRIPT: &str = include_str!("serve/app.js");
const STYLE: &str = include_str!("serve/style.css");

/// Declares the machines' diagrams from the list of machines.
macro_rules! diagrams {
    ($($module:ident :: {$($machine:ident = $id:literal),+ $(,)?}),+ $(,)?) => {
        /// The machines' diagrams as `ucma-ha docs` draws them (docs/, kept fresh by
        /// `ucma-ha docs --check`), by machine id.
        const DIAGRAMS: &[(&str, &str)] =
            &[$($(($id, include_str!(concat!("../docs/", $id, ".svg")))),+),+];
    };
}

include!("machines/list.rs");
machines!(diagrams);

/// The explorer's routes, ready to serve (also what the tests and the benchmark drive).
pub fn router() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route("/diagrams/{machine}", get(diagram))
        .route("/api/replay", post(api_replay))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn diagram(Path(machine): Path<String>) -> Response {
    match DIAGRAMS.iter().find(|(id, _)| *id == machine) {
        Some((_, svg)) => asset("image/svg+xml", svg),
        None => (StatusCode::NOT_FOUND, "no such machine\n").into_response(),
    }
}

async fn api_replay(RawQuery(query): RawQuery, body: Bytes) -> Response {
    let options = Options {
        next: query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .any(|pair| pair == "next=true" || pair == "next=1" || pair == "next"),
    };
    let (status, document) = answer(&body, options);
    let json = serde_json::to_vec(&document).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// The answer of `POST /api/replay` to a body: the status and the report.
///
/// # Complexity
/// As [`report::trace_report`]: linear in the trace.
pub(crate) fn answer(body: &[u8], options: Options) -> (StatusCode, ReplayReport) {
    let report = match crate::trace::parse_with(None, body, &report::models) {
        Ok(trace) if trace.steps.len() > MAX_STEPS => {
            let error = TraceError {
                file: None,
                position: None,
                path: "steps".into(),
                problem: Box::new(Problem::Invalid(format!(
                    "{} steps; the explorer replays at most {MAX_STEPS}",
                    trace.steps.len()
                ))),
            };
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                ReplayReport::new(vec![report::error_report(None, &error)]),
            );
        }
        Ok(trace) => report::replay_report(None, &trace, options),
        Err(error) => report::error_report(None, &error),
    };
    let status = match report.result {
        TraceOutcome::Ok | TraceOutcome::Diverged => StatusCode::OK,
        TraceOutcome::Invalid => StatusCode::BAD_REQUEST,
    };
    (status, ReplayReport::new(vec![report]))
}

/// Serves the explorer on `address` until the process ends, printing the URL first.
///
/// # Errors
/// When the address cannot be bound (in use, not local, no permission) or the runtime
/// cannot start.
pub fn run(address: SocketAddr) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let bound = listener.local_addr()?;
        // The URL is a courtesy: a closed standard output does not stop the server.
        let mut stdout = io::stdout().lock();
        let _ = writeln!(stdout, "ucma-ha explorer: http://{bound}/").and_then(|()| stdout.flush());
        drop(stdout);
        axum::serve(listener, router()).await
    })
}
