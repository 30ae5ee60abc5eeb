// The emulator's scenarios through the real extension: each runs in a fresh Workspace tab (rate
// limits and subscriptions are per page) with the panel open on it, and the test checks what the
// panel shows — each request's fate and the findings — against what the app itself saw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireDist, tabIdFor, openPanel, readRows, formatRows, DIST_CHROME } from '../support/browser.mjs';
import {
  startEmulator,
  openWorkspace,
  appFrame,
  appReady,
  inApp,
  appScenario,
  hostScenario,
  readFindings,
  waitForPanel,
  fates,
  count,
} from '../support/emulator.mjs';

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

/** A fresh Workspace tab with the panel on it; closes both afterwards. */
async function withWorkspace(check) {
  const page = await openWorkspace(browser.context, emulator);
  const panel = await openPanel(browser, await tabIdFor(browser, emulator.url, page));
  try {
    await check({ page, panel });
  } finally {
    await panel.close();
    await page.close();
  }
}

const RATE_LIMIT_TEXT =
  "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.";

test('rate limit, quarantine, refused origin, filtered JWT, refused and hidden keys (one 10 s wait)', () =>
  withWorkspace(async ({ page, panel }) => {
    // Everything that waits for the client's 10 s timeout runs at once.
    const [burst, refusedKey, jwt, hidden, refused] = await Promise.all([
      appScenario(page, 'rateLimitBurst'),
      appScenario(page, 'refusedKeyWrite'),
      appScenario(page, 'jwtOutsideFilter'),
      appScenario(page, 'hiddenKeyRead'),
      hostScenario(page, 'refusedOrigin').then((key) =>
        inApp(page, key, () => Promise.all([window.app.ready, window.app.autorun]).then(([ready, more]) => [ready, ...more])),
      ),
    ]);

    // What the apps saw.
    assert.deepEqual(
      burst.map((r) => r.outcome),
      ['answered', 'answered', 'answered', 'answered', 'failed', 'timed out'],
    );
    assert.equal(burst[4].errorMessage, RATE_LIMIT_TEXT);
    assert.equal(burst[5].errorMessage, 'Request timeout');
    assert.equal(refusedKey.outcome, 'failed');
    assert.match(refusedKey.errorMessage, /'Key2'/);
    assert.equal(jwt.outcome, 'failed');
    assert.match(jwt.errorMessage, /auth\.getJwtToken/);
    assert.equal(hidden.outcome, 'answered');
    assert.ok(hidden.keys.includes('Key1') && !hidden.keys.includes('AccountNumber'), hidden.keys.join(','));
    assert.deepEqual(refused.map((r) => r.outcome), ['timed out', 'timed out', 'timed out']);

    // What the panel shows: each request's fate, judged from the captured traffic alone.
    const rows = await waitForPanel(panel, (rows) => count(fates(rows, 'voice.dial'), 'timed-out') === 1
      && fates(rows, 'interaction.getInteractions').includes('timed-out'), { what: 'the timed-out requests' });
    const dials = fates(rows, 'voice.dial');
    assert.deepEqual([count(dials, 'answered'), count(dials, 'failed'), count(dials, 'timed-out')], [4, 1, 1], formatRows(rows));
    assert.deepEqual(fates(rows, 'auth.getJwtToken'), ['failed']);
    assert.deepEqual(fates(rows, 'interaction.setUserData'), ['failed']);
    assert.deepEqual(fates(rows, 'interaction.getByInteractionId'), ['answered']);
    // The refused app's requests: the only ones of their names that never got an answer.
    assert.deepEqual(fates(rows, 'interaction.getInteractions'), ['timed-out']);
    assert.deepEqual(fates(rows, 'system.isFrameLeading'), ['timed-out']);
    assert.equal(count(fates(rows, 'agent.getState'), 'timed-out'), 1, formatRows(rows));
    assert.equal(count(fates(rows, 'subscribe'), 'timed-out'), 1, formatRows(rows));
    // The refused frame got no frameId: only the app and the hidden frame did.
    assert.equal(rows.filter((r) => r.kind === 'frame-id').length, 2, formatRows(rows));

    // The answer the panel shows for the read has no hidden key.
    // Narrowed first: rows still streaming in would move under the pointer (a virtual list reuses
    // its row elements), and the click would pick another record.
    await panel.fill('[data-testid="filter"]', 'method:getByInteractionId');
    const read = panel.locator('[data-testid="record-row"][data-name="interaction.getByInteractionId"]');
    await read.click();
    assert.equal(await read.getAttribute('aria-selected'), 'true');
    await panel.fill('[data-testid="filter"]', '');
    await panel.locator('[data-testid="partner-link"]', { hasText: 'answer' }).click();
    const answer = await panel.locator('[data-testid="raw-json"]').textContent();
    assert.match(answer, /"Key1"/);
    assert.doesNotMatch(answer, /AccountNumber/);

    const findings = await readFindings(panel);
    const titled = (code) => findings.filter((f) => f.code === code).map((f) => f.text);
    assert.equal(titled('rate-limited').length, 1, JSON.stringify(findings, null, 1));
    assert.match(titled('rate-limited')[0], /voice\.dial[\s\S]*30 s/);
    const timedOut = titled('timed-out').join('\n');
    for (const name of ['voice.dial', 'agent.getState', 'interaction.getInteractions', 'system.isFrameLeading', 'subscribe']) {
      assert.ok(timedOut.includes(`\`${name}\` got no answer within 10 s`), `${name} in:\n${timedOut}`);
    }
    const failed = titled('request-failed').join('\n');
    assert.match(failed, /`auth\.getJwtToken` failed/);
    assert.match(failed, /`interaction\.setUserData` failed[\s\S]*Key2/);

    // The Workspace page's log says why it stayed silent.
    const log = await page.locator('[data-testid="service-log"]').textContent();
    assert.match(log, /voice\.dial: ignored, no answer\. Ignored without an answer: `voice\.dial` is in quarantine/);
    assert.match(log, /refused-\d+ \(http:\/\/127\.0\.0\.1:\d+\) agent\.getState: ignored, no answer\. Refused: the origin/);
  }));

