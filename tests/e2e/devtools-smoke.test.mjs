// Smoke test in the real DevTools window: Chromium opens DevTools for the tab, we show the
// extension's "SCAPI" panel through DevTools' internal InspectorView, and the panel (an iframe of
// the DevTools page, inspecting the tab via chrome.devtools) shows the tab's messages.
// DevTools internals are not an API: this stays a single smoke test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch, loadWorkspace, runPhase2, postWorkspaceEvents, SCENARIO_COUNTS } from '../support/browser.mjs';

// Minimal WebSocket client, enough for CDP (node 20 has no global WebSocket without a flag, and we
// add no npm dependency): masked text frames out; text, continuation, ping and close frames in.
function cdpConnect(wsUrl) {
  return new Promise((resolve, reject) => {
    const req = http.request(wsUrl.replace(/^ws:/, 'http:'), {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`${wsUrl}: HTTP ${res.statusCode} instead of an upgrade`)));
    req.on('upgrade', (_res, socket, head) => {
      let buf = head;
      let fragments = [];
      let nextId = 0;
      const pending = new Map();
      const frame = (opcode, payload) => {
        const len = payload.length;
        const hdr = Buffer.alloc(len < 126 ? 2 : len < 65536 ? 4 : 10);
        hdr[0] = 0x80 | opcode;
        if (len < 126) hdr[1] = 0x80 | len;
        else if (len < 65536) (hdr[1] = 0x80 | 126), hdr.writeUInt16BE(len, 2);
        else (hdr[1] = 0x80 | 127), hdr.writeBigUInt64BE(BigInt(len), 2);
        const mask = crypto.randomBytes(4);
        const body = Buffer.from(payload);
        for (let i = 0; i < len; i++) body[i] ^= mask[i & 3];
        socket.write(Buffer.concat([hdr, mask, body]));
      };
      const onText = (text) => {
        const msg = JSON.parse(text);
        const p = msg.id !== undefined && pending.get(msg.id);
        if (!p) return; // events are not needed here
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      };
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2) {
          const fin = buf[0] & 0x80;
          const opcode = buf[0] & 0x0f;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) {
            if (buf.length < 4) return;
            len = buf.readUInt16BE(2);
            off = 4;
          } else if (len === 127) {
            if (buf.length < 10) return;
            len = Number(buf.readBigUInt64BE(2));
            off = 10;
          }
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (opcode === 9) frame(10, payload);
          else if (opcode === 8) socket.end();
          else if (opcode === 0 || opcode === 1) {
            fragments.push(payload);
            if (fin) {
              const text = Buffer.concat(fragments).toString('utf8');
              fragments = [];
              onText(text);
            }
          }
        }
      });
      socket.on('close', () => {
        for (const p of pending.values()) p.reject(new Error(`${p.method}: connection closed`));
        pending.clear();
      });
      socket.on('error', () => {});
      resolve({
        send(method, params = {}) {
          const id = ++nextId;
          return new Promise((res, rej) => {
            pending.set(id, { resolve: res, reject: rej, method });
            frame(1, Buffer.from(JSON.stringify({ id, method, params })));
          });
        },
        /** Evaluate an expression (promises awaited) and return its JSON value; throws page errors. */
        async evaluate(expression) {
          const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
          if (r.exceptionDetails) {
            throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
          }
          return r.result.value;
        },
        close() {
          try {
            frame(8, Buffer.alloc(0));
          } catch {}
          socket.destroy();
        },
      });
    });
    req.end();
  });
}

async function poll(what, fn, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let server;
let browser;
const sockets = [];

before(async () => {
  await requireDist(DIST_CHROME);
  server = await start();
  // Port 0: Chromium picks a free port and writes it to <user-data-dir>/DevToolsActivePort.
  browser = await launch({
    extension: DIST_CHROME,
    args: ['--auto-open-devtools-for-tabs', '--remote-debugging-port=0'],
  });
});

after(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
  await server?.stop();
});

