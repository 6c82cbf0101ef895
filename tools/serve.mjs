// Static server for the demo shop in www/ plus a demo event collector at POST /collect and a demo
// single-use discount code service at POST /codes (for offers with "code_url": "/codes").
// No dependencies. Used by `./build.sh demo` and by the end-to-end tests:
//
//   import { startServer } from '../../tools/serve.mjs';
//   const server = await startServer({ port: 0, quiet: true });
//   server.url;                    // "http://127.0.0.1:PORT/"
//   server.setCollectorUp(false);  // /collect answers 503 until set back to true
//   server.received();             // { events: [unique by id], repeats, requests }
//   server.setCodesUp(false);      // /codes answers 503 until set back to true
//   server.codes();                // [{ code, offer, total, currency }], every code issued
//   await server.close();

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEFAULT_ROOT = join(REPO, 'www');
const MAX_BODY = 1024 * 1024;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

/**
 * Start the server. Resolves once it is listening.
 * @param {{ port?: number, host?: string, root?: string, quiet?: boolean, log?: (line: string) => void }} [options]
 */
export function startServer({ port = 0, host = '127.0.0.1', root = DEFAULT_ROOT, quiet = false, log } = {}) {
  const rootDir = resolve(root);
  const say = quiet ? () => {} : (log ?? ((line) => console.log(line)));
  const byId = new Map(); // id -> event (first copy received)
  const state = { collectorUp: true, repeats: 0, requests: 0, codesUp: true };
  const issued = []; // every discount code handed out by /codes

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      }
      res.end('internal error\n');
      if (!quiet) console.error('[serve]', err);
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/collect') return collect(req, res);
    if (url.pathname === '/codes') return codes(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Cache-Control': 'no-store' });
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS', 'Cache-Control': 'no-store' });
      return res.end();
    }
    return serveFile(url, req, res);
  }

  async function serveFile(url, req, res) {
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return notFound(res);
    }
    if (path.includes('\0')) return notFound(res);
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(rootDir, '.' + path);
    if (file !== rootDir && !file.startsWith(rootDir + sep)) return notFound(res);
    let info;
    try {
      info = await stat(file);
    } catch {
      return notFound(res);
    }
    if (info.isDirectory()) {
      res.writeHead(301, { Location: url.pathname + '/', 'Cache-Control': 'no-store' });
      return res.end();
    }
    if (!info.isFile()) return notFound(res);
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function collect(req, res) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Cache-Control': 'no-store' });
      return res.end();
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { ...CORS, Allow: 'POST, OPTIONS', 'Cache-Control': 'no-store' });
      return res.end();
    }
    state.requests += 1;
    const text = await readBody(req);
    if (text === null) {
      res.writeHead(413, { ...CORS, 'Cache-Control': 'no-store' });
      return res.end();
    }
    if (!state.collectorUp) {
      res.writeHead(503, { ...CORS, 'Retry-After': '1', 'Cache-Control': 'no-store' });
      return res.end();
    }
    // The widget sends Content-Type text/plain (no preflight): parse whatever the type says.
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      res.writeHead(400, { ...CORS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end('body is not JSON\n');
    }
    const events = Array.isArray(parsed) ? parsed : [parsed];
    for (const event of events) {
      if (!event || typeof event !== 'object' || typeof event.id !== 'string') continue;
      if (byId.has(event.id)) {
        state.repeats += 1;
        continue;
      }
      byId.set(event.id, event);
      say(`collect: ${event.type ?? '(no type)'} ${event.id}`);
    }
    res.writeHead(204, { ...CORS, 'Cache-Control': 'no-store' });
    res.end();
  }

  // A shop's code service: a fresh single-use code for each accepted discount, never the same twice.
  // A real one would also tie it to the basket or session, rate-limit, and expire it.
  async function codes(req, res) {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Cache-Control': 'no-store' });
      return res.end();
    }
    const text = await readBody(req);
    let request = null;
    try {
      request = JSON.parse(text ?? '');
    } catch {
      // answered below
    }
    if (!request || typeof request.offer !== 'string' || !Number.isInteger(request.total)) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end('expected {"offer": "...", "total": 12900, "currency": "GBP"}\n');
    }
    if (!state.codesUp) {
      res.writeHead(503, { 'Retry-After': '1', 'Cache-Control': 'no-store' });
      return res.end();
    }
    const code = `FERN-${randomBytes(4).toString('hex').toUpperCase()}`;
    issued.push({ code, offer: request.offer, total: request.total, currency: request.currency });
    say(`codes: ${code} for ${request.offer}`);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ code }));
  }

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const url = `http://${host}:${address.port}/`;
      resolvePromise({
        url,
        port: address.port,
        close() {
          return new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          });
        },
        setCollectorUp(up) {
          state.collectorUp = Boolean(up);
        },
        setCodesUp(up) {
          state.codesUp = Boolean(up);
        },
        codes() {
          return issued.map((c) => ({ ...c }));
        },
        received() {
          return {
            events: [...byId.values()].map((e) => structuredClone(e)),
            repeats: state.repeats,
            requests: state.requests,
          };
        },
      });
    });
  });
}

function readBody(req) {
  return new Promise((resolvePromise, reject) => {
    const chunks = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end('not found\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number.parseInt(process.env.PORT ?? '8080', 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be 0..65535, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const server = await startServer({ port });
  console.log(`Demo shop: ${server.url}`);
  console.log('Collector: POST ' + server.url + 'collect (events are logged below; Ctrl-C stops)');
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
