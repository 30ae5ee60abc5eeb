// What a frame captured outlives the frame: a dialog closed, a popup closed, an iframe removed, the
// page reloaded or navigated — all before anyone opened DevTools — still reach the panel when it
// opens, in order and once; on plain-http hostnames that are not localhost (on-premise Workspace:
// not a secure context); through the browser stopping the service worker mid-stream; and what the
// tab's store bound pushes out is counted exactly. The extension's console stays clean throughout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '../support/server.mjs';
import { launch, requireDist, tabIdFor, openPanel, readRows, formatRows, waitForHeld, DIST_CHROME, PLAIN_HOSTS } from '../support/browser.mjs';

let server;
let browser;
const extensionNoise = [];

before(async () => {
  await requireDist(DIST_CHROME);
  server = await start();
  browser = await launch({ extension: DIST_CHROME, args: PLAIN_HOSTS });
  // Every warning or error the extension writes, from its worker or from the pages it runs in.
  const watch = (where) => (message) => {
    if (['error', 'warning'].includes(message.type()) && /SCAPI Inspector|chrome-extension:/.test(`${message.text()} ${message.location()?.url ?? ''}`)) {
      extensionNoise.push(`[${where}] ${message.type()}: ${message.text()}`);
    }
  };
  browser.sw.on('console', watch('service worker'));
  browser.context.on('page', (page) => {
    page.on('console', watch(page.url()));
    page.on('pageerror', (error) => { if (/SCAPI|extension/.test(error.stack ?? '')) extensionNoise.push(`[page] ${error.message}`); });
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const url = (host, path) => `http://${host}:${server.port}/${path}`;

// Realistic shapes: the vendor client's request envelope, Workspace's answer and event.
const REQUEST = (ref) => ({ request: 'agent.getState', parameters: [], referenceId: String(ref), userAgent: 'WWE Service Client', protocolVersion: 2 });
const ANSWER = (ref) => ({ referenceId: String(ref), data: { state: 'Ready' }, userAgent: 'WWE Server', protocolVersion: 2 });

/**
 * In `page`'s top document: embed the client page at `src` as an iframe, have it send `n` requests
 * to the top (each answered), then remove the iframe. Resolves when it is gone.
 */
function exchangeAndRemove(page, src, n) {
  return page.evaluate(async ({ src, n, request, answer }) => {
    const toRequest = new Function(`return ${request}`)();
    const toAnswer = new Function(`return ${answer}`)();
    const frame = document.createElement('iframe');
    frame.src = src;
    await new Promise((resolve) => { frame.onload = resolve; document.body.append(frame); });
    let answered = 0;
    const done = new Promise((resolve) => {
      addEventListener('message', (event) => {
        if (event.source !== frame.contentWindow || !event.data?.request) return;
        event.source.postMessage(toAnswer(event.data.referenceId), '*');
        if (++answered === n) resolve();
      });
    });
    frame.contentWindow.postMessage({ type: 'post-requests', n }, '*');
    await done;
    await new Promise((resolve) => setTimeout(resolve, 300));
    frame.remove();
  }, { src, n, request: REQUEST.toString(), answer: ANSWER.toString() });
}

/**
 * The SCAPI rows' `kind:referenceId` per frame URL (the relay's trigger is foreign, left out), and
 * the check that no record is shown twice.
 */
function byFrame(rows) {
  const out = {};
  for (const row of rows) {
    if (row.kind !== 'foreign') (out[row['frame-url']] ??= []).push(`${row.kind}:${row['reference-id'] ?? '-'}`);
  }
  const ids = new Set(rows.map((row) => `${row['frame-key']}#${row.seq}`));
  assert.equal(ids.size, rows.length, `a record is shown twice:\n${formatRows(rows)}`);
  return out;
}

test('plain-http, not localhost: an iframe removed and the page reloaded and navigated before the panel opens', async () => {
  const page = await browser.context.newPage();
  const first = url('wwe.test', 'plain.html?name=wwe-first');
  await page.goto(first);
  assert.equal(await page.evaluate(() => window.isSecureContext), false, 'the test page must not be a secure context');
  const child = url('apps.test', 'relay.html');
  await exchangeAndRemove(page, child, 5);
  // Reload, then navigate: two earlier documents of the tab.
  await page.reload();
  await page.evaluate(() => postMessage({ request: 'agent.getState', parameters: [], referenceId: '0', userAgent: 'WWE Service Client', protocolVersion: 2 }, '*'));
  const last = url('wwe.test', 'plain.html?name=wwe-last');
  await page.goto(last);
  await page.evaluate(() => postMessage({ request: 'agent.getState', parameters: [], referenceId: '0', userAgent: 'WWE Service Client', protocolVersion: 2 }, '*'));

  const panel = await openPanel(browser, await tabIdFor(browser, last, page));
  try {
    await waitForHeld(panel, 5 + 1 + 5 + 1 + 1).catch(() => {});
    await panel.waitForTimeout(300); // duplicates, if any, would arrive now
    const rows = await readRows(panel);
    const frames = byFrame(rows);
    const relay = Object.keys(frames).find((key) => key.startsWith(child));
    assert.ok(relay, `no row of the removed iframe:\n${formatRows(rows)}`);
    assert.deepEqual(frames[relay], [0, 1, 2, 3, 4].map((ref) => `response:${ref}`), formatRows(rows));
    // The first document got the iframe's five requests; the reloaded one and the last one their own.
    assert.equal(frames[first].length, 6, formatRows(rows));
    assert.equal(frames[last].length, 1, formatRows(rows));
    assert.equal(rows.length, 13, formatRows(rows));
    // Each later document starts with a navigation marker.
    const marked = await panel.$$eval('[data-testid="record-row"][data-navigation]', (r) => r.map((row) => row.dataset.frameUrl));
    assert.deepEqual(marked, [first, last], 'navigation markers');
    // The Frames view names the gone frames and when they ended.
    await panel.click('[data-testid="frames-toggle"]');
    const cards = await panel.$$eval('[data-testid="frame-card"]', (cards) => cards.map((card) => ({ url: card.querySelector('dd.mono')?.textContent, ended: card.dataset.ended })));
    const gone = cards.filter((card) => card.ended).map((card) => card.url);
    assert.ok(gone.some((u) => u.startsWith(child)), `the removed iframe is not shown as gone: ${JSON.stringify(cards)}`);
    assert.equal(gone.filter((u) => u === first).length, 2, `both earlier documents are gone: ${JSON.stringify(cards)}`);
    assert.ok(cards.some((card) => card.url === last && !card.ended), JSON.stringify(cards));
    assert.equal(await panel.locator('[data-testid="dropped-count"]').count(), 0);
  } finally {
    await panel.close();
    await page.close();
  }
});

test('a popup that exchanged messages and was closed before the panel opens', async () => {
  const page = await browser.context.newPage();
  const top = url('wwe.test', 'plain.html?name=opener');
  await page.goto(top);
  const [popup] = await Promise.all([
    browser.context.waitForEvent('page'),
    page.evaluate((src) => { window.popup = window.open(src, 'app-popup', 'popup,width=400,height=300'); }, url('apps.test', 'relay.html?opener=1')),
  ]);
  await popup.waitForLoadState();
  await page.evaluate(async (n) => {
    let answered = 0;
    await new Promise((resolve) => {
      addEventListener('message', (event) => {
        if (event.source !== window.popup || !event.data?.request) return;
        event.source.postMessage({ referenceId: event.data.referenceId, data: {}, userAgent: 'WWE Server', protocolVersion: 2 }, '*');
        if (++answered === n) resolve();
      });
      window.popup.postMessage({ type: 'post-requests', n }, '*');
    });
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await popup.close();
  const panel = await openPanel(browser, await tabIdFor(browser, top, page));
  try {
    await waitForHeld(panel, 11).catch(() => {});
    await panel.waitForTimeout(300);
    const rows = await readRows(panel);
    const frames = byFrame(rows);
    const popupRows = Object.entries(frames).find(([key]) => key.includes('relay.html?opener=1'));
    assert.ok(popupRows, formatRows(rows));
    assert.deepEqual(popupRows[1], [0, 1, 2, 3, 4].map((ref) => `response:${ref}`), formatRows(rows));
    assert.deepEqual(frames[top], [0, 1, 2, 3, 4].map((ref) => `request:${ref}`), formatRows(rows));
    // The requests came from the popup and its answers went to it: they pair.
    assert.ok(rows.filter((r) => r.kind === 'request').every((r) => r['exchange-state'] === 'answered'), formatRows(rows));
  } finally {
    await panel.close();
    await page.close();
  }
});

test('the service worker stopped while a frame streams, and the frame gone before the panel opens', async () => {
  const page = await browser.context.newPage();
  const top = url('wwe.test', 'plain.html?name=restart');
  await page.goto(top);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  const N = 600;
  // The iframe sends N requests in bursts; the worker is stopped three times meanwhile.
  const exchange = exchangeAndRemove(page, url('apps.test', `relay.html?bursts=6`), N);
  for (let stop = 0; stop < 3; stop++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await cdp.send('ServiceWorker.stopAllWorkers');
  }
  await exchange;
  await cdp.detach();
  const panel = await openPanel(browser, await tabIdFor(browser, top, page));
  try {
    await waitForHeld(panel, 2 * N + 1, { timeout: 20000 }).catch(() => {});
    await panel.waitForTimeout(300);
    const count = Number((await panel.textContent('[data-testid="record-count"]')).match(/\d+/)[0]);
    assert.equal(count, 2 * N + 1, 'every request and answer (and the trigger), once');
    assert.equal(await panel.locator('[data-testid="dropped-count"]').count(), 0, 'nothing counted as lost');
  } finally {
    await panel.close();
    await page.close();
  }
});

test("the tab's store bound: what it keeps plus what it counts as lost is what was delivered", async () => {
  const page = await browser.context.newPage();
  const top = url('wwe.test', 'plain.html?name=flood');
  await page.goto(top);
  const DELIVERED = 51000; // the bound is 50,000 SCAPI records per tab
  await page.evaluate(async (n) => {
    for (let ref = 0; ref < n; ref++) {
      postMessage({ request: 'agent.getState', parameters: [], referenceId: String(ref), userAgent: 'WWE Service Client', protocolVersion: 2 }, '*');
      if (ref % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, DELIVERED);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  const panel = await openPanel(browser, await tabIdFor(browser, top, page));
  try {
    await panel.waitForSelector('[data-testid="dropped-count"]', { timeout: 30000 });
    await waitForHeld(panel, 50000, { timeout: 30000 });
    const kept = Number((await panel.textContent('[data-testid="record-count"]')).match(/\d+/)[0]);
    const lost = Number((await panel.textContent('[data-testid="dropped-count"]')).match(/\d+/)[0]);
    assert.equal(kept, 50000);
    assert.equal(kept + lost, DELIVERED, `kept ${kept} + lost ${lost}`);
    assert.match(await panel.getAttribute('[data-testid="dropped-count"]', 'title'), /50,000 SCAPI records per tab/);
  } finally {
    await panel.close();
    await page.close();
  }
});

test('no warning or error from the extension during the whole run', () => {
  assert.deepEqual(extensionNoise, []);
});
