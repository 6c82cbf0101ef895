#!/usr/bin/env bash
# relief-widget: build, test, demo and size. Each subcommand installs what it needs when missing.
#
#   ./build.sh build   wasm + glue + loader into www/dist/
#   ./build.sh test    native cargo tests, wasm tests in headless Chromium, build, end-to-end tests
#   ./build.sh demo    build, then run the collector serving the demo shop on 127.0.0.1:${PORT:-8080}
#   ./build.sh size    raw / gzip -9 / brotli -q 11 bytes of every file in www/dist/, and the budget
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

WASM_TARGET=wasm32-unknown-unknown
DIST="$ROOT/www/dist"
BINDGEN_OUT="$ROOT/target/wasm-bindgen"
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

# cargo-installed tools live here; make them findable even from a bare environment.
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
# Nothing here may download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
step() { printf '\n==> %s\n' "$*" >&2; }

usage() {
  cat >&2 <<'EOF'
usage: ./build.sh <command>

  build   compile the widget and write www/dist/ (the loader relief.js and what it loads)
  test    native cargo tests, wasm tests in headless Chromium, build, end-to-end tests
  demo    build, then run relief-collector on http://127.0.0.1:${PORT:-8080}/: the demo shop, its
          events stored in target/demo/relief.sqlite, and the dashboard at /dashboard
  size    raw, gzip -9 and brotli -q 11 bytes of every file in www/dist/; fails over budget
  bench   native benchmark tables, then each bench/*.mjs in headless Chromium
EOF
}

# ---------------------------------------------------------------------------------------------
# Installers: each checks first and installs only what is missing.

APT_UPDATED=0
# apt_ensure "command:package" ...: installs the packages whose command is missing.
apt_ensure() {
  local pair cmd pkg missing=()
  for pair in "$@"; do
    cmd="${pair%%:*}"
    pkg="${pair#*:}"
    if [[ "$cmd" == /* ]]; then
      [[ -x "$cmd" ]] || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}; run as root or install them"
    sudo=(sudo)
  fi
  say "installing with apt-get: ${missing[*]}"
  if ((!APT_UPDATED)); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    APT_UPDATED=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
}

ensure_rust() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup first"
}

ensure_wasm_target() {
  ensure_rust
  command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the $WASM_TARGET target"
  if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    say "installing Rust target $WASM_TARGET (rustup)"
    rustup target add "$WASM_TARGET"
  fi
  # The release modules rebuild std from source (see build_wasm).
  if ! rustup component list --installed | grep -q '^rust-src'; then
    say "installing Rust component rust-src (rustup)"
    rustup component add rust-src
  fi
}

# The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
lockfile_bindgen_version() {
  [[ -f Cargo.toml ]] || die "no Cargo.toml in $ROOT"
  if [[ ! -f Cargo.lock ]]; then
    say "no Cargo.lock yet: generating it"
    cargo generate-lockfile
  fi
  awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = /         { name = $3 }
    /^version = / && name == "\"wasm-bindgen\"" { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}

tool_version() { # "wasm-bindgen 0.2.130" -> 0.2.130; empty when missing
  command -v "$1" >/dev/null 2>&1 || return 0
  "$1" --version 2>/dev/null | awk '{ print $2; exit }'
}

ensure_wasm_bindgen() {
  ensure_rust
  local want
  want="$(lockfile_bindgen_version)"
  [[ -n "$want" ]] || die "Cargo.lock has no wasm-bindgen package"
  if [[ "$(tool_version wasm-bindgen)" == "$want" && "$(tool_version wasm-bindgen-test-runner)" == "$want" ]]; then
    return 0
  fi
  # Another install of the CLI may already be running (e.g. a second terminal): let it finish.
  local waited=0
  while pgrep -f '^[^ ]*cargo install wasm-bindgen-cli' >/dev/null 2>&1; do
    ((waited)) || say "another 'cargo install wasm-bindgen-cli' is running; waiting for it"
    waited=$((waited + 1))
    ((waited < 240)) || die "gave up waiting for the other wasm-bindgen-cli install"
    sleep 5
  done
  if [[ "$(tool_version wasm-bindgen)" == "$want" && "$(tool_version wasm-bindgen-test-runner)" == "$want" ]]; then
    return 0
  fi
  say "installing wasm-bindgen-cli $want (cargo install, a few minutes; have: $(tool_version wasm-bindgen || true))"
  # No --locked: the CLI's own lockfile pins a crate that no longer builds.
  cargo install wasm-bindgen-cli --version "$want" --force
  [[ "$(tool_version wasm-bindgen)" == "$want" ]] \
    || die "wasm-bindgen on PATH is $(tool_version wasm-bindgen), not $want (check PATH: $(command -v wasm-bindgen))"
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_ensure node:nodejs npm:npm
  fi
}

ensure_npm_deps() {
  ensure_node
  if [[ ! -d node_modules || package-lock.json -nt node_modules || ! -x node_modules/.bin/esbuild \
        || ! -x node_modules/.bin/wasm-opt || ! -d node_modules/playwright-core || ! -d node_modules/axe-core \
        || ! -d node_modules/survey-js-ui || ! -d node_modules/chart.js ]]; then
    say "installing npm dev dependencies (npm ci)"
    npm ci --no-audit --no-fund </dev/null
    touch node_modules
  fi
}

ensure_chromium() {
  apt_ensure "$CHROMIUM:chromium" "$CHROMEDRIVER:chromium-driver"
}

# The newest PostgreSQL server from Debian's packages, for the collector's tests against a real one.
pg_bindir() {
  local dirs=(/usr/lib/postgresql/*/bin)
  [[ -x "${dirs[-1]}/initdb" ]] && printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
}

