// Browser helpers for the end-to-end tests and the bench: launch Chromium with or without the
// unpacked extension (fresh profile each time), find the extension and tab ids, open the panel page,
// drive the test pages and read what their frames received.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.SCAPI_CHROMIUM ?? '/usr/bin/chromium';
export const DIST_CHROME = path.resolve(process.env.SCAPI_DIST_CHROME ?? path.join(ROOT, 'dist/chrome'));
export const DIST_FIREFOX = path.resolve(process.env.SCAPI_DIST_FIREFOX ?? path.join(ROOT, 'dist/firefox'));

// Flags from docs/toolchain: no sandbox (root in CI), no network chatter, no first-run UI.
/** Plain-http hostnames that are not localhost (on-premise Workspace): no secure context. */
export const PLAIN_HOSTS = ['--host-resolver-rules=MAP wwe.test 127.0.0.1, MAP apps.test 127.0.0.1'];

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Throws a readable error when the unpacked extension is missing. */
export async function requireDist(dist = DIST_CHROME) {
  try {
    await access(path.join(dist, 'manifest.json'));
  } catch {
    throw new Error(`no unpacked extension at ${dist} (run \`cargo xtask dist\` or set SCAPI_DIST_CHROME)`);
  }
  return dist;
}

/**
 * Launch a persistent context in a fresh user-data dir. With `extension` (a dist dir) the extension
 * is loaded and its service worker awaited. Returns { context, dir, sw, extensionId, close }.
 */
export async function launch({ extension = null, args = [], headless = true } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'scapi-e2e-'));
  const extArgs = extension ? [`--disable-extensions-except=${extension}`, `--load-extension=${extension}`] : [];
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless,
      args: [...BASE_ARGS, ...extArgs, ...args],
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const handle = {
    context,
    dir,
    sw: null,
    extensionId: null,
    async close() {
      await context.close().catch(() => {});
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    },
  };
  if (extension) {
    try {
      handle.sw = await serviceWorker(context);
      handle.extensionId = extensionId(handle.sw);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  return handle;
}

/** The extension's service worker (waits for it to register). */
export async function serviceWorker(context, timeout = 15000) {
  const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (existing) return existing;
  return context.waitForEvent('serviceworker', {
    predicate: (w) => w.url().startsWith('chrome-extension://'),
    timeout,
  });
}

export function extensionId(sw) {
  return new URL(sw.url()).host;
}

/**
 * The chrome.tabs id of `page` (whose URL starts with `url`), asked from the service worker. Tab
 * URLs are only visible with the "tabs" permission or host permissions; without them we bring the
 * page to the front and take the active tab of its window (CDP window ids are chrome.windows ids).
 */
export async function tabIdFor(handle, url, page = null) {
  let sw = handle.sw;
  // The MV3 worker can be stopped when idle; get the current one.
  if (!handle.context.serviceWorkers().includes(sw)) sw = handle.sw = await serviceWorker(handle.context);
  const query = (q) =>
    sw.evaluate(
      async (q) => (await chrome.tabs.query(q)).map((t) => ({ id: t.id, url: t.url, windowId: t.windowId })),
      q,
    );
  const tabs = await query({});
  const byUrl = tabs.find((t) => t.url && t.url.startsWith(url));
  if (byUrl) return byUrl.id;
  if (page) {
    await page.bringToFront();
    const cdp = await handle.context.newCDPSession(page);
    const { windowId } = await cdp.send('Browser.getWindowForTarget');
    await cdp.detach();
    const active = await query({ active: true, windowId });
    if (active.length === 1) return active[0].id;
  }
  throw new Error(`no tab found for ${url} among ${JSON.stringify(tabs)}`);
}

/** A tab on the load page (tests/pages/load.html), whose app frame sends bursts of realistic
 * traffic: `client.evaluate(() => window.burst(n, chunk, pause))`. */
export async function openLoadPage(handle, server) {
  const page = await handle.context.newPage();
  const url = server.urlA('load.html');
  await page.goto(url);
  const client = await (await page.waitForSelector('iframe#client')).contentFrame();
  await client.waitForFunction(() => typeof window.burst === 'function');
  return { page, url, client };
}

/** Open the panel standalone for a tab and wait until its port is connected. */
export async function openPanel(handle, tabId, { timeout = 15000 } = {}) {
  const panel = await handle.context.newPage();
  panel.on('pageerror', (err) => console.log(`[panel pageerror] ${err.message}`));
  panel.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') console.log(`[panel ${msg.type()}] ${msg.text()}`);
  });
  await panel.goto(`chrome-extension://${handle.extensionId}/panel.html?tabId=${tabId}`);
  await panel.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout, state: 'attached' });
  return panel;
}

