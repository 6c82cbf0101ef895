//! Embeds Chart.js from `node_modules` (an npm dev dependency) so the dashboard needs no CDN. Without
//! it (no `npm ci` yet) a stand-in script says so on the dashboard; `./build.sh` installs it first.

use std::path::Path;

fn main() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/chart.js/dist/chart.umd.min.js");
    println!("cargo::rerun-if-changed={}", source.display());
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("chart.umd.min.js");
    match std::fs::read(&source) {
        Ok(bytes) => std::fs::write(&out, bytes).expect("write chart.umd.min.js"),
        Err(_) => {
            println!("cargo::warning=node_modules/chart.js is missing (run npm ci): the dashboard will draw no charts");
            std::fs::write(&out, "window.Chart = undefined; /* chart.js was not installed when this was built */\n")
                .expect("write the stand-in chart.umd.min.js");
        }
    }
}