test('a misspelled request and a second subscribe become findings', () =>
  withWorkspace(async ({ page, panel }) => {
    const misspelled = await appScenario(page, 'misspelledRequest');
    assert.equal(misspelled.outcome, 'failed');
    assert.equal(misspelled.errorMessage, "Unknown request 'voice.pauseRecording'.");
    const again = await appScenario(page, 'secondSubscribe');
    assert.equal(again.outcome, 'answered');

    const rows = await waitForPanel(panel, (rows) => fates(rows, 'voice.pauseRecording').includes('failed')
      && count(fates(rows, 'subscribe'), 'answered') === 3, { what: 'the misspelled request and three subscribes' });
    assert.ok(rows.some((r) => r.kind === 'response' && /error: Unknown request 'voice\.pauseRecording'/.test(r.text)), formatRows(rows));
    const findings = await readFindings(panel);
    const unknown = findings.find((f) => f.code === 'unknown-request');
    assert.ok(unknown, JSON.stringify(findings, null, 1));
    assert.match(unknown.text, /voice\.pauseRecording[\s\S]*did you mean `voice\.pauseCallRecording`/i);
    const twice = findings.find((f) => f.code === 'subscribed-twice');
    assert.ok(twice, JSON.stringify(findings, null, 1));
    assert.match(twice.text, /Subscribed twice to `agent`/);
  }));

test('several apps at once: colliding referenceIds pair with their own frame', () =>
  withWorkspace(async ({ page, panel }) => {
    const keys = await hostScenario(page, 'severalApps');
    const seen = await Promise.all(keys.map((key) => inApp(page, key, () => window.app.autorun)));
    for (const results of seen) assert.deepEqual(results.map((r) => r.outcome), ['answered', 'answered']);

    // app, hidden and the two extra apps each sent agent.getState as referenceId "1".
    const rows = await waitForPanel(panel, (rows) => count(fates(rows, 'agent.getState'), 'answered') === 4
      && count(fates(rows, 'system.isFrameLeading'), 'answered') === 2, { what: 'four answered agent.getState' });
    const getStates = rows.filter((r) => r.kind === 'request' && r.name === 'agent.getState');
    assert.deepEqual([...new Set(getStates.map((r) => r['reference-id']))], ['1'], formatRows(rows));
    for (const key of keys) {
      const frameUrl = appFrame(page, key).url();
      const answers = rows.filter((r) => r.kind === 'response' && r['frame-url'] === frameUrl);
      assert.deepEqual(answers.map((r) => r['reference-id']).sort(), ['0', '1', '2', '3'], formatRows(rows));
      for (const answer of answers) assert.equal(answer['exchange-state'], 'answered', answer.text);
    }
    assert.deepEqual(rows.filter((r) => r['exchange-state'] && !['answered'].includes(r['exchange-state'])).map((r) => r.name), []);
    const findings = await readFindings(panel);
    assert.deepEqual(findings.filter((f) => ['orphan-response', 'duplicate-answer'].includes(f.code)), []);
  }));

