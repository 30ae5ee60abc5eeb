// The panel shows every window message delivered to every frame of the inspected tab, exactly
// once, attributed to the frame that received it, including messages delivered before the panel
// was opened (buffered by the content script and replayed on connect).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '../support/server.mjs';
import {
  DIST_CHROME,
  requireDist,
  launch,
  tabIdFor,
  openPanel,
  waitForRows,
  readRows,
  formatRows,
  loadWorkspace,
  runPhase2,
  collectLogs,
  PLAIN_HOSTS,
} from '../support/browser.mjs';
import { expectedRecord, rowKey, mismatches } from '../support/records.mjs';

let server;
let browser;
let plainBrowser; // resolves wwe.test and apps.test: plain http, not localhost, no secure context

before(async () => {
  await requireDist(DIST_CHROME);
  server = await start();
  browser = await launch({ extension: DIST_CHROME });
  plainBrowser = await launch({ extension: DIST_CHROME, args: PLAIN_HOSTS });
});

after(async () => {
  await browser?.close();
  await plainBrowser?.close();
  await server?.stop();
});

test('panel shows every delivered message exactly once, per receiving frame, including pre-panel ones', () =>
  everyMessageOnce(browser, server.urlA('workspace.html')));

test('the same on plain-http hostnames that are not localhost (on-premise Workspace)', () =>
  everyMessageOnce(plainBrowser, `http://wwe.test:${server.port}/workspace.html?apps=apps.test`));

async function everyMessageOnce(browser, workspaceUrl) {
  const page = await browser.context.newPage();
  const pageUrl = await loadWorkspace(page, server, workspaceUrl); // phase 1 happens now, before any panel exists
  assert.equal(await page.evaluate(() => window.isSecureContext), !workspaceUrl.includes('wwe.test'));
  const tabId = await tabIdFor(browser, pageUrl, page);
  const panel = await openPanel(browser, tabId);
  await runPhase2(page);

  const logs = await collectLogs(page);
  const delivered = Object.values(logs).flatMap((l) => l.messages);
  const expected = delivered.map(expectedRecord);
  // On a timeout, go on: the comparison below says which rows are missing.
  await waitForRows(panel, expected.length, { timeout: 10000 }).catch(() => {});
  // Give duplicates (a replay overlapping live traffic) a chance to show up.
  await panel.waitForTimeout(500);
  const finalRows = await readRows(panel);

  const expectedText = expected.map((e) => `  ${e.frameUrl} ${e.key}`).join('\n');
  const diag = () => `panel rows (${finalRows.length}):\n${formatRows(finalRows)}\nexpected (${expected.length}):\n${expectedText}`;

  // Per receiving frame: the same multiset of (kind, name, referenceId, direction, source).
  const frameUrls = [...new Set(expected.map((e) => e.frameUrl))];
  const problems = mismatches(expected, finalRows);
  assert.ok(problems.length === 0, `${problems.length} mismatches:\n${problems.join('\n')}\n\n${diag()}`);
  assert.equal(finalRows.length, expected.length, diag());

  // Frame identity: one frame key per frame URL (each frame loaded once), distinct across frames,
  // the right origin, and sequence numbers in delivery order.
  const keysByUrl = new Map();
  for (const url of frameUrls) {
    const frameRows = finalRows.filter((r) => r['frame-url'] === url);
    const keys = new Set(frameRows.map((r) => r['frame-key']));
    assert.equal(keys.size, 1, `frame ${url} has frame keys ${[...keys].join(', ')}\n${diag()}`);
    assert.ok([...keys][0], `frame ${url} rows lack data-frame-key`);
    keysByUrl.set(url, [...keys][0]);
    const origin = expected.find((e) => e.frameUrl === url).frameOrigin;
    for (const r of frameRows) assert.equal(r['frame-origin'], origin, `data-frame-origin of a row in ${url}`);
    const seqs = frameRows.map((r) => Number(r.seq));
    assert.ok(seqs.every(Number.isFinite), `non-numeric data-seq in ${url}: ${seqs}`);
    assert.equal(new Set(seqs).size, seqs.length, `duplicate data-seq in ${url}: ${seqs}`);
    const bySeq = [...frameRows].sort((a, b) => Number(a.seq) - Number(b.seq)).map(rowKey);
    const inOrder = expected.filter((e) => e.frameUrl === url).map((e) => e.key);
    assert.deepEqual(bySeq, inOrder, `rows of ${url} sorted by data-seq are not in delivery order`);
  }
  assert.equal(new Set(keysByUrl.values()).size, frameUrls.length, 'frames share a data-frame-key');

  // The count shown matches, nothing dropped, and no bridge traffic leaked into the capture.
  const countText = await panel.textContent('[data-testid="record-count"]');
  assert.equal(Number(countText.match(/\d+/)?.[0]), expected.length, `record-count says "${countText}"`);
  assert.equal(await panel.locator('[data-testid="dropped-count"]').count(), 0, 'dropped-count is shown');
  const leaked = finalRows.filter((r) => /scapi-inspector/i.test(JSON.stringify(r)));
  assert.deepEqual(leaked, [], 'rows show the extension bridge traffic');

  // Details: the cross-origin client's voice.dial failure shows the exact raw message.
  const crossUrl = logs.cross.messages[0].receiverUrl;
  const failure = logs.cross.messages.find((m) => m.data?.errorMessage);
  const row = panel.locator(
    `[data-testid="record-row"][data-frame-url="${crossUrl}"][data-kind="response"][data-reference-id="${failure.data.referenceId}"]`,
  );
  assert.equal(await row.count(), 1, `one failure row for ${crossUrl}\n${diag()}`);
  await row.click();
  await panel.waitForFunction(
    (url) =>
      document
        .querySelector(`[data-testid="record-row"][data-frame-url="${url}"][data-kind="response"][aria-selected="true"]`) !== null,
    crossUrl,
    { timeout: 5000 },
  );
  const raw = await panel.textContent('[data-testid="record-details"] [data-testid="raw-json"]');
  assert.deepEqual(JSON.parse(raw), failure.data, `raw-json shows:\n${raw}`);
  const decoded = await panel.textContent('[data-testid="record-details"] [data-testid="decoded-json"]');
  assert.doesNotThrow(() => JSON.parse(decoded), `decoded-json is not JSON:\n${decoded}`);
  assert.match(decoded, /voice\.dial/, `decoded-json lacks the error text:\n${decoded}`);

  // A request: the raw JSON keeps the positional parameters as sent.
  const topUrl = logs.top.messages[0].receiverUrl;
  const dialRows = panel.locator(
    `[data-testid="record-row"][data-frame-url="${topUrl}"][data-kind="request"][data-name="voice.dial"]`,
  );
  assert.equal(await dialRows.count(), 2, `two voice.dial requests at the top (cross + same)\n${diag()}`);
  await dialRows.first().click();
  await panel.waitForFunction(
    () => document.querySelector('[data-testid="record-row"][data-name="voice.dial"][aria-selected="true"]') !== null,
    null,
    { timeout: 5000 },
  );
  const rawReq = JSON.parse(await panel.textContent('[data-testid="record-details"] [data-testid="raw-json"]'));
  assert.deepEqual(rawReq.parameters, ['5001', null]);
  assert.equal(rawReq.request, 'voice.dial');

  await panel.close();
  await page.close();
}

