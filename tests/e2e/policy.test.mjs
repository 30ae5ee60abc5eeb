// Workspace options pasted (or loaded from a file) in the panel are kept per site across panel
// sessions, give each request a verdict beside what the capture shows, and fill the rate-limit and
// user-data views and the findings — through the real extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withWorkspaceAndPanel, runPhase2, readRows, formatRows, openPanel, tabIdFor, SCENARIO_COUNTS, waitForHeld } from '../support/browser.mjs';

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Verdicts of the rows named `name`, as `verdict/agreement`, in list order. */
const verdicts = (rows, name) => rows.filter((r) => r.name === name).map((r) => `${r.verdict ?? ''}/${r.agreement ?? ''}`);

async function applyOptions(panel, text) {
  if ((await panel.getAttribute('[data-testid="policy-toggle"]', 'aria-pressed')) !== 'true') {
    await panel.click('[data-testid="policy-toggle"]');
  }
  await panel.fill('[data-testid="options-text"]', text);
  await panel.click('[data-testid="options-apply"]');
}

test('pasted options judge every request, survive a new panel session, and fill the policy views', () =>
  withWorkspaceAndPanel(async ({ server, browser, page, panel, url }) => {
    await runPhase2(page);
    await waitForHeld(panel, total(SCENARIO_COUNTS.phase2));
    // The Workspace page is on origin A; the same-origin app may use agent.* and interaction.*;
    // the cross-origin app (origin B) is not accepted; read-allowed hides MyKEY1.
    const options = `[interaction-workspace]\nservice-client-api.accepted-web-content-origins=${server.originA} (agent.*, interaction.*)\nservice-client-api.user-data.read-allowed=OtherKey\n`;
    await applyOptions(panel, options);
    assert.equal(await panel.getAttribute('[data-testid="options-status"]', 'data-state'), 'applied');

    const check = async (where) => {
      const rows = await readRows(panel);
      // Each request name is sent once by each app: B's is refused by origin though Workspace
      // answered it (a disagreement), A's agrees with what the capture shows.
      assert.deepEqual(verdicts(rows, 'agent.getState').sort(), ['allowed/agrees', 'origin-refused/disagrees'], `${where}\n${formatRows(rows)}`);
      assert.deepEqual(verdicts(rows, 'voice.dial').sort(), ['origin-refused/agrees', 'outside-filter/agrees'], `${where}\n${formatRows(rows)}`);
      assert.deepEqual(verdicts(rows, 'subscribe').sort(), ['allowed/agrees', 'origin-refused/disagrees'], where);
      // The events and results that showed MyKEY1 contradict read-allowed.
      const shown = rows.filter((r) => r.verdict === 'read-unreadable');
      assert.ok(shown.length >= 2, `${where}\n${formatRows(rows)}`);
    };
    await check('after pasting');

    // A new panel session for the same tab finds the options again (kept for the site).
    await panel.close();
    const again = await openPanel(browser, await tabIdFor(browser, url, page));
    await waitForHeld(again, total(SCENARIO_COUNTS.phase2));
    await again.waitForSelector('[data-testid="policy-toggle"][data-options="applied"]');
    panel = again;
    await check('in a new panel session');
    await panel.click('[data-testid="policy-toggle"]');
    assert.equal(await panel.inputValue('[data-testid="options-text"]'), options);
    assert.match(await panel.textContent('[data-testid="verdict-tally"]'), /went otherwise than these options predict/);

    // Findings: the refused origin, the filtered request, and the disagreements.
    await panel.click('[data-testid="findings-toggle"]');
    const findings = await panel.$$eval('[data-testid="finding"]', (items) =>
      items.map((item) => ({ code: item.dataset.code, text: item.textContent })));
    const codes = new Set(findings.map((f) => f.code));
    for (const code of ['policy-refused', 'policy-disagreement', 'keys-hidden']) assert.ok(codes.has(code), `${code} in ${[...codes]}`);
    const refused = findings.find((f) => f.code === 'policy-refused' && f.text.includes(server.originB));
    assert.ok(refused, JSON.stringify(findings, null, 1));
    assert.match(refused.text, new RegExp(`Add \`${server.originB}\` to service-client-api\\.accepted-web-content-origins`));
    const filtered = findings.find((f) => f.code === 'policy-refused' && f.text.includes('outside the filter'));
    assert.match(filtered.text, /Add `voice\.dial` \(or `voice\.\*`\)/);

    // Rate limits: both dials got the rate-limit error; the quarantines they announce are drawn.
    await panel.click('[data-testid="rates-toggle"]');
    const dial = panel.locator('[data-testid="rate-usage"][data-request="voice.dial"]');
    assert.equal(await dial.getAttribute('data-hits'), '2');
    assert.equal(await dial.locator('[data-testid="quarantine-span"][data-predicted="false"]').count(), 2);

    // User data: MyKEY1 was written to interaction 1 and read-allowed hides it.
    await panel.click('[data-testid="user-data-toggle"]');
    const key = panel.locator('[data-testid="interaction-keys"][data-interaction-id="1"] [data-testid="user-data-key"][data-key="MyKEY1"]');
    assert.equal(await key.getAttribute('data-status'), 'hidden');
  }));

