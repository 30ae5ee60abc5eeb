// The request console on the emulator, in the standalone panel (panel.html?tabId=N): a request
// composed in the panel leaves from the chosen app's frame as that app's own message, Workspace
// treats it so (origin, rate limit), and its answer shows paired in the list, marked as sent from
// the console. The DevTools panel sends one in devtools-smoke.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, requireDist, tabIdFor, openPanel, formatRows, DIST_CHROME } from '../support/browser.mjs';
import { startEmulator, openWorkspace, inApp, hostScenario, waitForPanel, readFindings } from '../support/emulator.mjs';

let emulator;
let browser;

before(async () => {
  await requireDist(DIST_CHROME);
  emulator = await startEmulator();
  browser = await launch({ extension: DIST_CHROME });
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
});

/** A fresh Workspace tab with the standalone panel on it; closes both afterwards. */
async function withWorkspace(check) {
  const page = await openWorkspace(browser.context, emulator);
  const tabId = await tabIdFor(browser, emulator.url, page);
  const panel = await openPanel(browser, tabId);
  try {
    await check({ page, panel, tabId });
  } finally {
    await panel.close();
    await page.close();
  }
}

async function openConsole(panel) {
  const toggle = panel.locator('[data-testid="console-toggle"]');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await panel.waitForSelector('[data-testid="console"]');
}

/** Chooses the app whose name in the console contains `text`, once it is offered. */
async function chooseApp(panel, text) {
  const option = panel.locator('[data-testid="console-app"] option', { hasText: text }).first();
  await option.waitFor({ state: 'attached', timeout: 15000 });
  await panel.selectOption('[data-testid="console-app"]', await option.getAttribute('value'));
}

async function compose(panel, name, parameters = '') {
  await panel.fill('[data-testid="console-name"]', name);
  await panel.fill('[data-testid="console-parameters"]', parameters);
}

const lastSent = (panel) =>
  panel.evaluate(() => document.querySelector('[data-testid="console-result"]')?.dataset.referenceId ?? null);

/** Waits until the console shows a request sent after `previous`, in `state`; its referenceId. */
async function waitForResult(panel, previous, state, timeout = 15000) {
  await panel.waitForFunction(
    ([previous, state]) => {
      const result = document.querySelector('[data-testid="console-result"]');
      return result && result.dataset.referenceId !== previous && result.dataset.state === state;
    },
    [previous, state],
    { timeout, polling: 100 },
  ).catch(async (error) => {
    const shown = await panel.evaluate(() => document.querySelector('[data-testid="console"]')?.textContent);
    throw new Error(`the console never showed a new request ${state}: ${shown}\n${error.message}`);
  });
  return lastSent(panel);
}

/** Sends what is composed and waits for its outcome; returns its referenceId. */
async function send(panel, state = 'answered', timeout) {
  const previous = await lastSent(panel);
  await panel.click('[data-testid="console-send"]');
  return waitForResult(panel, previous, state, timeout);
}

/** The request row and its answer rows of a console referenceId, once paired. */
async function pairedRows(panel, id, state = 'answered') {
  const rows = await waitForPanel(panel, (rows) =>
    rows.some((r) => r.kind === 'request' && r['reference-id'] === id && r['exchange-state'] === state)
      && (state !== 'answered' || rows.some((r) => r.kind === 'response' && r['reference-id'] === id)),
  { what: `${id} ${state} and paired` });
  return rows.filter((r) => r['reference-id'] === id);
}

