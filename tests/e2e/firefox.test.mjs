// The built extension in Firefox (Debian's firefox-esr, driven by puppeteer-core over WebDriver
// BiDi; see tests/support/firefox.mjs for how extension pages are reached). One browser runs the
// Workspace scenario on plain-http hostnames that are not localhost (wwe.test embedding its
// cross-origin client from apps.test, through network.dns.localDomains), with Fission's process per
// site on, and the tests below follow it in order: capture before any panel while the event page is
// suspended, the standalone panel woken and live across suspensions, the real DevTools toolbox,
// Export HAR and Import, and a browser console clean of the extension's errors and warnings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '../support/server.mjs';
import { readRows, formatRows, waitForHeld, collectLogs, scenarioFrames, postWorkspaceEvents, SCENARIO_COUNTS } from '../support/browser.mjs';
import { expectedRecord, mismatches } from '../support/records.mjs';
import { harValidator, assertChromeImports } from '../support/har.mjs';
import {
  launchFirefox,
  loadWorkspaceFirefox,
  runPhase2Firefox,
  framePids,
  waitUntil,
  IDLE_TIMEOUT_MS,
  WORKSPACE_HOST,
  APPS_HOST,
} from '../support/firefox.mjs';

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A record's identity and meaning as a row shows it. */
const keyOf = (r) => `${r['frame-url']}|${r['frame-key']}|${r.seq}|${r.kind}|${r.name}|${r['reference-id'] ?? ''}`;

let server;
let ff;
let consoleStart;
const state = {}; // what the first test leaves to the others: the workspace page, its tab id and panel

before(async () => {
  server = await start();
  ff = await launchFirefox();
  consoleStart = await ff.consoleMark();
});

after(async () => {
  await ff?.close();
  await server?.stop();
});

/** The expected records of every message the page's frames received so far. */
async function delivered(page) {
  const logs = await collectLogs(page);
  return Object.values(logs).flatMap((log) => log.messages);
}

/** Waits for `n` rows (and a moment for duplicates), then checks them against what was delivered. */
async function assertShowsExactly(panel, messages, what) {
  const expected = messages.map(expectedRecord);
  await waitForHeld(panel, expected.length, { timeout: 15000 }).catch(() => {});
  await sleep(300); // a replay overlapping live traffic would show up now
  const rows = await readRows(panel);
  const problems = mismatches(expected, rows);
  const diag = `${what}: ${rows.length} rows for ${expected.length} messages delivered\n${formatRows(rows)}`;
  assert.deepEqual(problems, [], `${problems.join('\n')}\n\n${diag}`);
  assert.equal(rows.length, expected.length, diag);
  assert.equal(new Set(rows.map(keyOf)).size, rows.length, `a record is shown twice\n${diag}`);
  return rows;
}

test('Firefox: captures the top page and a cross-origin, out-of-process iframe on plain-http hostnames before any panel, while the event page is suspended', async () => {
  const page = await loadWorkspaceFirefox(ff, server); // phase 1 happens now: no panel exists
  state.page = page;
  assert.equal(new URL(page.url()).hostname, WORKSPACE_HOST);

  // Fission: the cross-origin client runs in a process of its own, the same-origin one does not.
  const pids = await framePids(ff, page);
  const pidOf = (host, name) => Object.entries(pids).find(([url]) => url.includes(`//${host}:`) && url.includes(name))?.[1];
  const top = pidOf(WORKSPACE_HOST, 'workspace.html');
  const cross = pidOf(APPS_HOST, 'name=cross');
  const same = pidOf(WORKSPACE_HOST, 'name=same');
  assert.ok(top && cross && same, `frames and their processes: ${JSON.stringify(pids)}`);
  assert.notEqual(cross, top, `the cross-origin client shares the top page's process: ${JSON.stringify(pids)}`);
  assert.equal(same, top, JSON.stringify(pids));

  // Nothing listens: Firefox suspends the event page once it idles (the capture is kept anyway).
  await waitUntil(async () => (await ff.backgroundState()) === 'stopped', IDLE_TIMEOUT_MS + 10000, 'the event page was never suspended');

  // The panel's port wakes it, and every message delivered before the panel opened is there.
  state.tabId = await ff.tabIdFor(page);
  state.panel = await ff.openPanel(state.tabId);
  await waitUntil(async () => (await ff.backgroundState()) === 'running', 10000, 'the panel did not wake the event page');
  const messages = await delivered(page);
  assert.equal(messages.length, total(SCENARIO_COUNTS.phase1));
  assert.ok(messages.some((m) => m.receiverUrl.startsWith(`http://${APPS_HOST}:`)), 'the cross-origin client received nothing');
  await assertShowsExactly(state.panel, messages, 'before the panel opened');
});

