//! HTTP: events in at `POST /v1/events` (and `/collect`, the demo's endpoint), the dashboard at
//! `/dashboard` behind a token, and optionally a folder of static files (the demo shop) at `/`.

use crate::config::Config;
use crate::dashboard;
use crate::limit::Limiter;
use crate::store::{Row, Store};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use relief_widget::event;
use relief_widget::json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct App {
    pub config: Config,
    pub store: Store,
    /// The dashboard's token.
    pub token: String,
    limiter: Limiter,
}

impl App {
    pub fn new(config: Config, store: Store, token: String) -> App {
        let limiter = Limiter::new(config.rate_per_second, config.rate_burst);
        App { config, store, token, limiter }
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

pub fn router(app: Arc<App>) -> Router {
    let router = Router::new()
        .route("/v1/events", post(collect).options(preflight))
        .route("/collect", post(collect).options(preflight))
        .route("/dashboard", get(dashboard_page))
        .route("/dashboard/", get(dashboard_page))
        .route("/dashboard/login", post(login))
        .route("/dashboard/logout", post(logout))
        .route("/dashboard/api/summary", get(summary))
        .route("/dashboard/export.csv", get(export_csv))
        .route("/dashboard/export.ndjson", get(export_ndjson))
        .route("/dashboard/static/{file}", get(static_file))
        .route("/healthz", get(|| async { "ok\n" }));
    let router = match &app.config.www {
        Some(dir) => router.fallback_service(tower_http::services::ServeDir::new(dir)),
        None => router.fallback(|| async { error(StatusCode::NOT_FOUND, "not found") }),
    };
    router.with_state(app)
}

/// `{"error": reason}` with a status.
fn error(status: StatusCode, reason: &str) -> Response {
    json_response(status, &Value::Obj(vec![("error".into(), Value::str(reason))]))
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], value.to_json()).into_response()
}

// ---------------------------------------------------------------------------------------------
// Events

/// The `Origin` to echo in `Access-Control-Allow-Origin`, when the request may come from it: the
/// collector's own origin, one on the allow-list, or any with `*`. `Ok(None)`: no `Origin` header (not
/// a browser's cross-site request). `Err`: a page the shop did not allow.
fn allowed_origin<'a>(app: &App, headers: &'a HeaderMap) -> Result<Option<&'a str>, String> {
    let Some(origin) = headers.get(header::ORIGIN) else { return Ok(None) };
    let origin = origin.to_str().map_err(|_| "the Origin header is not text".to_string())?;
    let own = headers.get(header::HOST).and_then(|h| h.to_str().ok()).is_some_and(|host| {
        origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
    });
    if own || app.config.origins.iter().any(|o| o == "*" || o.trim_end_matches('/') == origin) {
        Ok(Some(origin))
    } else {
        Err(format!("origin {origin} is not allowed: add it to the collector's \"origins\""))
    }
}