const ROW_ATTRS = [
  'data-kind',
  'data-direction',
  'data-name',
  'data-reference-id',
  'data-console',
  'data-frame-url',
  'data-frame-origin',
  'data-frame-key',
  'data-seq',
  'data-source',
  'data-exchange-state',
  'data-verdict',
  'data-agreement',
  'aria-selected',
];

/**
 * Every record row the list holds (after the filter), as a plain object of its attributes plus
 * its text. The list is virtual — only the rows in view are in the page — so when it holds more
 * it is scrolled through, and put back where it was.
 */
export function readRows(panel) {
  return panel.evaluate(async (attrs) => {
    const describe = (r) => {
      const cells = r.children.length ? [...r.children].map((c) => c.textContent) : [r.textContent];
      const o = { text: cells.map((c) => c.replace(/\s+/g, ' ').trim()).join(' ') };
      for (const a of attrs) {
        const v = r.getAttribute(a);
        if (v !== null) o[a.replace(/^data-/, '')] = v;
      }
      return o;
    };
    const rows = new Map();
    const collect = () => {
      for (const r of document.querySelectorAll('[data-testid="record-row"]')) {
        rows.set(Number(r.getAttribute('aria-rowindex')), describe(r));
      }
    };
    const list = document.querySelector('.list');
    collect();
    const held = list ? Number(list.getAttribute('aria-rowcount')) - 1 : rows.size;
    if (list && rows.size < held) {
      const saved = list.scrollTop;
      const step = Math.max(list.clientHeight / 2, 20);
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      for (let top = 0; top < list.scrollHeight; top += step) {
        list.scrollTop = top;
        list.dispatchEvent(new Event('scroll'));
        await frame();
        collect();
      }
      list.scrollTop = saved;
      list.dispatchEvent(new Event('scroll'));
      await frame();
    }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  }, ROW_ATTRS);
}

/** Wait until the analysis shown (pairing, states, findings, the overview) is of every record the
 * panel holds: a live stream is analysed at a pace, so the analysis may follow the list by a
 * moment. */
export function waitForAnalysed(panel, { timeout = 10000 } = {}) {
  return panel.waitForFunction(
    () => {
      // "N records", or "shown / N records" under a filter.
      const count = /(\d+) records?$/.exec(document.querySelector('[data-testid="record-count"]')?.textContent ?? '');
      const analysed = Number(document.querySelector('.app')?.dataset.analysed ?? -1);
      return count !== null && analysed === Number(count[1]);
    },
    null,
    { timeout, polling: 50 },
  );
}

/** Wait until the list holds exactly n records (after the filter), rendered or not, and the
 * analysis shown is of all of them (`waitForAnalysed`). */
export async function waitForHeld(panel, n, { timeout = 10000 } = {}) {
  await panel.waitForFunction(
    (n) => Number(document.querySelector('.list')?.getAttribute('aria-rowcount') ?? 1) - 1 === n,
    n,
    { timeout, polling: 50 },
  );
  await waitForAnalysed(panel, { timeout });
}

/** How many records the list holds (after the filter), rendered or not. */
export function heldRows(panel) {
  return panel.$eval('.list', (list) => Number(list.getAttribute('aria-rowcount')) - 1);
}

/** Wait until the panel holds at least n rows; returns the rows (throws with what it saw). */
export async function waitForRows(panel, n, { timeout = 10000 } = {}) {
  try {
    await panel.waitForFunction(
      (min) => Number(document.querySelector('.list')?.getAttribute('aria-rowcount') ?? 1) - 1 >= min,
      n,
      { timeout, polling: 100 },
    );
  } catch {
    const rows = await readRows(panel).catch(() => []);
    throw new Error(
      `panel shows ${rows.length} rows, expected at least ${n} within ${timeout} ms:\n${formatRows(rows)}`,
    );
  }
  return readRows(panel);
}