test('Firefox: the standalone panel stays live while the event page is suspended and woken again', async () => {
  const { panel, page } = state;
  assert.ok(panel, 'no panel (the previous test failed)');
  // Record the panel's connection states, and the event page's, across idle spells.
  await panel.evaluate(() => {
    const indicator = document.querySelector('[data-testid="connection"]');
    window.scapiTestStates = [];
    new MutationObserver(() => window.scapiTestStates.push(indicator.dataset.state)).observe(indicator, { attributes: true });
  });
  const seen = new Set();
  const deadline = Date.now() + IDLE_TIMEOUT_MS * 3 + 5000;
  while (!seen.has('stopped') && Date.now() < deadline) {
    seen.add(await ff.backgroundState());
    await sleep(100);
  }
  // Firefox 153 suspends it even while the panel's port is open: the port drops and the panel
  // reconnects (panel/js/port.js), which wakes the event page again.
  if (seen.has('stopped')) {
    await panel.waitForFunction(() => window.scapiTestStates.includes('reconnecting'), null, { timeout: 5000 });
  }
  await panel.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout: 10000 });

  // Traffic after the suspension reaches the panel, with nothing lost or shown twice.
  await runPhase2Firefox(page);
  const messages = await delivered(page);
  assert.equal(messages.length, total(SCENARIO_COUNTS.phase2));
  await assertShowsExactly(panel, messages, 'after the event page was suspended');
  assert.equal(await ff.backgroundState(), 'running');
});

test('Firefox: the real DevTools toolbox shows the SCAPI panel with the same records', async () => {
  assert.ok(state.panel, 'no page and panel (the first test failed)');
  const messages = await delivered(state.page);
  const live = await assertShowsExactly(state.panel, messages, 'in the standalone panel');
  const { panel, tools } = await ff.openToolbox(state.page);
  try {
    assert.equal(tools.title, 'SCAPI', JSON.stringify(tools));
    assert.equal(tools.selected, tools.ids.find((id) => id.startsWith('webext-devtools-panel-')), JSON.stringify(tools));
    // Inside DevTools the panel finds the inspected tab itself (no ?tabId).
    const rows = await assertShowsExactly(panel, messages, 'in the toolbox');
    // The same records (records of one moment in two frames may be listed in either order).
    assert.deepEqual(rows.map(keyOf).sort(), live.map(keyOf).sort());

    // DevTools tells the panel when another tool hides it: hidden, it draws nothing (what comes
    // meanwhile is kept), and shown again it draws it.
    await panel.waitForFunction(() => window.scapiPanelShown === true);
    const drawnCount = () => panel.evaluate(() => Number(/\d+/.exec(document.querySelector('[data-testid="record-count"]').textContent)[0]));
    const before = await drawnCount();
    assert.equal(await ff.selectTool('webconsole'), 'webconsole');
    await panel.waitForFunction(() => window.scapiPanelShown === false);
    const HIDDEN_EVENTS = 5;
    const { top } = await scenarioFrames(state.page);
    await top.evaluate(postWorkspaceEvents, HIDDEN_EVENTS);
    // Long enough for the lines to reach the panel and for any draw to happen.
    await sleep(2000);
    assert.equal(await drawnCount(), before, 'no draw while hidden');
    await ff.selectTool('scapi');
    await waitUntil(async () => (await drawnCount()) === before + HIDDEN_EVENTS, 10000, 'the records that came while hidden, drawn once shown');
    assert.equal(await panel.evaluate(() => window.scapiPanelShown), true);
  } finally {
    await panel.close();
  }
});