test('agent.getState as the iframe app: answered, paired, marked; the page sees it exactly as the app\'s own message', () =>
  withWorkspace(async ({ page, panel }) => {
    // The Workspace page's own listener, beside the emulator's: who sent each request, from
    // which origin, with what data.
    await page.evaluate(() => {
      const app = document.querySelector('iframe[name="app"]').contentWindow;
      window.seen = { app: [], console: [] };
      window.addEventListener('message', (event) => {
        const data = event.data;
        if (!data || typeof data !== 'object' || data.request !== 'agent.getState') return;
        const seen = String(data.referenceId).startsWith('scapi-console-') ? window.seen.console : window.seen.app;
        seen.push({
          fromApp: event.source === app,
          origin: event.origin,
          keys: Object.keys(data),
          data,
          plainObject: Object.getPrototypeOf(data) === Object.prototype,
          ports: event.ports.length,
        });
      });
    });
    const own = await inApp(page, 'app', () => new Promise((resolve) => window.genesys.wwe.service.agent.getState(resolve, resolve)));
    assert.ok(own.data, JSON.stringify(own));

    await openConsole(panel);
    await chooseApp(panel, 'app.html (');
    await compose(panel, 'agent.getState');
    assert.equal(await panel.locator('[data-testid="console-spec"]').getAttribute('data-changes-state'), 'false');
    const id = await send(panel);
    assert.match(id, /^scapi-console-\d+$/);
    // The answer, inline.
    assert.match(await panel.locator('[data-testid="console-answer"]').textContent(), /"operationName"/);

    const rows = await pairedRows(panel, id);
    const request = rows.find((r) => r.kind === 'request');
    const answer = rows.find((r) => r.kind === 'response');
    assert.equal(request.console, 'true', formatRows(rows));
    assert.equal(answer.console, 'true', formatRows(rows));
    assert.match(answer['frame-url'], /\/client\/app\.html$/);
    assert.equal(request.source, 'child');

    const seen = await page.evaluate(() => window.seen);
    assert.equal(seen.console.length, 1, JSON.stringify(seen));
    const [mine] = seen.console;
    const theirs = seen.app.at(-1);
    assert.equal(mine.fromApp, true);
    assert.equal(theirs.fromApp, true);
    assert.equal(mine.origin, theirs.origin);
    assert.equal(mine.plainObject, true);
    assert.equal(mine.ports, 0);
    assert.deepEqual(mine.keys, theirs.keys);
    for (const key of ['request', 'userAgent', 'protocolVersion', 'frameId']) assert.deepEqual(mine.data[key], theirs.data[key], key);
    assert.equal(mine.data.referenceId, id);
  }));

test('the app\'s page cannot overhear the console: no event it can listen for carries the request before it is posted', () =>
  withWorkspace(async ({ page, panel }) => {
    // A page script in the app's frame listens, in the capture phase, for every event name it
    // could guess the inspector uses, asks the content script to introduce itself again (the
    // hello a page hook sends) and listens under every name built from what it was told.
    await inApp(page, 'app', () => {
      const names = ['send', 'ready', 'hello', 'adopted', 'records', 'dropped', 'flush', 'console', 'post', 'console-send']
        .map((name) => `scapi-inspector:${name}`);
      window.overheard = [];
      window.told = [];
      const listen = (type) => window.addEventListener(type, (event) => {
        window.overheard.push({ type, detail: typeof event.detail === 'string' ? event.detail : String(event.detail) });
      }, true);
      for (const name of names) listen(name);
      window.addEventListener('scapi-inspector:ready', (event) => {
        const detail = String(event.detail ?? '');
        window.told.push(detail);
        if (detail) for (const guess of [detail, `scapi-inspector:send:${detail}`, `scapi-inspector:${detail}`]) listen(guess);
      }, true);
      window.dispatchEvent(new CustomEvent('scapi-inspector:hello', { detail: '' }));
    });

    await openConsole(panel);
    await chooseApp(panel, 'app.html (');
    await compose(panel, 'agent.getState');
    const id = await send(panel);
    await pairedRows(panel, id);

    const { overheard, told } = await inApp(page, 'app', () => ({ overheard: window.overheard, told: window.told }));
    // The content script answered the page's hello, and told it nothing it could listen under.
    assert.ok(told.length >= 1, 'the content script answers a hello');
    assert.deepEqual([...new Set(told)], [''], `the page learnt: ${JSON.stringify(told)}`);
    // The request went from the content script to the page hook unheard. (Record batches carry
    // what this frame received, the answer included, which the page received itself.)
    const carried = overheard.filter((event) => event.type !== 'scapi-inspector:records'
      && (event.detail.includes(id) || event.detail.includes('agent.getState')));
    assert.deepEqual(carried, [], 'an event the page can hear carried the console\'s request');
  }));

test('agent.getState as a popup app (it talks to its opener): answered and paired', () =>
  withWorkspace(async ({ page, panel }) => {
    const [popup] = await Promise.all([browser.context.waitForEvent('page'), hostScenario(page, 'popupApp')]);
    await popup.waitForFunction(() => window.app?.ready, null, { polling: 100 });
    await openConsole(panel);
    await chooseApp(panel, 'role=popup');
    await compose(panel, 'agent.getState');
    const id = await send(panel);
    const rows = await pairedRows(panel, id);
    assert.ok(rows.find((r) => r.kind === 'response')['frame-url'].includes('role=popup'), formatRows(rows));
    // Workspace's frame hears the popup as a window of its own.
    assert.equal(rows.find((r) => r.kind === 'request').source, 'other');
    await popup.close();
  }));