export function formatRows(rows) {
  return rows
    .map(
      (r) =>
        `  ${r['frame-url'] ?? '?'} seq=${r.seq ?? '?'} ${r.direction ?? '?'} ${r.kind ?? '?'} ` +
        `${r.name ?? ''} ref=${r['reference-id'] ?? '-'} src=${r.source ?? '?'} | ${r.text.slice(0, 120)}`,
    )
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// The Workspace test scenario (tests/pages/workspace.html): what each frame receives per phase.

/** Messages each frame receives on load (phase 1) and after runPhase2 (phase 2), cumulated. */
export const SCENARIO_COUNTS = {
  phase1: { top: 6, cross: 4, same: 4, blank: 2 },
  phase2: { top: 13, cross: 8, same: 9, blank: 3 },
};

/**
 * Posts `n` Workspace events (ATTACHED_DATA_CHANGED, the protocol reference's shape) from a frame
 * to itself: SCAPI traffic the hook captures. For `frame.evaluate(postWorkspaceEvents, n)`.
 */
export function postWorkspaceEvents(n) {
  for (let i = 0; i < n; i++) {
    window.postMessage({
      event: 'interaction',
      data: { eventType: 'ATTACHED_DATA_CHANGED', interaction: { interactionId: `posted-${i}`, userData: { Key0: 'v' } } },
      userAgent: 'WWE Server', protocolVersion: 2,
    }, '*');
  }
}

/** The test frames of a workspace page, by recorder name (top, cross, same, blank). */
export async function scenarioFrames(page) {
  const out = {};
  for (const f of page.frames()) {
    const name = await f.evaluate(() => window.testLog?.name).catch(() => undefined);
    if (name) out[name] = f;
  }
  return out;
}

/** Wait until every frame's recorder has received exactly the expected number of messages. */
export async function waitForCounts(page, counts, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  let seen = {};
  for (;;) {
    const frames = await scenarioFrames(page);
    seen = {};
    for (const name of Object.keys(counts)) {
      seen[name] = frames[name] ? await frames[name].evaluate(() => window.testLog.messages.length) : 'missing';
    }
    if (Object.keys(counts).every((k) => seen[k] === counts[k])) return frames;
    if (Object.keys(counts).some((k) => typeof seen[k] === 'number' && seen[k] > counts[k])) break;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`frames received ${JSON.stringify(seen)}, expected ${JSON.stringify(counts)}`);
}

/**
 * Load the workspace page (by default on origin A) and let its on-load traffic finish. Returns the
 * page URL.
 */
export async function loadWorkspace(page, server, url = server.urlA('workspace.html')) {
  await page.goto(url);
  await waitForCounts(page, SCENARIO_COUNTS.phase1);
  return url;
}

/** Trigger the second wave of traffic (the service's events first, then the clients' requests). */
export async function runPhase2(page) {
  const frames = await scenarioFrames(page);
  await frames.top.evaluate(() => window.runPhase2());
  await Promise.all([frames.cross.evaluate(() => window.runPhase2()), frames.same.evaluate(() => window.runPhase2())]);
  await waitForCounts(page, SCENARIO_COUNTS.phase2);
  // The port acknowledgement travels on the MessagePort, not the window.
  await frames.top.waitForFunction(() => window.testLog.portMessages.length === 1, null, { timeout: 5000 });
}

/** Every frame's recorder snapshot, by frame name. */
export async function collectLogs(page) {
  const frames = await scenarioFrames(page);
  const out = {};
  for (const [name, f] of Object.entries(frames)) out[name] = await f.evaluate(() => window.testLog.snapshot());
  return out;
}

/**
 * The Workspace scenario with the extension: a fresh browser and server, the workspace page after
 * its on-load traffic, and the panel connected to its tab. Runs `check({ server, browser, page,
 * panel, url })` and always cleans up.
 */
export async function withWorkspaceAndPanel(check) {
  const { start } = await import('./server.mjs');
  const server = await start();
  const browser = await launch({ extension: await requireDist() });
  try {
    const page = await browser.context.newPage();
    const url = await loadWorkspace(page, server);
    const panel = await openPanel(browser, await tabIdFor(browser, url, page));
    // The panel opened after phase 1: it shows it once it holds all of it, analysed.
    await waitForHeld(panel, Object.values(SCENARIO_COUNTS.phase1).reduce((a, b) => a + b, 0), { timeout: 15000 });
    await check({ server, browser, page, panel, url });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * The tab's log as the background holds it (a 'history' port, as the popup's Save log reads it),
 * from an extension page (the panel): every batch, records with their raw data. The background
 * sends digests (docs/formats.md): each is given as a record `{seq, time, origin, raw, facts}`.
 */
export async function logOf(extensionPage, tabId, { timeout = 30000 } = {}) {
  // As JSON text: records may nest deeper than Playwright carries objects.
  const texts = await extensionPage.evaluate(
    ({ tabId, timeout }) =>
      new Promise((resolve, reject) => {
        const port = chrome.runtime.connect({ name: `history:${tabId}` });
        const batches = [];
        const timer = setTimeout(() => reject(new Error(`no end of the log after ${timeout} ms`)), timeout);
        port.onMessage.addListener((message) => {
          if (message.type === 'batch') {
            batches.push(typeof message.batch === 'string' ? message.batch : JSON.stringify(message.batch));
          } else if (message.type === 'end') {
            clearTimeout(timer);
            port.disconnect();
            resolve(batches);
          }
        });
      }),
    { tabId, timeout },
  );
  return texts.map((text) => {
    const batch = JSON.parse(text);
    const digested = (batch.digests ?? []).map((digest) => ({
      seq: digest.facts.seq, time: digest.facts.time, origin: digest.facts.origin,
      raw: digest.raw, facts: digest.facts,
    }));
    return { ...batch, records: [...(batch.records ?? []), ...digested] };
  });
}
