//! A collector on a free loopback port with a store of its own, and a bare HTTP/1.1 client.

#![allow(dead_code)]

use relief_collector::config::Config;
use relief_collector::Collector;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const TOKEN: &str = "test-token-0123456789";

/// The stores to run a test against: a new SQLite file, and a new schema in the PostgreSQL that
/// `RELIEF_TEST_POSTGRES` names (`./build.sh test` starts one; without it the PostgreSQL run is left out).
pub async fn stores(name: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("relief-collector-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.sqlite"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let mut dbs = vec![file.display().to_string()];
    match std::env::var("RELIEF_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => dbs.push(postgres_schema(&url, name).await),
        _ => eprintln!("{name}: RELIEF_TEST_POSTGRES is not set: PostgreSQL left out"),
    }
    dbs
}

/// A fresh schema for one test, and the URL that makes it the search path.
async fn postgres_schema(url: &str, name: &str) -> String {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect to RELIEF_TEST_POSTGRES");
    tokio::spawn(connection);
    let schema = format!("t_{name}_{}", std::process::id());
    client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).await.unwrap();
    let join = if url.contains('?') { '&' } else { '?' };
    format!("{url}{join}options=-csearch_path%3D{schema}")
}

pub fn config(db: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        db: db.to_string(),
        token: Some(TOKEN.into()),
        origins: vec!["https://shop.example".into()],
        rate_per_second: 0,
        quiet: true,
        ..Config::default()
    }
}

/// Starts a collector; it stops when the test's runtime ends.
pub async fn start(config: Config) -> SocketAddr {
    let collector = Collector::bind(config).await.expect("the collector starts");
    let address = collector.address;
    tokio::spawn(collector.serve(std::future::pending()));
    address
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> relief_widget::json::Value {
        relief_widget::json::parse(&self.body).unwrap_or_else(|e| panic!("not JSON ({}): {}", e.reason, self.body))
    }
}

pub async fn request(address: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Reply { status, headers, body: body.to_string() }
}

pub async fn post(address: SocketAddr, body: &str) -> Reply {
    request(address, "POST", "/v1/events", &[("Content-Type", "text/plain;charset=UTF-8")], body).await
}

/// An answer event with id `n` (as 32 hex digits) at `at`.
pub fn answer(n: u64, at: i64, frustration: &str, text: Option<&str>, trigger: &str) -> String {
    let text = text.map(|t| format!(r#","text":{}"#, relief_widget::json::Value::str(t).to_json())).unwrap_or_default();
    format!(r#"{{"id":"{n:032x}","type":"answer","at":{at},"page":"/checkout.html","frustration":"{frustration}"{text},"trigger":{trigger}}}"#)
}
