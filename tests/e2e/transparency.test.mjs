// The extension only listens: every frame of the test page must observe exactly the same messages
// (data, event.origin, event.source, transferred ports, order, listener phases) and the same window
// (globals, postMessage untouched) with the extension as without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '../support/server.mjs';
import {
  DIST_CHROME,
  requireDist,
  launch,
  tabIdFor,
  loadWorkspace,
  runPhase2,
  collectLogs,
  scenarioFrames,
} from '../support/browser.mjs';

let server;

before(async () => {
  await requireDist(DIST_CHROME);
  server = await start(); // one server, so both runs see the same origins and port
});

after(async () => {
  await server?.stop();
});

/**
 * What the page's own code can see. Messages are grouped per (receiver, sender) because only that
 * order is guaranteed by the platform; the interleaving of two senders may differ between runs.
 */
async function observe(extension) {
  const browser = await launch({ extension });
  try {
    const page = await browser.context.newPage();
    const url = await loadWorkspace(page, server);
    if (extension) {
      // Also exercise the live path (panel connected, buffer replayed) while traffic flows.
      const panel = await browser.context.newPage();
      const tabId = await tabIdFor(browser, url, page);
      await panel
        .goto(`chrome-extension://${browser.extensionId}/panel.html?tabId=${tabId}`)
        .then(() => panel.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout: 5000, state: 'attached' }))
        .catch((err) => console.log(`note: panel not connected (${err.message.split('\n')[0]}); comparing anyway`));
    }
    await runPhase2(page);
    const logs = await collectLogs(page);
    const frames = await scenarioFrames(page);
    const out = {};
    for (const [name, log] of Object.entries(logs)) {
      const bySender = {};
      for (const m of log.messages) {
        const { n, receiverUrl, ...seen } = m; // n is the interleaving; compared per sender instead
        (bySender[m.source] ??= []).push(seen);
      }
      out[name] = {
        url: log.messages[0]?.receiverUrl,
        count: log.messages.length,
        bySender,
        portMessages: log.portMessages,
        environment: await frames[name].evaluate(() => window.testLog.environment()),
      };
    }
    return out;
  } catch (err) {
    err.message = `${extension ? 'with' : 'without'} the extension: ${err.message}`;
    throw err;
  } finally {
    await browser.close();
  }
}

function describeDiff(a, b) {
  const lines = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) {
      lines.push(`${name}: only ${x ? 'without' : 'with'} the extension`);
      continue;
    }
    if (x.url !== y.url) lines.push(`${name}: url ${x.url} vs ${y.url}`);
    const gx = new Set(x.environment.globals);
    const gy = new Set(y.environment.globals);
    const added = [...gy].filter((g) => !gx.has(g));
    const removed = [...gx].filter((g) => !gy.has(g));
    if (added.length || removed.length) lines.push(`${name}: globals added ${added} removed ${removed}`);
    for (const k of Object.keys(x.environment)) {
      if (k !== 'globals' && JSON.stringify(x.environment[k]) !== JSON.stringify(y.environment[k])) {
        lines.push(`${name}: ${k} differs: ${JSON.stringify(x.environment[k])} vs ${JSON.stringify(y.environment[k])}`);
      }
    }
    for (const s of new Set([...Object.keys(x.bySender), ...Object.keys(y.bySender)])) {
      const mx = x.bySender[s] ?? [];
      const my = y.bySender[s] ?? [];
      for (let i = 0; i < Math.max(mx.length, my.length); i++) {
        if (JSON.stringify(mx[i]) !== JSON.stringify(my[i])) {
          lines.push(`${name} from ${s} #${i}:\n    without ${JSON.stringify(mx[i])}\n    with    ${JSON.stringify(my[i])}`);
        }
      }
    }
    if (JSON.stringify(x.portMessages) !== JSON.stringify(y.portMessages)) {
      lines.push(`${name}: port messages ${JSON.stringify(x.portMessages)} vs ${JSON.stringify(y.portMessages)}`);
    }
  }
  return lines.join('\n');
}

test('pages observe identical messages and windows with and without the extension', async () => {
  const without = await observe(null);
  const withExt = await observe(DIST_CHROME);

  // Sanity: the baseline really exercised what we compare (ports, several sources, all frames).
  assert.deepEqual(Object.keys(without).sort(), ['blank', 'cross', 'same', 'top']);
  const all = Object.values(without).flatMap((f) => Object.values(f.bySender).flat());
  assert.ok(all.some((m) => m.ports === 1), 'baseline has a message with a transferred port');
  assert.ok(all.every((m) => m.seenBy.join() === 'capture,bubble,onmessage'), 'baseline listeners all ran');
  assert.deepEqual(Object.keys(without.top.bySender).sort(), ['child:blank', 'child:cross', 'child:same', 'self']);
  assert.ok(without.cross.bySender.parent.every((m) => m.origin === server.originA));
  assert.ok(without.top.bySender['child:cross'].every((m) => m.origin === server.originB));

  const diff = describeDiff(without, withExt);
  assert.ok(diff === '', `observations differ with the extension:\n${diff}`);
  assert.deepEqual(withExt, without); // catch-all for anything describeDiff does not itemise
});
