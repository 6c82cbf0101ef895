//! relief-collector: receives the widget's events, stores each exactly once, and shows the shop's owner
//! what hurts. The event checks and redaction are the widget crate's own (`relief_widget::event`).

pub mod config;
pub mod dashboard;
pub mod limit;
pub mod server;
pub mod store;

use std::sync::Arc;

/// A random token of 32 hex digits for the dashboard, when none was configured.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A collector with its store open and its address bound, ready to serve.
pub struct Collector {
    pub address: std::net::SocketAddr,
    listener: tokio::net::TcpListener,
    app: Arc<server::App>,
}

impl Collector {
    /// Opens the store and binds the address (port 0 picks a free one). Prints where it listens,
    /// `relief-collector: listening on http://ADDR/`, and the dashboard's token when it made one up.
    pub async fn bind(config: config::Config) -> Result<Collector, String> {
        let store = store::Store::open(&config.db).await?;
        let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|e| format!("{}: {e}", config.listen))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let (token, made_up) = match &config.token {
            Some(token) => (token.clone(), false),
            None => (random_token(), true),
        };
        println!("relief-collector: listening on http://{address}/");
        if !config.quiet || made_up {
            println!("relief-collector: events: POST http://{address}/v1/events (and /collect); store: {}", describe(&config.db));
            let shown = if made_up { format!("  token: {token}") } else { String::new() };
            println!("relief-collector: dashboard: http://{address}/dashboard{shown}");
        }
        Ok(Collector { address, listener, app: Arc::new(server::App::new(config, store, token)) })
    }

    /// Serves until `shutdown` completes, then lets the requests under way finish.
    pub async fn serve(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> Result<(), String> {
        let service = server::router(self.app).into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await.map_err(|e| e.to_string())
    }
}

/// The store, without a password that a URL may hold.
fn describe(db: &str) -> String {
    match db.split_once("://") {
        Some((scheme, rest)) if scheme.starts_with("postgres") => {
            format!("{scheme}://{}", rest.rsplit_once('@').map_or(rest, |(_, host)| host))
        }
        _ => format!("SQLite {db}"),
    }
}