test('the SCAPI panel inside the real DevTools window shows the tab traffic', async (t) => {
  const port = await poll('DevToolsActivePort', async () =>
    Number((await readFile(path.join(browser.dir, 'DevToolsActivePort'), 'utf8')).split('\n')[0]),
  );
  const targets = async () => (await fetch(`http://127.0.0.1:${port}/json/list`)).json();

  const page = await browser.context.newPage();
  await loadWorkspace(page, server);
  const devtools = await poll('the DevTools window of the workspace tab', async () =>
    (await targets()).find((x) => x.url.startsWith('devtools://') && x.title.includes('workspace.html')),
  );
  const dt = await cdpConnect(devtools.webSocketDebuggerUrl);
  sockets.push(dt);

  // DevTools' own module graph; the path is internal to the bundled front end.
  const inspectorView = `(await import('./ui/legacy/legacy.js')).InspectorView.InspectorView.instance()`;
  try {
    await poll('DevTools InspectorView', () => dt.evaluate(`(async () => !!${inspectorView})()`), 10000);
  } catch (err) {
    t.skip(`DevTools internals unreachable (import ./ui/legacy/legacy.js → InspectorView.instance()): ${err.message}`);
    return;
  }

  // Extension panels are registered under <extension origin><title> (spaces and ports removed).
  const panelId = `chrome-extension://${browser.extensionId}SCAPI`;
  await poll(`DevTools to register panel ${panelId}`, () =>
    dt.evaluate(`(async () => ${inspectorView}.hasPanel(${JSON.stringify(panelId)}))()`),
  ).catch(async (err) => {
    const tabs = await dt
      .evaluate(`(async () => ${inspectorView}.getTabbedPaneForTabId?.('elements')?.tabIds?.())()`)
      .catch(() => 'unknown');
    throw new Error(`${err.message}; DevTools tabs: ${JSON.stringify(tabs)}`);
  });
  await dt.evaluate(`(async () => { await ${inspectorView}.showPanel(${JSON.stringify(panelId)}); })()`);

  // The panel page is an out-of-process iframe of this DevTools page, with its own target.
  const panelTarget = await poll('the panel iframe target', async () =>
    (await targets()).find(
      (x) => x.parentId === devtools.id && x.url.startsWith(`chrome-extension://${browser.extensionId}/panel.html`),
    ),
  );
  const panel = await cdpConnect(panelTarget.webSocketDebuggerUrl);
  sockets.push(panel);
  const state = () =>
    panel.evaluate(`({
      rows: document.querySelectorAll('[data-testid="record-row"]').length,
      connection: document.querySelector('[data-testid="connection"]')?.dataset.state ?? null,
      count: document.querySelector('[data-testid="record-count"]')?.textContent ?? null,
      frames: [...new Set([...document.querySelectorAll('[data-testid="record-row"]')].map((r) => r.dataset.frameUrl))],
    })`);

  // Messages delivered before DevTools showed the panel are replayed into it...
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  const replayed = await poll('rows in the DevTools panel', async () => {
    const s = await state();
    return s.rows >= sum(SCENARIO_COUNTS.phase1) && s;
  }).catch(async (err) => assert.fail(`${err.message}; panel state: ${JSON.stringify(await state())}`));
  assert.equal(replayed.connection, 'connected');
  assert.ok(replayed.rows >= 1);
  assert.equal(replayed.frames.length, 4, `rows from all four frames: ${JSON.stringify(replayed.frames)}`);

  // ...and new traffic arrives live.
  await runPhase2(page);
  const total = sum(SCENARIO_COUNTS.phase2);
  await poll(`${total} rows after more traffic`, async () => (await state()).rows === total).catch(async (err) =>
    assert.fail(`${err.message}; panel state: ${JSON.stringify(await state())}`),
  );
  const live = await state();
  assert.equal(live.rows, total);
  assert.match(live.count ?? '', new RegExp(`\\b${total}\\b`));

  // The request console works from DevTools too: agent.getState sent as the first app the console
  // offers reaches the page's Workspace frame as that app's message, and is listed, marked.
  await panel.evaluate(`document.querySelector('[data-testid="console-toggle"]').click()`);
  const offered = await poll('an app in the console', () =>
    panel.evaluate(`document.querySelector('[data-testid="console-app"] option')?.textContent ?? null`));
  await panel.evaluate(`(() => {
    const name = document.querySelector('[data-testid="console-name"]');
    name.value = 'agent.getState';
    name.dispatchEvent(new InputEvent('input', { bubbles: true }));
  })()`);
  await poll('the send button enabled', () => panel.evaluate(`!document.querySelector('[data-testid="console-send"]').disabled`));
  await panel.evaluate(`document.querySelector('[data-testid="console-send"]').click()`);
  const sent = await poll('the console request in the list', () => panel.evaluate(`(() => {
    const row = document.querySelector('[data-testid="record-row"][data-kind="request"][data-console="true"]');
    return row ? { name: row.dataset.name, referenceId: row.dataset.referenceId, app: row.querySelector('[data-testid="app-cell"]').dataset.app } : null;
  })()`)).catch(async (err) => assert.fail(`${err.message}; console: ${await panel.evaluate(`document.querySelector('[data-testid="console"]')?.textContent`)}`));
  assert.equal(sent.name, 'agent.getState');
  assert.match(sent.referenceId, /^scapi-console-\d+$/);
  assert.ok(offered.includes(new URL(sent.app).pathname.split('/').pop()), `${offered} / ${sent.app}`);

  // Hidden behind another DevTools tool, the panel keeps what arrives but draws nothing (its draws
  // and analyses would take the page's CPU for a view no one sees); shown again, it draws it all.
  // The list is virtual (its rows are those in view): the toolbar's count says what is drawn.
  // What the console's request brought is drawn once the count holds for a second.
  const drawnCount = async () => Number(/\d+/.exec((await state()).count ?? '')?.[0] ?? NaN);
  let countBefore = -1;
  await poll('the panel settled', async () => {
    const count = await drawnCount();
    if (count === countBefore) return true;
    countBefore = count;
    await new Promise((r) => setTimeout(r, 1000));
    return false;
  });
  await dt.evaluate(`(async () => { await ${inspectorView}.showPanel('console'); })()`);
  await poll('the panel told it is hidden', () => panel.evaluate('window.scapiPanelShown === false'));
  const HIDDEN_EVENTS = 5;
  await page.evaluate(postWorkspaceEvents, HIDDEN_EVENTS);
  // Long enough for the lines to reach the panel and for any draw to happen (a draw is asked for
  // within 100 ms of a batch, paced at most 160 ms apart).
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(await drawnCount(), countBefore, 'no draw while hidden');
  await dt.evaluate(`(async () => { await ${inspectorView}.showPanel(${JSON.stringify(panelId)}); })()`);
  await poll('the records that came while hidden, drawn once shown', async () =>
    (await drawnCount()) === countBefore + HIDDEN_EVENTS).catch(async (err) =>
    assert.fail(`${err.message}; panel state: ${JSON.stringify(await state())}`));
  assert.equal(await panel.evaluate('window.scapiPanelShown'), true);
});