test('an app the options refuse: the console\'s request gets the same silence, verdict and finding as the app\'s own', () =>
  withWorkspace(async ({ page, panel }) => {
    const key = await hostScenario(page, 'refusedOrigin');
    const own = await inApp(page, key, () => window.app.ready);
    assert.equal(own.outcome, 'timed out');
    await openConsole(panel);
    // It never heard from Workspace, so its frame captured nothing: it is named by its place.
    await chooseApp(panel, ':8918 (frame');
    await compose(panel, 'agent.getState');
    const id = await send(panel, 'timed-out', 20000);
    const rows = await waitForPanel(panel, (rows) => rows.some((r) => r['reference-id'] === id && r.verdict), { what: 'the console request judged' });
    const mine = rows.find((r) => r.kind === 'request' && r['reference-id'] === id);
    const theirs = rows.find((r) => r.kind === 'request' && r.name === 'agent.getState' && r['frame-origin'] !== mine['frame-origin'] && r['reference-id'] !== id && r.text.includes(key))
      ?? rows.find((r) => r.kind === 'request' && r.name === 'agent.getState' && r['reference-id'] !== id && r['exchange-state'] === 'timed-out');
    assert.ok(theirs, formatRows(rows));
    assert.equal(mine['exchange-state'], 'timed-out');
    assert.equal(mine.verdict, theirs.verdict, formatRows([mine, theirs]));
    assert.equal(mine.agreement, theirs.agreement);
    const findings = await readFindings(panel);
    const timedOut = findings.filter((f) => f.code === 'timed-out').map((f) => f.text).join('\n');
    assert.match(timedOut, /`agent\.getState` got no answer within 10 s/);
  }));

test('the rate limit: the console\'s voice.dial counts against the app\'s own (after a confirmation)', () =>
  withWorkspace(async ({ page, panel }) => {
    // Away from a minute's edge: the limiter counts in fixed one-minute windows.
    const left = 60000 - (Date.now() % 60000);
    if (left < 8000) await new Promise((r) => setTimeout(r, left + 100));
    // The app dials three times itself (voice.dial: at most 4 a minute).
    const dials = await inApp(page, 'app', () => Promise.all([0, 1, 2].map(() => new Promise((resolve) =>
      window.genesys.wwe.service.sendMessage({ request: 'voice.dial', parameters: ['5001', null] }, () => resolve('answered'), (e) => resolve(String(e)))))));
    assert.deepEqual(dials, ['answered', 'answered', 'answered']);
    await openConsole(panel);
    await chooseApp(panel, 'app.html (');
    await compose(panel, 'voice.dial', '["5001", null]');
    // A request that changes the desktop asks first; nothing leaves before.
    await panel.click('[data-testid="console-send"]');
    await panel.waitForSelector('[data-testid="console-confirm"]');
    assert.equal(await lastSent(panel), null);
    const fourth = await (async () => {
      await panel.click('[data-testid="console-confirm-send"]');
      return waitForResult(panel, null, 'answered');
    })();
    // Asked once per name and session: the fifth goes at once, and is over the app's limit.
    const fifth = await send(panel, 'failed');
    assert.notEqual(fourth, fifth);
    assert.match(await panel.locator('[data-testid="console-answer"]').textContent(), /rate limit for the request 'voice\.dial'/);
    const rows = await pairedRows(panel, fifth, 'failed');
    assert.equal(rows.find((r) => r.kind === 'request').console, 'true');
  }));

test('problems are named as the request is typed, and nothing can be sent with them', () =>
  withWorkspace(async ({ panel }) => {
    await openConsole(panel);
    await chooseApp(panel, 'app.html (');
    const problems = () => panel.locator('[data-testid="console-problems"]').textContent();
    const sendable = () => panel.locator('[data-testid="console-send"]').isEnabled();
    await compose(panel, 'agent.getStat');
    assert.match(await problems(), /agent\.getStat is not a request of the catalog; did you mean agent\.getState\?/);
    assert.equal(await sendable(), false);
    await compose(panel, 'agent.setState', '["Ready"');
    assert.match(await problems(), /the parameters: not JSON \(EOF while parsing a list at line 1 column 8\)/);
    assert.equal(await sendable(), false);
    await compose(panel, 'agent.setState', '[3]');
    assert.match(await problems(), /operationName/);
    assert.equal(await sendable(), false);
    await compose(panel, 'agent.setState', '');
    assert.match(await problems(), /operationName/);
    // The catalog's parameters, named and typed, and completion of every name.
    assert.match(await panel.locator('[data-testid="console-params"]').textContent(), /operationName: a string/);
    assert.ok(await panel.locator('#console-names option[value="interaction.singleStepTransfer"]').count() === 1);
    // The transfer target's `type`: a note, not a problem.
    await compose(panel, 'interaction.singleStepTransfer', '["1", {"type": "AGENT", "destination": "5001"}]');
    assert.match(await panel.locator('[data-testid="console-notes"]').textContent(), /`target`/);
    assert.equal(await panel.locator('[data-testid="console-problems"]').count(), 0);
    await compose(panel, 'agent.setState', '["Ready"]');
    assert.equal(await panel.locator('[data-testid="console-problems"]').count(), 0);
    assert.equal(await sendable(), true);
    // Subscribe: topics checked too.
    await panel.selectOption('[data-testid="console-kind"]', 'subscribe');
    await panel.fill('[data-testid="console-parameters"]', '[]');
    assert.match(await problems(), /the topics are an array/);
    await panel.fill('[data-testid="console-parameters"]', '["agent"]');
    const id = await send(panel);
    assert.match(await panel.locator('[data-testid="console-answer"]').textContent(), /subscriptionId/);
    assert.ok(id);
  }));