fn with_cors(mut response: Response, origin: Option<&str>) -> Response {
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn preflight(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    match allowed_origin(&app, &headers) {
        Err(reason) => error(StatusCode::FORBIDDEN, &reason),
        Ok(origin) => {
            let response = (
                StatusCode::NO_CONTENT,
                [
                    (header::ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS"),
                    (header::ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type"),
                    (header::ACCESS_CONTROL_MAX_AGE, "600"),
                ],
            )
                .into_response();
            with_cors(response, origin)
        }
    }
}

async fn collect(State(app): State<Arc<App>>, ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap, body: Body) -> Response {
    if !app.limiter.allow(peer.ip()) {
        let mut response = error(StatusCode::TOO_MANY_REQUESTS, "too many requests from this address: slow down");
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    let origin = match allowed_origin(&app, &headers) {
        Ok(origin) => origin,
        Err(reason) => return error(StatusCode::FORBIDDEN, &reason),
    };
    let response = receive(&app, peer, &headers, body).await;
    with_cors(response, origin)
}

async fn receive(app: &App, peer: SocketAddr, headers: &HeaderMap, body: Body) -> Response {
    let max = app.config.max_body_bytes;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let too_big = || error(StatusCode::PAYLOAD_TOO_LARGE, &format!("the body is larger than {max} bytes"));
    if declared.is_some_and(|n| n > max) {
        return too_big();
    }
    let Ok(bytes) = to_bytes(body, max).await else { return too_big() };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return error(StatusCode::BAD_REQUEST, "the body is not UTF-8 text");
    };
    // The widget sends text/plain (no CORS preflight); the body is JSON whatever the type says.
    let items = match event::parse_body(text) {
        Ok(items) => items,
        Err(problem) => return error(StatusCode::BAD_REQUEST, &problem.line()),
    };
    if items.len() > app.config.max_events {
        return error(StatusCode::PAYLOAD_TOO_LARGE, &format!("at most {} events in one request", app.config.max_events));
    }
    let received = now_ms();
    let mut rows = Vec::with_capacity(items.len());
    let mut rejected = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match event::from_value(item) {
            Ok(event) => rows.push(Row::new(&event, received)),
            Err(problem) => rejected.push(Value::Obj(vec![
                ("index".into(), Value::int(index as i64)),
                ("id".into(), event::id_of(item).map_or(Value::Null, Value::str)),
                ("path".into(), Value::str(problem.path)),
                ("reason".into(), Value::str(problem.reason)),
            ])),
        }
    }
    let valid = rows.len();
    let (status, stored) = if valid == 0 {
        (StatusCode::UNPROCESSABLE_ENTITY, 0)
    } else {
        match app.store.insert(rows).await {
            Ok(new) => (StatusCode::OK, new),
            Err(e) => {
                eprintln!("relief-collector: store: {e}");
                let mut response = error(StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable: try again");
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
                return response;
            }
        }
    };
    if !app.config.quiet {
        println!("collect: {stored} stored, {} repeats, {} rejected from {}", valid - stored, rejected.len(), peer.ip());
    }
    let mut reply = vec![("stored".to_string(), Value::int(stored as i64)), ("duplicates".to_string(), Value::int((valid - stored) as i64))];
    if status != StatusCode::OK {
        reply.insert(0, ("error".into(), Value::str("no event in the body is valid")));
    }
    reply.push(("rejected".into(), Value::Arr(rejected)));
    json_response(status, &Value::Obj(reply))
}

// ---------------------------------------------------------------------------------------------
// Dashboard

const COOKIE: &str = "relief_dashboard";
/// Only our own scripts, styles and requests; no framing, no plugins, no inline code.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const DASHBOARD_HTML: &str = include_str!("../static/dashboard.html");
const LOGIN_HTML: &str = include_str!("../static/login.html");
const DASHBOARD_JS: &str = include_str!("../static/dashboard.js");
const DASHBOARD_CSS: &str = include_str!("../static/dashboard.css");
/// Chart.js from `node_modules`, copied in by `build.rs`.
const CHART_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/chart.umd.min.js"));

/// Equal without saying where they differ first.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let token = app.token.as_bytes();
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if bearer.is_some_and(|b| same(b.trim().as_bytes(), token)) {
        return true;
    }
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).any(|pair| {
        pair.trim().strip_prefix(COOKIE).and_then(|rest| rest.strip_prefix('=')).is_some_and(|v| same(v.as_bytes(), token))
    })
}

fn page(status: StatusCode, html: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        html,
    )
        .into_response()
}

fn login_page(status: StatusCode, message: &str) -> Response {
    // The message is one of ours, never the visitor's or the request's text.
    page(status, LOGIN_HTML.replace("<!--message-->", message))
}

async fn dashboard_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if authorized(&app, &headers) {
        page(StatusCode::OK, DASHBOARD_HTML.to_string())
    } else {
        login_page(StatusCode::OK, "")
    }
}

