// Tiny static server for tests/pages. One port, two origins:
// http://127.0.0.1:PORT (origin A, the Workspace page) and http://localhost:PORT (origin B, a
// cross-origin client). Both names resolve to the loopback interface, so we listen on 127.0.0.1
// (localhost resolves to ::1 first on some machines, hence we also listen on ::1 when available).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PAGES_DIR = fileURLToPath(new URL('../pages/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  let rel = decodeURIComponent(url.pathname);
  if (rel === '/favicon.ico') {
    res.writeHead(204).end(); // keeps 404 noise out of the console
    return;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(PAGES_DIR, path.normalize(rel));
  if (!file.startsWith(PAGES_DIR)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address().port);
    });
  });
}

/**
 * Start the server. Returns { port, originA, originB, urlA(path), urlB(path), stop() }.
 */
export async function start() {
  const servers = [http.createServer(handle)];
  const port = await listen(servers[0], '127.0.0.1', 0);
  // Same port on ::1 so that "localhost" works whichever address the browser tries first.
  const v6 = http.createServer(handle);
  try {
    await listen(v6, '::1', port);
    servers.push(v6);
  } catch {
    v6.close();
  }
  for (const s of servers) s.keepAliveTimeout = 1000;
  const originA = `http://127.0.0.1:${port}`;
  const originB = `http://localhost:${port}`;
  return {
    port,
    originA,
    originB,
    urlA: (p) => `${originA}/${p.replace(/^\//, '')}`,
    urlB: (p) => `${originB}/${p.replace(/^\//, '')}`,
    stop: () => closeAll(servers),
  };
}

/** Stop a server returned by start(). */
export function stop(srv) {
  return srv.stop();
}

async function closeAll(servers) {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections?.();
          s.close(() => resolve());
        }),
    ),
  );
}