test('Resend and Edit and send on a captured request; the history outlives the panel and sends again', () =>
  withWorkspace(async ({ panel, tabId }) => {
    // The app's own first request (agent.getState on start).
    await panel.fill('[data-testid="filter"]', 'method:getState');
    const ownRequest = '[data-testid="record-row"][data-kind="request"][data-name="agent.getState"]:has([data-app$="/client/app.html"])';
    const row = panel.locator(ownRequest).first();
    await row.click();
    const ownFrame = await row.getAttribute('data-frame-key');
    await panel.click('[data-testid="resend"]');
    const id = await waitForResult(panel, null, 'answered');
    await panel.fill('[data-testid="filter"]', '');
    const rows = await pairedRows(panel, id);
    // Sent from the same app, received by the same Workspace frame.
    assert.equal(rows.find((r) => r.kind === 'request')['frame-key'], ownFrame);
    assert.match(rows.find((r) => r.kind === 'response')['frame-url'], /\/client\/app\.html$/);

    // Edit and send: the console opens with it, nothing sent yet.
    await panel.fill('[data-testid="filter"]', 'method:getState');
    await panel.locator(ownRequest).first().click();
    await panel.click('[data-testid="edit-and-send"]');
    assert.equal(await panel.inputValue('[data-testid="console-name"]'), 'agent.getState');
    assert.equal(await lastSent(panel), id);
    await panel.fill('[data-testid="filter"]', '');

    // The history, kept for the site: in a new panel, send it again.
    // (The site's history holds this file's earlier tests too: the newest first.)
    const history = panel.locator('[data-testid="console-history-item"]');
    assert.match(await history.first().textContent(), /^agent\.getState\s+— as app\.html(?!\?)/);
    const again = await openPanel(browser, tabId);
    try {
      await openConsole(again);
      await again.waitForSelector('[data-testid="console-history-item"]');
      assert.match(await again.locator('[data-testid="console-history-item"]').first().textContent(), /agent\.getState/);
      await again.locator('[data-testid="console-history-send"]').first().click();
      const next = await waitForResult(again, null, 'answered');
      assert.notEqual(next, id);
    } finally {
      await again.close();
    }
  }));

test('exports mark console-sent messages; while a file is reviewed nothing can be sent', () =>
  withWorkspace(async ({ panel }) => {
    await openConsole(panel);
    await chooseApp(panel, 'app.html (');
    await compose(panel, 'agent.getState');
    const id = await send(panel);
    await pairedRows(panel, id);
    const [file] = await Promise.all([panel.waitForEvent('download'), panel.click('[data-testid="export-har"]')]);
    const text = await readFile(await file.path(), 'utf8');
    const messages = JSON.parse(text).log.entries.flatMap((entry) => entry._webSocketMessages ?? []);
    const marked = messages.filter((m) => m._scapiConsole === true);
    assert.equal(marked.length, 2, JSON.stringify(marked));
    assert.ok(marked.every((m) => JSON.parse(m.data).referenceId === id));
    assert.ok(messages.filter((m) => m._scapiConsole === undefined).length > 0);

    const dir = await mkdtemp(path.join(tmpdir(), 'scapi-console-'));
    const saved = path.join(dir, 'with-console.har');
    await writeFile(saved, text);
    await panel.setInputFiles('[data-testid="import-har"]', saved);
    await panel.waitForSelector('[data-testid="import-banner"]');
    // The file's console rows are still marked.
    const rows = await waitForPanel(panel, (rows) => rows.some((r) => r['reference-id'] === id), { what: 'the imported console rows' });
    assert.ok(rows.filter((r) => r['reference-id'] === id).every((r) => r.console === 'true'), formatRows(rows));
    await openConsole(panel);
    await panel.waitForSelector('[data-testid="console-reviewing"]');
    assert.equal(await panel.locator('[data-testid="console-send"]').isEnabled(), false);
    // A request of the file offers no Resend.
    await panel.locator(`[data-testid="record-row"][data-kind="request"][data-reference-id="${id}"]`).click();
    await panel.waitForSelector('[data-testid="record-details"]');
    assert.equal(await panel.locator('[data-testid="resend"]').count(), 0);
  }));