test('Firefox: Export HAR downloads a schema-valid HAR of the delivered messages, and Import reads it back', async () => {
  const { panel } = state;
  assert.ok(panel, 'no page and panel (the first test failed)');
  const messages = await delivered(state.page);
  const live = await assertShowsExactly(panel, messages, 'before the export');
  // As it comes (sanitized): valid HAR 1.2 that Chrome DevTools would import, without the secrets.
  await panel.click('[data-testid="export-har"]');
  const sanitized = await ff.nextDownload();
  assert.match(sanitized.name, new RegExp(`^scapi-${WORKSPACE_HOST.replace('.', '\\.')}_\\d+-\\d{8}-\\d{6}\\.har$`));
  const validate = harValidator();
  for (const { text } of [sanitized]) {
    const har = JSON.parse(text);
    assert.ok(validate(har), JSON.stringify(validate.errors, null, 1));
    assertChromeImports(har);
  }
  for (const secret of ['MyValue1', '"5001"']) assert.ok(!sanitized.text.includes(secret), `${secret} is in the sanitized export`);

  // With sensitive data: one message per delivered message, with its data.
  await panel.click('[data-testid="export-options"]');
  await panel.waitForSelector('[data-testid="export-sensitive"]');
  await panel.check('[data-testid="export-sensitive"]');
  await panel.waitForSelector('[data-testid="export-warning"]'); // the panel took the choice
  await panel.click('[data-testid="export-with-choice"]');
  const file = await ff.nextDownload();
  const har = JSON.parse(file.text);
  assert.ok(validate(har), JSON.stringify(validate.errors, null, 1));
  assertChromeImports(har);
  const exported = har.log.entries.flatMap((entry) => entry._webSocketMessages.map((m) => m._scapi.record));
  const byData = (list) => list.map((data) => JSON.stringify(data)).sort();
  assert.equal(exported.length, messages.length);
  assert.deepEqual(byData(exported.map((r) => r.raw)), byData(messages.map((m) => m.data)));

  // Import: the panel reviews the file, with the rows it showed live.
  await panel.setInputFile('[data-testid="import-har"]', file.name, file.text);
  await panel.waitForSelector('[data-testid="import-banner"]');
  const banner = await panel.textContent('[data-testid="import-banner"]');
  assert.match(banner, new RegExp(`Reviewing ${file.name.replace(/\./g, '\\.')}: ${live.length} records`));
  await waitForHeld(panel, live.length);
  const reviewed = await readRows(panel);
  const meaning = (r) => `${r['frame-url']}|${r.seq}|${r.kind}|${r.name}|${r['reference-id'] ?? ''}`;
  assert.deepEqual(reviewed.map(meaning), live.map(meaning), formatRows(reviewed));
  await panel.click('[data-testid="close-import"]');
  await waitForHeld(panel, live.length);
});

