// The panel pairs each answer with its request per client frame (both clients use referenceIds
// from "0"), shows each request's fate, and names what went wrong as findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorkspaceAndPanel, runPhase2, readRows, formatRows, SCENARIO_COUNTS, waitForHeld } from '../support/browser.mjs';

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

test('requests pair with their own client\'s answers and the rate limit is a finding', () => withWorkspaceAndPanel(async ({ page, panel }) => {
    await runPhase2(page);
    await waitForHeld(panel, total(SCENARIO_COUNTS.phase2));
    const rows = await readRows(panel);
    const requests = rows.filter((r) => ['request', 'subscribe', 'unsubscribe'].includes(r.kind));
    const fates = Object.fromEntries(['subscribe', 'agent.getState', 'interaction.setUserData', 'voice.dial', 'unsubscribe']
      .map((name) => [name, requests.filter((r) => r.name === name).map((r) => r['exchange-state'])]));
    assert.deepEqual(fates, {
      subscribe: ['answered', 'answered'],
      'agent.getState': ['answered', 'answered'],
      'interaction.setUserData': ['answered', 'answered'],
      'voice.dial': ['failed', 'failed'],
      // Sent without a callback: nothing waits for an answer, it never times out.
      unsubscribe: ['sent', 'sent'],
    }, formatRows(rows));

    // Each response row names the request it answers, in the frame that sent it.
    for (const response of rows.filter((r) => r.kind === 'response')) {
      assert.match(response.text, /↩ (subscribe|agent\.getState|interaction\.setUserData|voice\.dial)/, response.text);
    }

    // Following a request to its answer lands in the client frame that sent it.
    for (const client of ['cross', 'same']) {
      const answerRows = rows.filter((r) => r.kind === 'response' && r['frame-url'].includes(`name=${client}`));
      assert.equal(answerRows.length, 4, `${client} answers:\n${formatRows(rows)}`);
    }
    const dial = panel.locator('[data-testid="record-row"][data-name="voice.dial"]').first();
    await dial.click();
    await panel.locator('[data-testid="partner-link"]', { hasText: 'answer' }).click();
    const selected = panel.locator('[data-testid="record-row"][aria-selected="true"]');
    assert.equal(await selected.getAttribute('data-kind'), 'response');
    assert.equal(await selected.getAttribute('data-reference-id'), await dial.getAttribute('data-reference-id'));

    await panel.click('[data-testid="findings-toggle"]');
    const findings = await panel.$$eval('[data-testid="finding"]', (items) =>
      items.map((item) => ({ code: item.dataset.code, text: item.textContent })));
    const limited = findings.filter((f) => f.code === 'rate-limited');
    assert.equal(limited.length, 2, JSON.stringify(findings, null, 1));
    assert.match(limited[0].text, /voice\.dial/);
    assert.match(limited[0].text, /30 s/);
    // Without options, the policy reads the rate limit off the errors: the first dial of its minute
    // was refused, so the limit was reached before the capture.
    assert.deepEqual([...new Set(findings.map((f) => f.code))], ['rate-limited', 'policy-inferred'], JSON.stringify(findings, null, 1));
    assert.match(findings.find((f) => f.code === 'policy-inferred').text, /reached before the capture/);
}));
