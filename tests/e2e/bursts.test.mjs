// Bursts and floods in one frame (issue 17): a panel that listens receives every message of a
// burst far beyond any queue's size, and foreign traffic (a widget's resize messages) next to SCAPI
// traffic never pushes a SCAPI record out — foreign lines have bounds of their own, counted apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '../support/server.mjs';
import { launch, requireDist, tabIdFor, openPanel, logOf, DIST_CHROME } from '../support/browser.mjs';

let server;
let browser;

before(async () => {
  await requireDist(DIST_CHROME);
  server = await start();
  browser = await launch({ extension: DIST_CHROME });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The vendor client's request envelope.
const REQUEST = (ref) => ({ request: 'agent.getState', parameters: [], referenceId: String(ref), userAgent: 'WWE Service Client', protocolVersion: 2 });

/** The panel's counters: records held, lost ("dropped"), foreign lines let go. */
function counters(panel) {
  return panel.evaluate(() => {
    const number = (id) => Number(document.querySelector(`[data-testid="${id}"]`)?.textContent.replace(/[^0-9]/g, '') || 0);
    return { kept: number('record-count'), dropped: number('dropped-count') };
  });
}

/** The tab's log from the background: SCAPI records' referenceIds, foreign records, and losses. */
async function logged(panel, tabId) {
  const batches = await logOf(panel, tabId);
  const refs = [];
  let foreign = 0;
  for (const batch of batches) {
    for (const record of batch.records) {
      if (typeof record.raw?.request === 'string') refs.push(Number(record.raw.referenceId));
      else foreign++;
    }
  }
  const frameLosses = new Map();
  for (const batch of batches) {
    frameLosses.set(batch.frame.key, {
      dropped: batch.dropped,
      foreignEvicted: batch.foreignEvicted ?? 0,
      unreadable: batch.unreadable ?? 0,
    });
  }
  const losses = { dropped: 0, foreignEvicted: 0, unreadable: 0 };
  for (const loss of frameLosses.values()) for (const key in losses) losses[key] += loss[key];
  return { refs, foreign, losses, captured: Math.max(...batches.map((batch) => batch.captured)) };
}

const distinctRefs = (refs) => new Set(refs).size;

/** Waits until the panel's counters say `n` records arrived, kept or counted as dropped. */
function waitForArrived(panel, n, timeout = 120000) {
  return panel.waitForFunction((n) => {
    const number = (id) => Number(document.querySelector(`[data-testid="${id}"]`)?.textContent.replace(/[^0-9]/g, '') || 0);
    return number('record-count') + number('dropped-count') >= n;
  }, n, { timeout, polling: 250 });
}

test('with the panel open, a burst of 30,000 SCAPI messages (70 MB) posted at once in one frame all arrive', async () => {
  const page = await browser.context.newPage();
  const top = server.urlA('plain.html?name=burst');
  await page.goto(top);
  const tabId = await tabIdFor(browser, top, page);
  const panel = await openPanel(browser, tabId);
  try {
    // About 2.3 KB a message: the burst is more than one message between extension pages may
    // carry (Chrome: 64 MiB), from the frame to the background and from there to the panel.
    const N = 30000;
    await page.evaluate(({ n, template }) => {
      for (let ref = 0; ref < n; ref++) postMessage({ ...template, referenceId: String(ref) }, '*');
    }, { n: N, template: { ...REQUEST(0), parameters: ['p'.repeat(2000)] } });
    await waitForArrived(panel, N);
    assert.deepEqual(await counters(panel), { kept: N, dropped: 0 });
    const shown = await panel.evaluate(() => document.querySelectorAll('[data-testid="evicted-count"]').length);
    assert.equal(shown, 0, 'nothing over the cap');
  } finally {
    await panel.close();
    await page.close();
  }
});

// 10,000 resize messages, and after every 20 a SCAPI request: 500 requests in the flood.
const FLOOD = { resizes: 10000, every: 20 };
function flood(page) {
  return page.evaluate(({ resizes, every, template }) => {
    let ref = 0;
    for (let i = 0; i < resizes; i++) {
      postMessage({ type: 'resize', height: i }, '*');
      if (i % every === every - 1) postMessage({ ...template, referenceId: String(ref++) }, '*');
    }
    return ref;
  }, { ...FLOOD, template: REQUEST(0) });
}

/** The Frames view's text for the page's frame: records, lost, foreign not kept. */
async function frameRecordsText(panel) {
  await panel.click('[data-testid="frames-toggle"]');
  const text = await panel.locator('[data-testid="frame-records"]').first().textContent();
  await panel.click('[data-testid="frames-toggle"]');
  return text;
}

test('a foreign flood next to SCAPI traffic, panel open: every message arrives, none counted as dropped', async () => {
  const page = await browser.context.newPage();
  const top = server.urlA('plain.html?name=flood-open');
  await page.goto(top);
  const tabId = await tabIdFor(browser, top, page);
  const panel = await openPanel(browser, tabId);
  try {
    const scapi = await flood(page);
    await waitForArrived(panel, FLOOD.resizes + scapi);
    assert.deepEqual(await counters(panel), { kept: FLOOD.resizes + scapi, dropped: 0 });
    // The tab's log keeps its own, smaller bound for foreign lines, counted apart.
    const log = await logged(panel, tabId);
    assert.equal(log.refs.length, scapi, 'every SCAPI record in the log');
    assert.equal(distinctRefs(log.refs), scapi);
    assert.equal(log.foreign + log.losses.foreignEvicted, FLOOD.resizes, `${log.foreign} foreign kept`);
    assert.ok(log.foreign <= 2000, `${log.foreign} foreign kept`);
    assert.deepEqual([log.losses.dropped, log.losses.unreadable], [0, 0]);
  } finally {
    await panel.close();
    await page.close();
  }
});

test('a foreign flood next to SCAPI traffic, panel opened late: every SCAPI record kept, foreign counted apart', async () => {
  const page = await browser.context.newPage();
  const top = server.urlA('plain.html?name=flood-late');
  await page.goto(top);
  const tabId = await tabIdFor(browser, top, page);
  const scapi = await flood(page);
  // The frame streams once it sees SCAPI traffic; wait until the background holds all of it.
  const history = await browser.context.newPage();
  await history.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  const deadline = Date.now() + 30000;
  let log;
  do {
    await history.waitForTimeout(250);
    log = await logged(history, tabId);
  } while (log.refs.length + log.foreign + log.losses.foreignEvicted < FLOOD.resizes + scapi && Date.now() < deadline);
  await history.close();
  assert.equal(log.refs.length, scapi, 'every SCAPI record in the log');
  assert.equal(distinctRefs(log.refs), scapi);
  assert.equal(log.foreign + log.losses.foreignEvicted, FLOOD.resizes);
  assert.ok(log.foreign <= 2000, `${log.foreign} foreign kept`);

  const panel = await openPanel(browser, tabId);
  try {
    await waitForArrived(panel, scapi + log.foreign);
    await panel.waitForTimeout(300);
    assert.deepEqual(await counters(panel), { kept: scapi + log.foreign, dropped: 0 });
    const records = await frameRecordsText(panel);
    assert.match(records, new RegExp(`^${scapi + log.foreign}, ${log.losses.foreignEvicted} foreign messages not kept$`), records);
  } finally {
    await panel.close();
    await page.close();
  }
});

test('a frame that never saw SCAPI traffic holds only a little foreign context, the rest counted apart', async () => {
  const page = await browser.context.newPage();
  const top = server.urlA('plain.html?name=foreign-only');
  await page.goto(top);
  const tabId = await tabIdFor(browser, top, page);
  await page.evaluate((n) => { for (let i = 0; i < n; i++) postMessage({ type: 'resize', height: i }, '*'); }, FLOOD.resizes);
  await page.waitForTimeout(500);
  const panel = await openPanel(browser, tabId);
  try {
    // The panel asks every frame to stream: this one hands over the 100 messages it held.
    await waitForArrived(panel, 100, 20000);
    await panel.waitForTimeout(300);
    assert.deepEqual(await counters(panel), { kept: 100, dropped: 0 });
    const records = await frameRecordsText(panel);
    assert.equal(records, `100, ${FLOOD.resizes - 100} foreign messages not kept`);
  } finally {
    await panel.close();
    await page.close();
  }
});