test('Firefox: the request console sends agent.getState as the cross-origin app, from its own frame, and it is answered', async () => {
  const { panel, page } = state;
  assert.ok(panel, 'no page and panel (the first test failed)');
  await panel.click('[data-testid="console-toggle"]');
  await panel.waitForFunction((host) => [...document.querySelectorAll('[data-testid="console-app"] option')]
    .some((option) => option.textContent.includes(host)), APPS_HOST);
  await panel.evaluate((host) => {
    const select = document.querySelector('[data-testid="console-app"]');
    select.value = [...select.options].find((option) => option.textContent.includes(host)).value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const name = document.querySelector('[data-testid="console-name"]');
    name.value = 'agent.getState';
    name.dispatchEvent(new InputEvent('input', { bubbles: true }));
    return true;
  }, APPS_HOST);
  await panel.waitForFunction(() => !document.querySelector('[data-testid="console-send"]').disabled);
  await panel.click('[data-testid="console-send"]');
  await panel.waitForSelector('[data-testid="console-result"][data-state="answered"]', { timeout: 15000 });
  // The Workspace page's own listener saw it come from the app's frame, with the app's origin.
  const logs = await collectLogs(page);
  const seen = logs.top.messages.filter((m) => String(m.data?.referenceId).startsWith('scapi-console-'));
  assert.equal(seen.length, 1, JSON.stringify(seen));
  assert.match(seen[0].origin, new RegExp(`^http://${APPS_HOST.replace('.', '\\.')}:\\d+$`));
  const own = logs.top.messages.find((m) => typeof m.data?.request === 'string' && m.origin === seen[0].origin
    && !String(m.data.referenceId).startsWith('scapi-console-'));
  assert.ok(own, JSON.stringify(logs.top.messages.map((m) => [m.origin, m.source])));
  assert.equal(seen[0].source, own.source);
  assert.match(seen[0].source, /^child:/);
  assert.equal(seen[0].data.request, 'agent.getState');
  await panel.waitForSelector('[data-testid="record-row"][data-kind="request"][data-console="true"]');
  await panel.click('[data-testid="console-toggle"]');
});

// Leaving for another site moves the tab to another process, and Firefox stops the script of the
// document it leaves while its pagehide listeners run ("Script terminated by timeout"): the hook's
// last batch (up to 200 ms of a busy page's messages) was lost in 4 of 16 such navigations. The hook
// now hands its batch on when the page starts the navigation (the Navigation API's navigate event),
// while the page's script still runs.
test('Firefox: messages delivered just before the page navigates to another site reach the panel', async () => {
  // Preserve log keeps the left document's records in view.
  const page = await ff.browser.newPage();
  const leaving = `http://${WORKSPACE_HOST}:${server.port}/client.html?name=leaving`;
  const arrived = `http://${APPS_HOST}:${server.port}/client.html?name=arrived`;
  await page.goto(leaving);
  const panel = await ff.openPanel(await ff.tabIdFor(page));
  try {
    await panel.check('[data-testid="preserve-log"]');
    await page.evaluate(async (next) => {
      // The first message finds the page quiet; those 40 ms later find it busy.
      postMessage({ type: 'before-leaving', n: 0 }, '*');
      await new Promise((resolve) => setTimeout(resolve, 40));
      addEventListener('message', (event) => { if (event.data?.n === 3) location.href = next; });
      for (let n = 1; n <= 3; n++) postMessage({ type: 'before-leaving', n }, '*');
    }, arrived);
    await waitUntil(async () => page.url() === arrived, 10000, 'the page did not navigate');
    const marked = async () =>
      (await readRows(panel)).filter((r) => r.text.includes('before-leaving')).map((r) => JSON.parse(r.text.match(/\{.*\}/)[0]).n).sort();
    await waitUntil(async () => (await marked()).length >= 4, 3000, 'the last messages did not arrive').catch(() => {});
    assert.deepEqual(await marked(), [0, 1, 2, 3], formatRows(await readRows(panel)));
  } finally {
    await panel.close();
    await page.close();
  }
});

test('Firefox: no error or warning from the extension or its page hook in the browser console', async () => {
  const end = await ff.consoleMark();
  // The check has teeth: what the panel and a page write is seen, from either source.
  await state.panel?.evaluate(() => console.warn('scapi self-test warning'));
  await state.page?.evaluate(() => setTimeout(() => { throw new Error('scapi self-test page error'); }));
  let selfTest = [];
  await waitUntil(async () => {
    selfTest = await ff.consoleProblems(end, { pattern: /self-test/ });
    return selfTest.length >= 2;
  }, 5000, 'the self-test lines did not all arrive').catch(() => {});
  assert.ok(selfTest.some((line) => line.includes('self-test warning')), `the panel's warning was not seen:\n${selfTest.join('\n')}`);
  assert.ok(selfTest.some((line) => line.includes('self-test page error')), `the page's error was not seen:\n${selfTest.join('\n')}`);

  const problems = await ff.consoleProblems(consoleStart, { until: end });
  assert.deepEqual(problems, [], problems.join('\n'));
});
