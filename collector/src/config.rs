//! The collector's settings: a JSON file (`--config FILE`), then flags, then defaults.
//!
//! ```json
//! { "listen": "127.0.0.1:8080", "db": "relief.sqlite", "www": "www",
//!   "dashboard_token": "…", "origins": ["https://shop.example"],
//!   "max_body_bytes": 262144, "max_events": 500, "rate_limit": { "per_second": 20, "burst": 100 } }
//! ```

use relief_widget::json::{self, Value};
use std::net::SocketAddr;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub listen: SocketAddr,
    /// A SQLite file path, or a `postgres://` URL.
    pub db: String,
    /// A folder served as static files at `/` (the demo shop), if any.
    pub www: Option<String>,
    /// The dashboard's token; one is made up and printed when none is given.
    pub token: Option<String>,
    /// Origins whose pages may send events, as `https://shop.example`; `*` allows any. The collector's
    /// own origin is always allowed.
    pub origins: Vec<String>,
    pub max_body_bytes: usize,
    pub max_events: usize,
    /// Requests per second per client address, sustained; 0 turns the limit off.
    pub rate_per_second: u32,
    pub rate_burst: u32,
    pub quiet: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: "relief.sqlite".into(),
            www: None,
            token: None,
            origins: Vec::new(),
            max_body_bytes: 256 * 1024,
            max_events: 500,
            rate_per_second: 20,
            rate_burst: 100,
            quiet: false,
        }
    }
}

pub const USAGE: &str = "usage: relief-collector [--config FILE] [--listen ADDR:PORT] [--db FILE|postgres://…] [--www DIR]
                        [--token TOKEN] [--origin URL]... [--rate-limit PER_SECOND] [--quiet]

The token may also come from RELIEF_DASHBOARD_TOKEN. Events: POST /v1/events (and /collect).
Dashboard: /dashboard.";

/// Reads the config file (if `--config` names one), then the flags over it.
pub fn from_args(args: &[String], env_token: Option<String>) -> Result<Config, String> {
    let mut config = Config::default();
    if let Some(i) = args.iter().position(|a| a == "--config") {
        let path = args.get(i + 1).ok_or("--config needs a file")?;
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        apply_file(&mut config, &text).map_err(|e| format!("{path}: {e}"))?;
    }
    config.token = config.token.or(env_token.filter(|t| !t.is_empty()));
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--config" => {
                value()?;
            }
            "--listen" => config.listen = value()?.parse().map_err(|_| "--listen: expected ADDR:PORT, as 127.0.0.1:8080")?,
            "--db" => config.db = value()?,
            "--www" => config.www = Some(value()?),
            "--token" => config.token = Some(value()?),
            "--origin" => config.origins.push(value()?),
            "--rate-limit" => config.rate_per_second = value()?.parse().map_err(|_| "--rate-limit: expected a whole number")?,
            "--quiet" => config.quiet = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if config.token.as_deref().is_some_and(|t| t.len() < 16) {
        return Err("the dashboard token must be at least 16 characters".into());
    }
    Ok(config)
}

fn apply_file(config: &mut Config, text: &str) -> Result<(), String> {
    let value = json::parse(text).map_err(|e| format!("not valid JSON at byte {}: {}", e.offset, e.reason))?;
    let Value::Obj(members) = &value else { return Err("expected an object".into()) };
    let text = |v: &Value, key: &str| v.as_str().map(str::to_string).ok_or_else(|| format!("{key}: expected a string"));
    let count = |v: &Value, key: &str| {
        v.as_i64().filter(|n| *n >= 0 && *n <= u32::MAX as i64).ok_or_else(|| format!("{key}: expected a whole number"))
    };
    for (key, v) in members {
        match key.as_str() {
            "listen" => config.listen = text(v, key)?.parse().map_err(|_| "listen: expected ADDR:PORT")?,
            "db" => config.db = text(v, key)?,
            "www" => config.www = Some(text(v, key)?),
            "dashboard_token" => config.token = Some(text(v, key)?),
            "origins" => {
                let Value::Arr(items) = v else { return Err("origins: expected an array of strings".into()) };
                config.origins = items.iter().map(|o| text(o, "origins[]")).collect::<Result<_, _>>()?;
            }
            "max_body_bytes" => config.max_body_bytes = count(v, key)? as usize,
            "max_events" => config.max_events = count(v, key)? as usize,
            "rate_limit" => {
                config.rate_per_second = v.get("per_second").map(|n| count(n, "rate_limit.per_second")).transpose()?.unwrap_or(0) as u32;
                config.rate_burst = v.get("burst").map(|n| count(n, "rate_limit.burst")).transpose()?.unwrap_or(100) as u32;
            }
            other => return Err(format!("{other}: unknown setting")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_override_the_file_and_the_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("relief-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.json");
        std::fs::write(&file, r#"{"db":"a.sqlite","origins":["https://shop.example"],"rate_limit":{"per_second":5,"burst":9}}"#).unwrap();
        let config = from_args(&args(&["--config", file.to_str().unwrap(), "--db", "b.sqlite", "--origin", "https://x.example"]), None).unwrap();
        assert_eq!(config.db, "b.sqlite");
        assert_eq!(config.origins, ["https://shop.example", "https://x.example"]);
        assert_eq!((config.rate_per_second, config.rate_burst), (5, 9));
        std::fs::write(&file, r#"{"colour":"red"}"#).unwrap();
        assert_eq!(from_args(&args(&["--config", file.to_str().unwrap()]), None).unwrap_err().rsplit(": ").next(), Some("unknown setting"));
    }

    #[test]
    fn a_short_token_or_a_stray_flag_is_refused() {
        assert!(from_args(&args(&["--token", "short"]), None).is_err());
        assert!(from_args(&args(&["--bogus"]), None).unwrap_err().starts_with("unknown argument --bogus"));
        assert_eq!(from_args(&[], Some("0123456789abcdef".into())).unwrap().token.as_deref(), Some("0123456789abcdef"));
    }
}
