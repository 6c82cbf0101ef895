//! `POST /v1/events` against each store: stored once, repeats dropped, bad input refused with the
//! reason, limits kept. Then the dashboard's numbers over a known set of events.

mod common;

use common::*;
use relief_widget::json::Value;

const AT: i64 = 1_760_000_000_000;
const DAY: i64 = 86_400_000;

fn int(value: &Value, key: &str) -> i64 {
    value.get(key).and_then(Value::as_i64).unwrap_or_else(|| panic!("{key} in {}", value.to_json()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_event_is_stored_once_and_bad_ones_are_refused_with_the_reason() {
    for db in stores("collect").await {
        let at = relief_collector::server::now_ms();
        let address = start(config(&db)).await;

        let one = post(address, &answer(1, at, "returns", Some("mail me at jo@example.com"), r#""launcher""#)).await;
        assert_eq!((one.status, one.body.as_str()), (200, r#"{"stored":1,"duplicates":0,"rejected":[]}"#), "{db}");

        let batch = format!("[{},{},{}]", answer(1, at, "returns", None, r#""api""#), answer(2, at, "other", None, r#""api""#), answer(2, at, "other", None, r#""api""#));
        let reply = post(address, &batch).await;
        assert_eq!((reply.status, int(&reply.json(), "stored"), int(&reply.json(), "duplicates")), (200, 1, 2), "{db}: {}", reply.body);

        // The demo's endpoint works the same.
        let reply = request(address, "POST", "/collect", &[], &answer(3, at, "cant_find", None, r#""api""#)).await;
        assert_eq!(reply.status, 200);

        // Mixed: the good is stored, the bad is listed with its index and reason.
        let mixed = format!(r#"[{},{{"id":"{:032x}","type":"answer","at":{at},"page":"/","frustration":"bored","trigger":"api"}}]"#, answer(4, at, "confusing", None, r#""api""#), 5);
        let reply = post(address, &mixed).await;
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.body,
            r#"{"stored":1,"duplicates":0,"rejected":[{"index":1,"id":"00000000000000000000000000000005","path":"frustration","reason":"unknown frustration"}]}"#
        );

        for (body, status, reason) in [
            ("not json", 400, "(body): not valid JSON at byte 0: unknown word"),
            ("[]", 400, "(body): an empty array: no events"),
            ("\"hello\"", 400, "(body): expected an event object or an array of them, got a string"),
        ] {
            let reply = post(address, body).await;
            assert_eq!((reply.status, reply.json().get("error").and_then(Value::as_str)), (status, Some(reason)), "{body}");
        }
        let wrong = post(address, &format!(r#"{{"id":"{:032x}","type":"answer","at":"yesterday","page":"/"}}"#, 6)).await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains(r#""path":"at","reason":"expected a whole number, got a string""#), "{}", wrong.body);

        let huge = format!("[{}]", vec![answer(7, at, "returns", None, r#""api""#); 3000].join(","));
        let reply = post(address, &huge).await;
        assert_eq!((reply.status, reply.json().get("error").and_then(Value::as_str)), (413, Some("the body is larger than 262144 bytes")));
        let many = format!("[{}]", vec![answer(8, at, "returns", None, r#""api""#); 501].join(","));
        assert_eq!(post(address, &many).await.status, 413);

        // Stored redacted, whatever the client did.
        let export = request(address, "GET", &format!("/dashboard/export.ndjson?from={}&to={}", at - DAY, at + DAY), &[("Authorization", &format!("Bearer {TOKEN}"))], "").await;
        assert_eq!(export.status, 200);
        let lines: Vec<&str> = export.body.lines().collect();
        assert_eq!(lines.len(), 4, "{}", export.body);
        assert!(lines.iter().any(|l| l.contains(r#""text":"mail me at [email]""#)), "{}", export.body);
        assert!(!export.body.contains("jo@example.com"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_allowed_origins_and_a_bounded_rate() {
    let db = &stores("origins").await[0];
    let address = start(relief_collector::config::Config { rate_per_second: 1, rate_burst: 3, ..config(db) }).await;
    let at = relief_collector::server::now_ms();
    let event = answer(1, at, "returns", None, r#""api""#);

    let allowed = request(address, "POST", "/v1/events", &[("Origin", "https://shop.example")], &event).await;
    assert_eq!((allowed.status, allowed.header("access-control-allow-origin")), (200, Some("https://shop.example")));
    let own = request(address, "POST", "/v1/events", &[("Origin", &format!("http://{address}"))], &event).await;
    assert_eq!(own.status, 200, "the collector's own pages may send: {}", own.body);
    let other = request(address, "POST", "/v1/events", &[("Origin", "https://evil.example")], &event).await;
    assert_eq!(other.status, 403);
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert!(other.body.contains("origin https://evil.example is not allowed"), "{}", other.body);
    let preflight = request(address, "OPTIONS", "/v1/events", &[("Origin", "https://shop.example")], "").await;
    assert_eq!((preflight.status, preflight.header("access-control-allow-methods")), (204, Some("POST, OPTIONS")));

    // Three went through (the burst); the next is refused with a hint when to come back.
    let limited = post(address, &event).await;
    assert_eq!((limited.status, limited.header("retry-after")), (429, Some("1")));
}

/// Seeds a week of events through the API, then checks the summary and the exports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_what_hurts_and_escapes_nothing_into_markup() {
    for db in stores("dashboard").await {
        let address = start(config(&db)).await;
        let from = AT - 7 * DAY;
        let script = r#"<script>alert("x")</script> =1+1"#;
        let mut events = vec![
            answer(1, AT - DAY, "delivery_cost", None, r#""launcher""#),
            answer(2, AT - DAY, "delivery_cost", Some(script), r#"{"detector":"rage_click","reason":"rage_click: 4 clicks"}"#),
            answer(3, AT - 2 * DAY, "returns", None, r#""api""#),
            answer(4, AT - 9 * DAY, "returns", None, r#""api""#), // the week before
            format!(r#"{{"id":"{:032x}","type":"offer","at":{},"page":"/checkout.html","frustration":"delivery_cost","offers":["bonus","thanks5"]}}"#, 5, AT - DAY),
            format!(r#"{{"id":"{:032x}","type":"offer","at":{},"page":"/","frustration":"delivery_cost","offers":["bonus"]}}"#, 6, AT - DAY),
            format!(r#"{{"id":"{:032x}","type":"accept","at":{},"page":"/","frustration":"delivery_cost","offer":{{"id":"bonus","kind":"bonus_goods","percent":10}}}}"#, 7, AT - DAY),
            format!(r#"{{"id":"{:032x}","type":"dismiss","at":{},"page":"/","stage":"asking","reason":"closed"}}"#, 8, AT - DAY),
            format!(r#"{{"id":"{:032x}","type":"lost","at":{},"page":"/","count":4}}"#, 9, AT - DAY),
        ];
        events.push(events[0].clone()); // a repeat
        let reply = post(address, &format!("[{}]", events.join(","))).await;
        assert_eq!((reply.status, int(&reply.json(), "stored")), (200, 9), "{}", reply.body);

        let path = format!("/dashboard/api/summary?from={from}&to={AT}&tz=0");
        assert_eq!(request(address, "GET", &path, &[], "").await.status, 401, "the summary needs the token");
        assert_eq!(request(address, "GET", &path, &[("Authorization", "Bearer wrong-token-000000000")], "").await.status, 401);
        let summary = request(address, "GET", &path, &[("Authorization", &format!("Bearer {TOKEN}"))], "").await;
        assert_eq!(summary.status, 200);
        let s = summary.json();
        assert_eq!(s.get("totals").unwrap().to_json(), r#"{"answers":3,"offers":2,"accepts":1,"dismisses":1,"lost":4}"#);
        assert_eq!(
            s.get("frustrations").unwrap().to_json(),
            r#"[{"key":"delivery_cost","count":2,"previous":0},{"key":"returns","count":1,"previous":1}]"#
        );
        let daily = s.get("daily").unwrap();
        assert_eq!(daily.get("days").unwrap().to_json(), r#"["2025-10-02","2025-10-03","2025-10-04","2025-10-05","2025-10-06","2025-10-07","2025-10-08","2025-10-09"]"#);
        assert_eq!(daily.get("series").unwrap().to_json(), r#"[{"key":"delivery_cost","counts":[0,0,0,0,0,0,2,0]},{"key":"returns","counts":[0,0,0,0,0,1,0,0]}]"#);
        let moments = s.get("moments").unwrap().to_json();
        assert!(moments.contains(r#"{"frustration":"delivery_cost","moment":"rage_click","count":1}"#), "{moments}");
        assert_eq!(
            s.get("relief").unwrap().to_json(),
            r#"[{"frustration":"delivery_cost","offer":"bonus","offered":2,"accepted":1},{"frustration":"delivery_cost","offer":"thanks5","offered":1,"accepted":0}]"#
        );
        let Some(Value::Arr(pages)) = s.get("pages") else { panic!("pages") };
        assert_eq!((pages.len(), pages[0].get("page").and_then(Value::as_str), int(&pages[0], "count")), (1, Some("/checkout.html"), 3));
        let by = pages[0].get("frustrations").unwrap();
        assert_eq!((int(by, "delivery_cost"), int(by, "returns")), (2, 1));
        // The verbatim is data in JSON, never markup: the dashboard sets it with textContent.
        let verbatims = s.get("verbatims").unwrap();
        assert_eq!(verbatims.to_json(), format!(r#"[{{"at":{},"frustration":"delivery_cost","page":"/checkout.html","text":{}}}]"#, AT - DAY, Value::str(script).to_json()));
        assert_eq!(summary.header("content-type"), Some("application/json"));

        let csv = request(address, "GET", &format!("/dashboard/export.csv?from={from}&to={AT}"), &[("Authorization", &format!("Bearer {TOKEN}"))], "").await;
        assert_eq!(csv.status, 200);
        assert_eq!(csv.header("content-disposition"), Some("attachment; filename=\"relief-2025-10-02-to-2025-10-09.csv\""));
        let lines: Vec<&str> = csv.body.split("\r\n").collect();
        assert_eq!(lines[0], "id,type,at,page,frustration,trigger,offers,text");
        assert_eq!(lines.len(), 10, "8 events, a header and the last line's end: {}", csv.body);
        assert!(csv.body.contains(r#","<script>alert(""x"")</script> =1+1""#), "{}", csv.body);

        // An empty range is empty, not an error.
        let empty = request(address, "GET", "/dashboard/api/summary?from=1600000000000&to=1600086400000", &[("Authorization", &format!("Bearer {TOKEN}"))], "").await;
        assert_eq!(int(empty.json().get("totals").unwrap(), "answers"), 0);
        let bad = request(address, "GET", "/dashboard/api/summary?from=5&to=1", &[("Authorization", &format!("Bearer {TOKEN}"))], "").await;
        assert_eq!((bad.status, bad.body.as_str()), (400, r#"{"error":"from must be before to"}"#));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_is_behind_a_login_with_a_strict_policy() {
    let db = &stores("login").await[0];
    let address = start(config(db)).await;
    let login = request(address, "GET", "/dashboard", &[], "").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("name=\"token\""), "the login form");
    let csp = login.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), "{csp}");

    let wrong = request(address, "POST", "/dashboard/login", &[("Content-Type", "application/x-www-form-urlencoded")], "token=nope").await;
    assert_eq!(wrong.status, 401);
    let right = request(address, "POST", "/dashboard/login", &[("Content-Type", "application/x-www-form-urlencoded")], &format!("token={TOKEN}")).await;
    assert_eq!(right.status, 303);
    let cookie = right.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    let dashboard = request(address, "GET", "/dashboard", &[("Cookie", pair)], "").await;
    assert!(dashboard.body.contains("dashboard.js"), "the dashboard itself");
    assert_eq!(request(address, "GET", "/dashboard/api/summary", &[("Cookie", pair)], "").await.status, 200);
    let chart = request(address, "GET", "/dashboard/static/chart.umd.min.js", &[], "").await;
    assert_eq!(chart.status, 200);
}
