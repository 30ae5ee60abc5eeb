// Recording without DevTools, on the emulator: with no panel ever opened, the toolbar button's
// badge counts the tab's failed and timed-out requests, its popup shows the counts the apps
// themselves saw, Save log writes the panel's sanitized HAR, and Open inspector opens the panel;
// and a dialog opened and closed before anyone opened DevTools still shows when the panel opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, requireDist, tabIdFor, serviceWorker, openPanel, readRows, formatRows, DIST_CHROME } from '../support/browser.mjs';
import { startEmulator, openWorkspace, appScenario, appReady, inApp } from '../support/emulator.mjs';
import { harValidator } from '../support/har.mjs';

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

/** Every call the emulator's apps made, with its outcome, as they saw it. */
async function callsOfAllApps(page) {
  const calls = [];
  for (const frame of page.frames()) {
    calls.push(...(await frame.evaluate(() => window.app?.calls ?? []).catch(() => [])));
  }
  return calls;
}

test('the badge and the popup count what the apps saw; Save log and Open inspector work', async () => {
  const page = await openWorkspace(browser.context, emulator);
  // Six dials against a limit of four: four answered, one rate-limit error, one never answered
  // (the client reports a timeout after 10 s); and a request outside the origin's filter.
  await Promise.all([appScenario(page, 'rateLimitBurst'), appScenario(page, 'jwtOutsideFilter')]);
  const calls = await callsOfAllApps(page);
  const failed = calls.filter((call) => call.outcome === 'failed').length;
  const timedOut = calls.filter((call) => call.outcome === 'timed out').length;
  assert.ok(failed >= 2 && timedOut >= 1, JSON.stringify(calls.map((c) => `${c.request} ${c.outcome}`)));
  const tabId = await tabIdFor(browser, emulator.url, page);

  // The badge: failed + timed out, set by the background per batch (no panel open), and again
  // when a request still pending reaches the client's timeout (no message marks that moment).
  const sw = await serviceWorker(browser.context);
  let badge;
  for (const deadline = Date.now() + 3000; Date.now() < deadline;) {
    badge = await sw.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), tabId);
    if (badge === String(failed + timedOut)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(badge, String(failed + timedOut), 'badge text');

  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tabId=${tabId}`);
  await popup.waitForSelector('[data-testid="popup"][data-state="ready"]');
  const count = async (id) => Number(await popup.textContent(`[data-testid="${id}"]`));
  assert.equal(await count('popup-requests'), calls.length, 'requests');
  assert.equal(await count('popup-failed'), failed, 'failed');
  assert.equal(await count('popup-timed-out'), timedOut, 'timed out');
  assert.equal(await count('popup-rate-limited'), 1, 'rate-limit hits');
  assert.equal(await popup.textContent('[data-testid="popup-site"]'), emulator.origins.workspace);

  // Save log: the panel's sanitized export, under its file name scheme.
  const [file] = await Promise.all([popup.waitForEvent('download'), popup.click('[data-testid="popup-save"]')]);
  assert.match(file.suggestedFilename(), /^scapi-127\.0\.0\.1_\d+-\d{8}-\d{6}\.har$/);
  const har = JSON.parse(await readFile(await file.path(), 'utf8'));
  const validate = harValidator();
  assert.ok(validate(har), JSON.stringify(validate.errors));
  const messages = har.log.entries.flatMap((entry) => entry._webSocketMessages);
  const records = Number((await popup.textContent('[data-testid="popup-records"]')).match(/\d+/)[0]);
  assert.equal(messages.length, records, 'every captured message is in the file');
  // Sanitized, as the panel's Export HAR: it says so, and the burst's userData value is masked.
  assert.equal(typeof har.log._scapiCapture.sanitized, 'object', JSON.stringify(har.log._scapiCapture));
  assert.ok(har.log._scapiCapture.sanitized !== null, 'the file says it is sanitized');
  assert.ok(!JSON.stringify(har.log.entries).includes('Burst'), 'a userData value is in the sanitized file');

  // Open inspector: the panel in a tab of its own, for this tab.
  const [inspector] = await Promise.all([browser.context.waitForEvent('page'), popup.click('[data-testid="popup-open"]')]);
  await inspector.waitForLoadState();
  assert.equal(new URL(inspector.url()).searchParams.get('tabId'), String(tabId));
  await inspector.waitForSelector('[data-testid="connection"][data-state="connected"]', { state: 'attached' });
  await inspector.close();
  await page.close();
});

test('a dialog opened and closed before the panel opens: its records and its frame are still there', async () => {
  const page = await openWorkspace(browser.context, emulator);
  const opened = await appScenario(page, 'dialog');
  assert.equal(opened.data, 'wweCustomDialog1');
  const ready = await appReady(page, 'wweCustomDialog1');
  assert.equal(ready.outcome, 'answered');
  const dialogUrl = page.frame({ name: 'wweCustomDialog1' }).url();
  // The app closes it, as the vendor client does: system.closeDialog(dialogId).
  await inApp(page, 'app', () => new Promise((resolve, reject) =>
    window.genesys.wwe.service.system.closeDialog('wweCustomDialog1', resolve, reject)));
  await page.waitForSelector('#wweCustomDialog1', { state: 'detached' });
  const panel = await openPanel(browser, await tabIdFor(browser, emulator.url, page));
  try {
    await panel.waitForFunction((url) => [...document.querySelectorAll('[data-testid="record-row"]')]
      .some((row) => row.dataset.frameUrl === url), dialogUrl, { timeout: 10000 }).catch(() => {});
    const rows = await readRows(panel);
    const inDialog = rows.filter((row) => row['frame-url'] === dialogUrl);
    // What the dialog's app received: its frameId, and the answer to its first request.
    assert.ok(inDialog.some((row) => row.kind === 'frame-id'), formatRows(rows));
    assert.ok(inDialog.some((row) => row.kind === 'response'), formatRows(rows));
    const keys = new Set(rows.map((row) => `${row['frame-key']}#${row.seq}`));
    assert.equal(keys.size, rows.length, 'a record is shown twice');
    const closes = rows.filter((row) => row.name === 'system.closeDialog');
    assert.equal(closes.length, 1, formatRows(rows));
    // The Frames view names it a dialog that is gone.
    await panel.click('[data-testid="frames-toggle"]');
    const card = panel.locator('[data-testid="frame-card"][data-attachment="dialog"]');
    assert.equal(await card.count(), 1);
    assert.ok(await card.getAttribute('data-ended'), 'the dialog frame is shown as gone');
  } finally {
    await panel.close();
    await page.close();
  }
});