test('options load from a file, bad ones are refused naming the line, and clearing them is kept', () =>
  withWorkspaceAndPanel(async ({ server, browser, page, panel, url }) => {
    await runPhase2(page);
    await panel.click('[data-testid="policy-toggle"]');
    // Bad: an origin with a path on line 2.
    await applyOptions(panel, `service-client-api.rate-limit.voice.dial=4\nservice-client-api.accepted-web-content-origins=${server.originB}/client.html`);
    assert.equal(await panel.getAttribute('[data-testid="options-status"]', 'data-state'), 'rejected');
    const error = panel.locator('[data-testid="options-error"]');
    assert.equal(await error.getAttribute('data-line'), '2');
    assert.match(await error.textContent(), /has a path/);
    assert.ok((await readRows(panel)).every((r) => !r.verdict), 'nothing judged under refused options');

    // A file (JSON, as some tools export options).
    const dir = await mkdtemp(path.join(tmpdir(), 'scapi-options-'));
    const file = path.join(dir, 'options.json');
    await writeFile(file, JSON.stringify({ 'interaction-workspace': {
      'service-client-api.accepted-web-content-origins': `${server.originA}, ${server.originB}`,
      'service-client-api.rate-limit.voice.dial': 1,
    } }));
    await panel.setInputFiles('[data-testid="options-file"]', file);
    await panel.waitForSelector('[data-testid="options-status"][data-state="applied"]');
    assert.match(await panel.inputValue('[data-testid="options-text"]'), /rate-limit\.voice\.dial/);
    // Both origins accepted, one dial per minute: the first dial of the minute is allowed, yet the
    // test Workspace answered it with the rate-limit error — a disagreement (a second dial in the
    // same minute is over the limit, as its error says). The list shows the new verdicts on its
    // next drawing.
    await panel.waitForSelector('[data-testid="record-row"][data-name="voice.dial"][data-kind="request"][data-verdict="allowed"][data-agreement="disagrees"]', { state: 'attached', timeout: 5000 }).catch(() => {});
    const rows = await readRows(panel);
    const dials = rows.filter((r) => r.name === 'voice.dial' && r.kind === 'request');
    assert.ok(dials.every((r) => ['allowed', 'rate-limit-reached'].includes(r.verdict)), formatRows(dials));
    assert.ok(dials.some((r) => r.verdict === 'allowed' && r.agreement === 'disagrees'), formatRows(dials));

    // Clearing forgets them for the site, also for the next session.
    await panel.click('[data-testid="options-clear"]');
    assert.equal(await panel.getAttribute('[data-testid="options-status"]', 'data-state'), 'none');
    await panel.close();
    const again = await openPanel(browser, await tabIdFor(browser, url, page));
    await again.waitForSelector('[data-testid="record-row"]');
    await again.waitForTimeout(300); // storage answers asynchronously
    assert.equal(await again.getAttribute('[data-testid="policy-toggle"]', 'data-options'), 'none');
  }));
