//! `relief-collector`: see `relief-collector --help` and the crate docs.

use relief_collector::{config, Collector};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match config::from_args(&args, std::env::var("RELIEF_DASHBOARD_TOKEN").ok()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let result = runtime.block_on(async {
        let collector = Collector::bind(config).await?;
        collector
            .serve(async {
                let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("a SIGTERM handler");
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            })
            .await
    });
    if let Err(message) = result {
        eprintln!("relief-collector: {message}");
        std::process::exit(1);
    }
}
