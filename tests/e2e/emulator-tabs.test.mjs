// Two Workspace tabs elect a leader (the seed's "Supporting multiple browser tabs"): the first
// leads, the second follows, and takes over when the first closes. The apps in each tab ask
// system.isFrameLeading / isFrameFollowing and receive system frameState events; the panel of the
// second tab shows those events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireDist, tabIdFor, openPanel, formatRows, DIST_CHROME } from '../support/browser.mjs';
import { startEmulator, openWorkspace, inApp, waitForPanel } from '../support/emulator.mjs';

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

const frameState = (page) => page.locator('[data-testid="frame-state"]').textContent();
// Interval polling: a tab in the background gets no animation frames, the default polling.
const untilFrameState = (page, state) =>
  page.waitForFunction((s) => document.querySelector('[data-testid="frame-state"]')?.textContent === s, state, { polling: 100 });
const ask = (page, request) =>
  inApp(page, 'app', ([namespace, method]) => new Promise((resolve, reject) =>
    window.genesys.wwe.service[namespace][method]((r) => resolve(r.data), reject)), request.split('.'));

test('two Workspace tabs: one leads, the other follows, then takes over', async () => {
  const first = await openWorkspace(browser.context, emulator);
  await untilFrameState(first, 'LEADING');
  assert.equal(await ask(first, 'system.isFrameLeading'), true);

  const second = await openWorkspace(browser.context, emulator);
  const panel = await openPanel(browser, await tabIdFor(browser, emulator.url, second));
  await untilFrameState(second, 'FOLLOWING');
  assert.equal(await frameState(first), 'LEADING');
  assert.equal(await ask(second, 'system.isFrameFollowing'), true);
  assert.equal(await ask(second, 'system.isFrameLeading'), false);
  assert.equal(await ask(first, 'system.isFrameLeading'), true);

  await first.close();
  await untilFrameState(second, 'LEADING');
  assert.equal(await ask(second, 'system.isFrameLeading'), true);
  assert.equal(await ask(second, 'system.isFrameLeadingOrNegotiating'), true);

  // The second tab's app heard the election as system events with the seed's {frameState}.
  const appUrl = second.frame({ name: 'app' }).url();
  // (FOLLOWING came when the tab's election ended, which may be before the app had subscribed.)
  const frameStates = (rows) => rows
    .filter((r) => r.kind === 'event' && r.name === 'system' && r['frame-url'] === appUrl)
    .map((r) => /"frameState":"(\w+)"/.exec(r.text)?.[1]);
  const rows = await waitForPanel(panel, (rows) => frameStates(rows).includes('LEADING'), { what: 'the LEADING event' });
  const states = frameStates(rows);
  assert.deepEqual(states.slice(-2), ['NEGOTIATING', 'LEADING'], formatRows(rows));
  // While the first tab lived, the second never led. (Once, on a loaded CI machine, it negotiated
  // again for a moment and went back to following; the election is inferred, see
  // docs/emulator.md, and a re-negotiation is no second leader.)
  const before = states.slice(0, -2);
  assert.ok(before.includes('FOLLOWING') && before.every((s) => s !== 'LEADING'), formatRows(rows));
  await second.close();
});