test(
  'about:blank frame written with document.write() is captured',
  // document.open() (implied by a write after load) erases every listener of the frame's window,
  // the hook's capture listener included; the hook and the content script arm again when a
  // MutationObserver sees the document replaced.
  async () => {
    const page = await browser.context.newPage();
    const pageUrl = server.urlA('client.html?name=writer');
    await page.goto(pageUrl);
    const tabId = await tabIdFor(browser, pageUrl, page);
    const panel = await openPanel(browser, tabId);
    await page.evaluate(() => {
      const f = document.createElement('iframe');
      document.body.append(f);
      const d = f.contentDocument;
      d.open();
      d.write('<p>written</p>');
      d.close();
      f.contentWindow.postMessage({ type: 'written-frame-ping' }, '*');
    });
    try {
      const rows = await waitForRows(panel, 1, { timeout: 5000 });
      // document.open() gives the written document its opener's URL (the HTML spec's "document
      // open steps"), so the frame is told apart by its own frame key and the parent relation.
      const ping = rows.find((r) => r.kind === 'foreign' && r.text.includes('written-frame-ping'));
      assert.ok(ping, `no foreign row for the written about:blank frame:\n${formatRows(rows)}`);
      assert.equal(ping.source, 'parent');
      assert.equal(ping['frame-url'], pageUrl);
    } finally {
      await panel.close();
      await page.close();
    }
  },
);

test('messages delivered just before the page is left reach the panel', async () => {
  // While messages keep coming, the hook hands them on in batches up to 200 ms apart and the
  // content script sends every 50 ms; a page that navigates away must not take the last batch
  // with it: both send at once on pagehide. Preserve log keeps the old page's records.
  const page = await browser.context.newPage();
  const pageUrl = server.urlA('client.html?name=leaving');
  await page.goto(pageUrl);
  const panel = await openPanel(browser, await tabIdFor(browser, pageUrl, page));
  await panel.check('[data-testid="preserve-log"]');
  const next = server.urlA('client.html?name=arrived');
  try {
    await page.evaluate(async (next) => {
      // The first message finds the page quiet; those 40 ms later find it busy.
      postMessage({ type: 'before-leaving', n: 0 }, '*');
      await new Promise((resolve) => setTimeout(resolve, 40));
      addEventListener('message', (event) => { if (event.data?.n === 3) location.href = next; });
      for (let n = 1; n <= 3; n++) postMessage({ type: 'before-leaving', n }, '*');
    }, next);
    await page.waitForURL(next);
    const marked = async () =>
      (await readRows(panel)).filter((r) => r.text.includes('before-leaving')).map((r) => JSON.parse(r.text.match(/\{.*\}/)[0]).n);
    await panel.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="record-row"]')].filter((r) => r.textContent.includes('before-leaving')).length >= 4,
      null,
      { timeout: 5000 },
    ).catch(() => {});
    assert.deepEqual((await marked()).sort(), [0, 1, 2, 3], formatRows(await readRows(panel)));
  } finally {
    await panel.uncheck('[data-testid="preserve-log"]');
    await panel.close();
    await page.close();
  }
});