async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !app.limiter.allow(peer.ip()) {
        return login_page(StatusCode::TOO_MANY_REQUESTS, "Too many tries. Wait a moment.");
    }
    let token = form.get("token").map(|t| t.trim()).unwrap_or("");
    if !same(token.as_bytes(), app.token.as_bytes()) {
        return login_page(StatusCode::UNAUTHORIZED, "That token is not right.");
    }
    let cookie = format!("{COOKIE}={}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=2592000", app.token);
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/dashboard".to_string()), (header::SET_COOKIE, cookie)]).into_response()
}

async fn logout() -> Response {
    let cookie = format!("{COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0");
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/dashboard".to_string()), (header::SET_COOKIE, cookie)]).into_response()
}

async fn static_file(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "dashboard.js" => (DASHBOARD_JS, "text/javascript; charset=utf-8"),
        "dashboard.css" => (DASHBOARD_CSS, "text/css; charset=utf-8"),
        "chart.umd.min.js" => (CHART_JS, "text/javascript; charset=utf-8"),
        _ => return error(StatusCode::NOT_FOUND, "not found"),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")], body).into_response()
}

/// The date range from `from` and `to` (ms) and the browser's `tz` (minutes, as `getTimezoneOffset`);
/// the last 7 days by default.
fn range(query: &HashMap<String, String>) -> Result<dashboard::Range, String> {
    let int = |key: &str| query.get(key).map(|v| v.parse::<i64>().map_err(|_| format!("{key}: expected a whole number"))).transpose();
    let to = int("to")?.unwrap_or_else(now_ms);
    let from = int("from")?.unwrap_or(to - 7 * dashboard::DAY_MS);
    let tz = int("tz")?.unwrap_or(0);
    if from >= to {
        return Err("from must be before to".into());
    }
    if to - from > 400 * dashboard::DAY_MS {
        return Err("at most 400 days at once".into());
    }
    if !(-24 * 60..=24 * 60).contains(&tz) {
        return Err("tz: minutes, as getTimezoneOffset() gives them".into());
    }
    Ok(dashboard::Range { from, to, tz_ms: tz * 60_000 })
}

/// Runs `f` for an authorized request with a valid range.
async fn guarded<F, Fut>(app: Arc<App>, headers: HeaderMap, query: HashMap<String, String>, f: F) -> Response
where
    F: FnOnce(Arc<App>, dashboard::Range) -> Fut,
    Fut: std::future::Future<Output = Result<Response, String>>,
{
    if !authorized(&app, &headers) {
        return error(StatusCode::UNAUTHORIZED, "sign in at /dashboard, or send Authorization: Bearer <token>");
    }
    let range = match range(&query) {
        Ok(range) => range,
        Err(reason) => return error(StatusCode::BAD_REQUEST, &reason),
    };
    match f(app, range).await {
        Ok(response) => response,
        Err(e) => {
            eprintln!("relief-collector: dashboard: {e}");
            error(StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable: try again")
        }
    }
}

async fn summary(State(app): State<Arc<App>>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    guarded(app, headers, query, |app, range| async move {
        let value = dashboard::summary(&app.store, range).await?;
        Ok(json_response(StatusCode::OK, &value))
    })
    .await
}

fn download(kind: &'static str, name: String, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".into())], body)
        .into_response()
}

async fn export_csv(State(app): State<Arc<App>>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    guarded(app, headers, query, |app, range| async move {
        let body = dashboard::export_csv(&app.store, range).await?;
        Ok(download("text/csv; charset=utf-8", dashboard::export_name(range, "csv"), body))
    })
    .await
}

async fn export_ndjson(State(app): State<Arc<App>>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    guarded(app, headers, query, |app, range| async move {
        let body = dashboard::export_ndjson(&app.store, range).await?;
        Ok(download("application/x-ndjson", dashboard::export_name(range, "ndjson"), body))
    })
    .await
}

