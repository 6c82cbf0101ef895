//! `relief`: the shop owner's and developer's command-line tool, using the same code as the widget.
//!
//! ```text
//! relief check CONFIG.json     every problem in a config, with its field path; exit 1 on any
//! relief bench                 the native benchmark tables (./build.sh bench prints them)
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage: relief <command> [args]

  check CONFIG.json   report every problem in a widget config, with its field path
  bench               print the native benchmark tables";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("bench") => bench(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(USAGE.to_string()),
    };
    result.unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::from(2)
    })
}

fn read(path: Option<&String>) -> Result<(String, String), String> {
    let path = path.ok_or("missing the file to read")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    Ok((path.clone(), text))
}

fn check(args: &[String]) -> Result<ExitCode, String> {
    let (path, text) = read(args.first())?;
    let (config, problems) = relief_widget::config::parse(&text);
    for problem in &problems {
        println!("{path}: {problem}");
    }
    if problems.is_empty() {
        println!("{path}: ok ({} offers)", config.offers.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{path}: {} problem(s)", problems.len());
        Ok(ExitCode::from(1))
    }
}

fn bench() -> Result<ExitCode, String> {
    // Each capability adds its table here.
    Ok(ExitCode::SUCCESS)
}