ensure_postgres() {
  pg_bindir >/dev/null || apt_ensure "/usr/lib/postgresql/no-server-yet/bin/initdb:postgresql"
  pg_bindir >/dev/null || die "postgresql is installed but no /usr/lib/postgresql/*/bin/initdb was found"
}

# start_test_postgres: a throwaway cluster in a temp folder on a free loopback port, as the postgres
# user when we are root (PostgreSQL refuses to run as root). Sets PG_TMP and RELIEF_TEST_POSTGRES.
PG_TMP=""
PG_AS=()
start_test_postgres() {
  ensure_postgres
  local bin port
  bin="$(pg_bindir)"
  PG_TMP="$(mktemp -d /tmp/relief-pg.XXXXXX)"
  trap stop_test_postgres EXIT
  PG_AS=()
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$PG_TMP"
    PG_AS=(runuser -u postgres --)
  fi
  port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
  "${PG_AS[@]}" "$bin/initdb" -D "$PG_TMP/data" -A trust -U relief -E UTF8 --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off" start >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; die "PostgreSQL did not start"; }
  export RELIEF_TEST_POSTGRES="postgres://relief@127.0.0.1:$port/postgres"
  say "PostgreSQL $("$bin/postgres" --version | awk '{ print $3 }') on 127.0.0.1:$port ($PG_TMP)"
}

stop_test_postgres() {
  [[ -n "$PG_TMP" ]] || return 0
  "${PG_AS[@]}" "$(pg_bindir)/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
  PG_TMP=""
}

ensure_brotli() {
  apt_ensure brotli:brotli gzip:gzip
}

# ---------------------------------------------------------------------------------------------
# Subcommands

