//! `relief-load`: drives a collector on loopback and prints one table row: events/s and latency.
//!
//! relief-load --url http://127.0.0.1:PORT/v1/events [--batch 1] [--connections 64] [--requests 40000]
//!             [--seconds 20] [--header]
//!
//! Each connection is one keep-alive HTTP/1.1 client sending answer events with fresh ids, one request
//! after the other. It stops after `--requests` requests or `--seconds`, whichever comes first, and
//! refuses any address that is not loopback.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Options {
    address: SocketAddr,
    path: String,
    batch: usize,
    connections: usize,
    requests: u64,
    seconds: u64,
    header: bool,
}

fn options() -> Result<Options, String> {
    let mut url = None;
    let mut o = Options { address: "127.0.0.1:8080".parse().unwrap(), path: String::new(), batch: 1, connections: 64, requests: 40_000, seconds: 20, header: false };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: expected a whole number"));
        match flag.as_str() {
            "--url" => url = Some(value()?),
            "--batch" => o.batch = number(value()?)?.clamp(1, 500) as usize,
            "--connections" => o.connections = number(value()?)?.clamp(1, 1024) as usize,
            "--requests" => o.requests = number(value()?)?,
            "--seconds" => o.seconds = number(value()?)?.clamp(1, 300),
            "--header" => o.header = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let url = url.ok_or("--url http://127.0.0.1:PORT/v1/events is required")?;
    let rest = url.strip_prefix("http://").ok_or("only http:// URLs")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    o.address = host.parse().map_err(|_| "the URL's host must be IP:PORT")?;
    if !o.address.ip().is_loopback() {
        return Err("relief-load only drives collectors on loopback".into());
    }
    o.path = format!("/{path}");
    Ok(o)
}

/// A body of `batch` answer events whose ids start at `first`.
fn body(first: u64, batch: usize, at: i64) -> String {
    let events: Vec<String> = (0..batch as u64)
        .map(|i| {
            format!(
                r#"{{"id":"{:032x}","type":"answer","at":{at},"page":"/checkout.html","frustration":"delivery_cost","text":"the postage is more than the plant","trigger":"launcher"}}"#,
                first + i
            )
        })
        .collect();
    format!("[{}]", events.join(","))
}

/// Sends one request and reads the whole response; returns the status.
async fn exchange(stream: &mut BufReader<TcpStream>, head: &str, body: &str) -> std::io::Result<u16> {
    let request = format!("{head}Content-Length: {}\r\n\r\n{body}", body.len());
    stream.get_mut().write_all(request.as_bytes()).await?;
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| std::io::Error::other("no status line"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("closed"));
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut rest = vec![0; length];
    stream.read_exact(&mut rest).await?;
    Ok(status)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("relief-load: {message}");
            std::process::exit(2);
        }
    };
    let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    // Ids unique to this run, so repeats are never measured by accident.
    let base = (at as u64) << 20;
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let head = format!("POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain;charset=UTF-8\r\n", o.path, o.address);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..o.connections {
        let (next, errors, head) = (next.clone(), errors.clone(), head.clone());
        let (address, batch, requests) = (o.address, o.batch, o.requests);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let Ok(stream) = TcpStream::connect(address).await else {
                errors.fetch_add(1, Ordering::Relaxed);
                return latencies;
            };
            let _ = stream.set_nodelay(true);
            let mut stream = BufReader::new(stream);
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let body = body(base + n * batch as u64, batch, at);
                let sent = Instant::now();
                match exchange(&mut stream, &head, &body).await {
                    Ok(200) => latencies.push(sent.elapsed()),
                    Ok(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pick = |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let events = latencies.len() * o.batch;
    if o.header {
        println!("{:<28} {:>9} {:>9} {:>7} {:>10} {:>8} {:>8} {:>7}", "load", "requests", "events", "seconds", "events/s", "p50 ms", "p99 ms", "errors");
    }
    let name = format!("{} event{} a request, {} conns", o.batch, if o.batch == 1 { "" } else { "s" }, o.connections);
    println!(
        "{:<28} {:>9} {:>9} {:>7.1} {:>10.0} {:>8.2} {:>8.2} {:>7}",
        name,
        latencies.len(),
        events,
        elapsed,
        events as f64 / elapsed,
        pick(0.50),
        pick(0.99),
        errors.load(Ordering::Relaxed)
    );
}