test('connection down, a toast button, a dialog and a popup app', () =>
  withWorkspace(async ({ page, panel }) => {
    await hostScenario(page, 'connectionDown');
    const toast = await appScenario(page, 'toastWithButtons');
    assert.equal(toast.data, 'wweCustomToast0');
    await page.click('[data-toast="wweCustomToast0"][data-button="1"]');
    const dialog = await appScenario(page, 'dialog');
    assert.equal(dialog.data, 'wweCustomDialog1');
    await page.waitForSelector('dialog#wweCustomDialog1[open] iframe');
    assert.equal((await appReady(page, 'wweCustomDialog1')).outcome, 'answered');

    const [popup] = await Promise.all([browser.context.waitForEvent('page'), hostScenario(page, 'popupApp')]);
    await popup.waitForFunction(() => window.app?.ready, null, { polling: 100 });
    const popupReady = await popup.evaluate(() => window.app.ready);
    assert.equal(popupReady.outcome, 'answered');
    assert.ok(await popup.evaluate(() => window.genesys.wwe.service.frameId()) > 0);

    const appUrl = appFrame(page, 'app').url();
    const rows = await waitForPanel(panel, (rows) =>
      rows.filter((r) => r.name === 'system:REALTIME_CONNECTION' && r['frame-url'] === appUrl).length === 2
        && rows.some((r) => r.name === 'system:CUSTOM_TOAST_BUTTON_CLICK')
        && rows.some((r) => r.kind === 'request' && r.source === 'other'), { what: 'the system events and the popup\'s requests' });
    const connection = rows.filter((r) => r.name === 'system:REALTIME_CONNECTION' && r['frame-url'] === appUrl).map((r) => r.text);
    assert.match(connection[0], /"state":"DISCONNECTED"/);
    assert.match(connection[1], /"state":"DOWN"/);
    const click = rows.find((r) => r.name === 'system:CUSTOM_TOAST_BUTTON_CLICK');
    assert.match(click.text, /"customToastId":"wweCustomToast0"/);
    assert.match(click.text, /"buttonIndex":1/);
    // The dialog's app got its own frameId, in its own frame.
    const dialogUrl = appFrame(page, 'wweCustomDialog1').url();
    assert.ok(rows.some((r) => r.kind === 'frame-id' && r['frame-url'] === dialogUrl), formatRows(rows));
    // The popup's requests reach this tab's Workspace page; its answers reach the popup's own tab,
    // which the panel of the tab that opened it shows too: they pair, and the popup is a frame.
    const paired = await waitForPanel(panel, (rows) => rows.some((r) => r['frame-url'].includes('role=popup') && r.kind === 'response')
      && rows.filter((r) => r.kind === 'request' && r.source === 'other').every((r) => r['exchange-state'] === 'answered'),
    { what: 'the popup\'s requests answered in its own frame' });
    assert.ok(paired.filter((r) => r.kind === 'request' && r.source === 'other').length > 0, formatRows(paired));
    await popup.close();
  }));

test('every request of the catalog, as the sample app sends it, is answered and well formed', () =>
  withWorkspace(async ({ page, panel }) => {
    const results = await appScenario(page, 'everyRequest');
    const notAnswered = results.filter((r) => r.outcome !== 'answered').map((r) => `${r.request}: ${r.outcome} ${r.errorMessage}`);
    // The demo options' filter (*) does not cover the JWT.
    assert.deepEqual(notAnswered, [
      "auth.getJwtToken: failed The request 'auth.getJwtToken' is not allowed for the origin 'http://localhost:8917'.",
    ]);
    const names = [...new Set(results.map((r) => r.request))];
    const rows = await waitForPanel(panel, (rows) => names.every((name) => fates(rows, name).length > 0)
      && rows.filter((r) => r.kind === 'request' && r['exchange-state'] === 'pending').length === 0, { what: 'every request settled' });
    for (const name of names) {
      const expected = name === 'auth.getJwtToken' ? 'failed' : 'answered';
      assert.ok(fates(rows, name).every((fate) => fate === expected), `${name}: ${fates(rows, name)}`);
    }
    const findings = await readFindings(panel);
    // The sample sends transfer, conference and consult targets with `type`, as the vendor's
    // sample does: the panel says so (info), the docs naming the key `target`.
    const notes = findings.filter((f) => f.code === 'parameter-note');
    assert.ok(notes.every((f) => f.severity === 'info' && /`type`/.test(f.text) && /`target`/.test(f.text)), JSON.stringify(notes, null, 1));
    const unexpected = findings.filter((f) => f.code !== 'request-failed' && f.code !== 'parameter-note');
    assert.deepEqual(unexpected, [], JSON.stringify(findings, null, 1));
  }));