# build_wasm NAME CARGO_FEATURE_ARGS...: one release wasm build, bound, optimised and minified into
# www/dist/NAME.js and www/dist/NAME_bg.wasm.
build_wasm() {
  local name="$1"
  shift
  step "$name: cargo build (release, $WASM_TARGET, std rebuilt for size, $*)"
  # std is rebuilt with our size profile and panics that trap at once: no panic message formatting
  # and no source locations are linked, which takes core::fmt out of every module (-2.6 KB brotli in
  # the watcher). These are unstable flags of the stable compiler, enabled by RUSTC_BOOTSTRAP for
  # this build only; the loader reports a trap (see fail() in www/relief.js). Its own target dir keeps
  # native and test builds untouched.
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C link-arg=-zstack-size=65536 -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    cargo build --release --target "$WASM_TARGET" --lib --no-default-features --target-dir target/release-std \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
  wasm-bindgen --target web --no-typescript --out-dir "$BINDGEN_OUT" --out-name "$name" \
    "target/release-std/$WASM_TARGET/release/relief_widget.wasm"
  node_modules/.bin/wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types \
    "$BINDGEN_OUT/${name}_bg.wasm" -o "$DIST/${name}_bg.wasm"
  # The glue stays an ES module: the loader import()s it. --bundle folds in the JS snippets the glue
  # imports (src/web/kit.js), so each module is still one file.
  node_modules/.bin/esbuild "$BINDGEN_OUT/$name.js" --bundle --minify --format=esm --log-override:duplicate-object-key=silent --target=es2020 \
    --log-level=warning --outfile="$DIST/$name.js"
}

