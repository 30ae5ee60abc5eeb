// The background holds nothing that cannot be rebuilt: after the browser stops the extension's
// service worker, the panel reconnects and every message (before, during and after) is shown once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorkspaceAndPanel, runPhase2, readRows, formatRows, SCENARIO_COUNTS, waitForHeld, waitForRows } from '../support/browser.mjs';

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

test('the panel keeps working after the service worker is stopped', () => withWorkspaceAndPanel(async ({ browser, page, panel }) => {
    await waitForHeld(panel, total(SCENARIO_COUNTS.phase1));

    // Watch the connection indicator, then stop the worker the way the browser does when idle.
    const states = [];
    await panel.exposeFunction('noteConnectionState', (state) => states.push(state));
    await panel.evaluate(() => {
      const indicator = document.querySelector('[data-testid="connection"]');
      new MutationObserver(() => window.noteConnectionState(indicator.dataset.state))
        .observe(indicator, { attributes: true });
    });
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await panel.waitForSelector('[data-testid="connection"][data-state="connected"]');

    await runPhase2(page);
    const expected = total(SCENARIO_COUNTS.phase2);
    await waitForRows(panel, expected).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300)); // let any duplicate arrive
    const rows = await readRows(panel);
    assert.ok(states.includes('reconnecting'), `the panel never saw the worker go: ${states}`);
    assert.equal(rows.length, expected, `rows after the restart:\n${formatRows(rows)}`);
    const ids = new Set(rows.map((row) => `${row['frame-key']}#${row.seq}`));
    assert.equal(ids.size, rows.length, 'a record is shown twice');
}));