cmd_build() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_deps

  rm -rf "$BINDGEN_OUT" "$DIST"
  mkdir -p "$DIST"
  # Two wasm modules from one crate: relief_core (the dialog and the text understanding's code, loaded
  # on a visitor's intent) and relief_signals (the frustration watcher, loaded when the browser is
  # idle). The understanding's model is a file of its own, fetched when a visitor writes.
  build_wasm relief_core --features widget
  build_wasm relief_signals --features sentinel
  # The watcher's page side (www/watch.js) and its glue are one module: the loader imports one file.
  node_modules/.bin/esbuild www/watch.js --bundle --minify --format=esm --target=es2020 --log-level=warning \
    --alias:relief-signals-glue="$BINDGEN_OUT/relief_signals.js" --loader:.css=text --outfile="$DIST/relief_signals.js"
  local model
  for model in src/understand/model.*.bin; do
    model="${model#src/understand/model.}"
    cp "src/understand/model.$model" "$DIST/relief_understand.$model"
  done

  # The loader stays a classic script (no format change), for older browsers too.
  local version
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
  node_modules/.bin/esbuild www/relief.js --minify --target=es2018 --supported:dynamic-import=true \
    --define:RELIEF_VERSION="\"$version\"" \
    --log-level=warning --outfile="$DIST/relief.js"

  # Only for shops with `data_layer: true`.
  node_modules/.bin/esbuild www/tags.js --minify --target=es2018 --log-level=warning --outfile="$DIST/relief_tags.js"

  # Wording for the visitor's language, fetched by the loader for anything but English: xx.early.json
  # (the launcher's and the nudge's words) at once, the whole xx.json with the dialog.
  if compgen -G "www/locales/*.json" >/dev/null; then
    mkdir -p "$DIST/locales"
    cp www/locales/*.json "$DIST/locales/"
    node -e '
      const fs = require("fs");
      const early = ["launcher", "nudge.text", "nudge.open", "nudge.dismiss"];
      for (const file of process.argv.slice(1)) {
        const pack = JSON.parse(fs.readFileSync(file, "utf8"));
        const picked = Object.fromEntries(early.filter((k) => k in pack).map((k) => [k, pack[k]]));
        fs.writeFileSync(file.replace(/\.json$/, ".early.json"), JSON.stringify(picked));
      }' "$DIST"/locales/*.json
  fi
  cp www/relief.d.ts "$DIST/relief.d.ts" # TypeScript declarations of the page's API and event details
  say "built:"
  ls -l "$DIST" >&2
}

cmd_test() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_deps
  ensure_chromium

  step "native tests: cargo test"
  cargo test --all-targets
  # Doc tests too (--all-targets leaves them out), when the crate has a Rust library target.
  if cargo metadata --no-deps --format-version 1 | node -e '
      const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const kinds = m.packages.flatMap((p) => p.targets.flatMap((t) => t.kind));
      process.exit(kinds.some((k) => k === "lib" || k === "rlib") ? 0 : 1);'; then
    cargo test --doc
  fi

  step "collector tests on SQLite and PostgreSQL: cargo test -p relief-collector"
  start_test_postgres
  cargo test -p relief-collector --all-targets
  stop_test_postgres

  step "wasm tests in headless Chromium: cargo test --target $WASM_TARGET --test web"
  # webdriver.json (repo root) holds the Chromium flags; each run gets a fresh profile directory.
  local tmp
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'; stop_test_postgres" EXIT
  node -e '
    const fs = require("fs");
    const [src, out, profile] = process.argv.slice(1);
    const caps = JSON.parse(fs.readFileSync(src, "utf8"));
    const opts = caps["goog:chromeOptions"];
    opts.args = opts.args.filter((a) => !a.startsWith("--user-data-dir")).concat("--user-data-dir=" + profile);
    fs.writeFileSync(out, JSON.stringify(caps, null, 2));
  ' "$ROOT/webdriver.json" "$tmp/webdriver.json" "$tmp/profile"
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER="$CHROMEDRIVER" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$tmp/webdriver.json" \
    WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" \
    cargo test --target "$WASM_TARGET" --test web

  step "build"
  cmd_build

  step "end-to-end tests: node --test tests/e2e/"
  shopt -s nullglob
  local files=(tests/e2e/*.test.mjs)
  shopt -u nullglob
  ((${#files[@]})) || die "no tests/e2e/*.test.mjs found"
  node --test --test-concurrency=1 "${files[@]}"
}

cmd_demo() {
  cmd_build
  step "collector: cargo build -p relief-collector"
  cargo build -p relief-collector
  local dir="$ROOT/target/demo" token
  mkdir -p "$dir"
  # One token for the demo's dashboard, kept across runs so a signed-in browser stays signed in.
  [[ -s "$dir/dashboard-token" ]] || od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$dir/dashboard-token"
  token="$(cat "$dir/dashboard-token")"
  step "serving the demo shop and its collector"
  say "dashboard: http://127.0.0.1:${PORT:-8080}/dashboard  token: $token"
  say "events are stored in $dir/relief.sqlite (Ctrl-C stops)"
  RELIEF_DASHBOARD_TOKEN="$token" exec target/debug/relief-collector --listen "127.0.0.1:${PORT:-8080}" \
    --db "$dir/relief.sqlite" --www www
}

cmd_size() {
  ensure_brotli
  if [[ ! -s "$DIST/relief.js" ]]; then
    say "www/dist/ is not built yet: building first"
    cmd_build
  fi
  local files=() f
  # The loader first (every page downloads it), then the rest, which load when the widget starts.
  [[ -f "$DIST/relief.js" ]] && files+=("$DIST/relief.js")
  while IFS= read -r f; do
    [[ "$f" == "$DIST/relief.js" ]] || files+=("$f")
  done < <(find "$DIST" -type f | LC_ALL=C sort)

  local raw gz br name total_raw=0 total_gz=0 total_br=0
  # Brotli bytes for the budget: the loader, what loads before any interaction (the loader, the
  # watcher, the largest early language file), and everything a visitor can download (that, the
  # dialog, the largest understanding model, the data layer and the largest whole language pack).
  local loader_br=0 before_br=0 locale_br=0 pack_br=0 model_br=0 rest_br=0
  printf '%-32s %10s %10s %10s\n' file raw gzip-9 brotli-11
  for f in "${files[@]}"; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    br=$(brotli -q 11 -c "$f" | wc -c)
    name="${f#"$DIST"/}"
    case "$name" in
      relief.js) loader_br=$br before_br=$((before_br + br)) ;;
      relief_signals*) before_br=$((before_br + br)) ;;
      locales/*.early.json) if ((br > locale_br)); then locale_br=$br; fi ;;
      locales/*) if ((br > pack_br)); then pack_br=$br; fi ;;
      relief_understand.*.bin) if ((br > model_br)); then model_br=$br; fi ;; # one, the visitor's language's
      relief.d.ts) ;; # the shop developer's declarations: no page loads it
      *) rest_br=$((rest_br + br)) ;;
    esac
    [[ "$name" == relief.js ]] && name="relief.js (loader)"
    printf '%-32s %10d %10d %10d\n' "$name" "$raw" "$gz" "$br"
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    total_br=$((total_br + br))
  done
  printf '%-32s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br"

  # Budgets (issue 8), brotli -q 11 bytes; over budget exits non-zero. `./build.sh test` does not run this.
  before_br=$((before_br + locale_br))
  local over=0 what size limit verdict
  echo
  while IFS='|' read -r what size limit; do
    verdict=ok
    ((size <= limit)) || { verdict="OVER by $((size - limit)) B"; over=1; }
    printf 'budget %-60s %7d B  <= %6d B  %s\n' "$what" "$size" "$limit" "$verdict"
  done <<EOF
loader (relief.js)|$loader_br|2048
before interaction (loader, relief_signals*, largest locale)|$before_br|20480
everything (that, relief_core*, largest understanding model and pack)|$((before_br + rest_br + model_br + pack_br))|40960
EOF
  ((!over)) || die "over the size budget"
}

cmd_bench() {
  ensure_rust
  step "native benchmarks: relief bench"
  cargo run --release --quiet --bin relief -- bench
  shopt -s nullglob
  local scripts=(bench/*.mjs)
  shopt -u nullglob
  if ((${#scripts[@]})); then
    ensure_npm_deps
    ensure_chromium
    [[ -s "$DIST/relief.js" ]] || cmd_build
    local script
    for script in "${scripts[@]}"; do
      step "browser benchmark: $script"
      node "$script"
    done
  fi
  bench_collector
}

# The collector on loopback, driven by relief-load (collector/src/bin/load.rs), on a new SQLite file:
# single events and batches of 20, bounded in requests and seconds.
bench_collector() {
  step "collector: cargo build --profile collector -p relief-collector"
  cargo build --quiet --profile collector -p relief-collector
  local dir out pid addr=""
  dir="$(mktemp -d)"
  out="$dir/collector.log"
  target/collector/relief-collector --listen 127.0.0.1:0 --db "$dir/bench.sqlite" --rate-limit 0 --quiet \
    --token "bench-token-$(date +%s%N)" >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    addr="$(sed -n 's|.*listening on http://\([^/]*\)/.*|\1|p' "$out")"
    [[ -n "$addr" ]] && break
    sleep 0.1
  done
  [[ -n "$addr" ]] || { kill "$pid"; cat "$out" >&2; die "the collector did not start"; }
  step "collector load on $addr: SQLite (WAL, synchronous=FULL), $(nproc) cores shared with the load"
  target/collector/relief-load --url "http://$addr/v1/events" --batch 1 --connections 48 --requests 60000 --seconds 20 --header
  target/collector/relief-load --url "http://$addr/v1/events" --batch 20 --connections 8 --requests 6000 --seconds 20
  kill "$pid"
  wait "$pid" || true
  rm -rf "$dir"
}

main() {
  case "${1:-}" in
    build) cmd_build ;;
    test) cmd_test ;;
    demo) cmd_demo ;;
    size) cmd_size ;;
    bench) cmd_bench ;;
    -h | --help | help) usage ;;
    *)
      [[ -n "${1:-}" ]] && say "unknown command: $1"
      usage
      exit 2
      ;;
  esac
}

# Run only when executed (sourcing it gives the functions, for checking the install logic).
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
