// Import benchmark (run by `cargo xtask bench`): a generated WebSocket HAR of 1,000,000 messages
// (about 213 MB, a Workspace client's traffic) imported in the panel of the real extension.
// Figures, not assertions: the wasm memory after the import (it never shrinks: this is the high
// water), the longest the panel's main thread was blocked while the file was read (between two
// animation frames, and the longest "long task"), and after (the file's records sorted and
// swapped in, the analysis — in slices, "analysing… N%" — and the renders) until the analysis of
// all the records is shown, with the time that took, and the total time. Then a file of huge records
// (a 5 MB key, six strings of 1 MiB, a 50 MB message, 10,000 userData keys): the time from a click
// on each to its details shown, and the User data view's size.
//
//   node tests/bench/import.mjs [--messages 1000000]
//   env SCAPI_DIST_CHROME (default dist/chrome)
import { parseArgs } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch, tabIdFor, openPanel } from '../support/browser.mjs';
import { writeWebSocketHar, writeMessagesHar } from '../support/bighar.mjs';

const { values: opts } = parseArgs({ options: { messages: { type: 'string', default: '1000000' } } });
const MESSAGES = Number(opts.messages);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);

async function main() {
  await requireDist(DIST_CHROME);
  const dir = await mkdtemp(path.join(tmpdir(), 'scapi-import-bench-'));
  const file = path.join(dir, 'million.har');
  const size = await writeWebSocketHar(file, MESSAGES);
  const server = await start();
  const browser = await launch({ extension: DIST_CHROME });
  try {
    const page = await browser.context.newPage();
    const url = server.urlA('load.html');
    await page.goto(url);
    const panel = await openPanel(browser, await tabIdFor(browser, url, page));
    await panel.setViewportSize({ width: 1280, height: 800 });
    await panel.bringToFront();
    const before = await panel.evaluate(() => globalThis.scapiPanelMemoryBytes());

    // The main thread's blocks: the gap between animation frames, and long tasks, each noted as
    // during the reading (the progress line shown) or after it.
    await panel.evaluate((size) => {
      const m = { reading: { gap: 0, task: 0, tasks: 0 }, after: { gap: 0, task: 0, tasks: 0 }, phase: 'reading', stop: false, readAt: 0, shownAt: 0, analysedAt: 0, sawAnalysing: false };
      globalThis.__importBench = m;
      let last = performance.now();
      // The analysis of the file is complete when the panel says it analysed all its records
      // (`data-analysed` on the root, the banner's count) and no "analysing…" shows.
      const analysed = () => {
        const banner = document.querySelector('[data-testid="import-banner"]');
        const records = /: ([0-9]+) records/.exec(banner?.textContent ?? '')?.[1];
        if (document.querySelector('[data-testid="analysing"]')) m.sawAnalysing = true;
        // A panel before analyses in slices (no `data-analysed`) analyses in the render that
        // shows the file's rows.
        if (document.querySelector('.app')?.dataset.analysed === undefined) return records !== undefined && !!document.querySelector('.list .row');
        return records !== undefined && document.querySelector('.app')?.dataset.analysed === records
          && !document.querySelector('[data-testid="analysing"]');
      };
      const tick = (now) => {
        const phase = m[m.phase];
        phase.gap = Math.max(phase.gap, now - last);
        last = now;
        if (m.phase === 'after') {
          // The clock now, not the frame's time: after a long task the frame began before it.
          const at = performance.now();
          if (!m.shownAt && document.querySelector('[data-testid="import-banner"]')) m.shownAt = at;
          if (!m.analysedAt && analysed()) m.analysedAt = at;
        }
        if (!m.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const task of list.getEntries()) {
          const phase = m[m.phase];
          phase.task = Math.max(phase.task, task.duration);
          phase.tasks += 1;
        }
      }).observe({ type: 'longtask', buffered: false });
      // The file is all read when the progress says so: what follows is the store made of it,
      // swapped in, analysed and shown.
      const done = new MutationObserver(() => {
        const progress = document.querySelector('[data-testid="import-progress"]');
        if (progress && progress.dataset.bytes === String(size)) { m.phase = 'after'; m.readAt = performance.now(); done.disconnect(); }
      });
      done.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-bytes'] });
    }, size);
    const started = Date.now();
    await panel.setInputFiles('[data-testid="import-har"]', file);
    await panel.waitForSelector('[data-testid="import-progress"]', { timeout: 60_000 });
    // The page's observer notes the moment the progress says the whole file is read.
    await panel.waitForFunction(() => globalThis.__importBench.phase === 'after', null, { timeout: 1_200_000, polling: 50 });
    const read = (Date.now() - started) / 1000;
    const error = await panel.$('[data-testid="import-error"]');
    if (error) throw new Error(await error.textContent());
    await panel.waitForSelector('[data-testid="import-banner"]', { timeout: 600_000 });
    await panel.waitForSelector('.list .row', { timeout: 600_000 });
    const shown = (Date.now() - started) / 1000;
    // The analysis of the file is complete (the page's observer notes when), then 1 s more.
    await panel.waitForFunction(() => globalThis.__importBench.analysedAt > 0, null, { timeout: 600_000, polling: 100 });
    await panel.waitForTimeout(1000);
    const m = await panel.evaluate(() => { globalThis.__importBench.stop = true; return globalThis.__importBench; });
    const banner = await panel.textContent('[data-testid="import-banner"]');
    const after = await panel.evaluate(() => globalThis.scapiPanelMemoryBytes());
    const records = Number(/: ([0-9]+) records/.exec(banner)?.[1] ?? 0);

    console.log(`import file: ${MESSAGES} messages, ${(size / 1e6).toFixed(0)} MB (generated WebSocket HAR)`);
    console.log(`import time: read in ${read.toFixed(1)} s (${(size / 1e6 / read).toFixed(1)} MB/s), list shown after ${shown.toFixed(1)} s; ${records} records held`);
    console.log(`import main thread while reading: longest gap between frames ${m.reading.gap.toFixed(0)} ms, longest task ${m.reading.task.toFixed(0)} ms (${m.reading.tasks} tasks over 50 ms)`);
    console.log(`import main thread after reading (the store made and swapped in, the analysis of all the records shown, 1 s more): longest gap between frames ${m.after.gap.toFixed(0)} ms, longest task ${m.after.task.toFixed(0)} ms (${m.after.tasks} tasks over 50 ms)`);
    console.log(`import analysis: complete ${((m.analysedAt - m.readAt) / 1000).toFixed(1)} s after the file was read (list shown after ${((m.shownAt - m.readAt) / 1000).toFixed(1)} s${m.sawAnalysing ? ', "analysing… N%" shown meanwhile' : ''})`);
    console.log(`import memory: wasm ${mb(after)} MB after the import (${mb(before)} MB before), ${((after - before) / Math.max(records, 1)).toFixed(0)} bytes per record`);

    // Huge records: from a click on the row to the details shown (two animation frames later).
    const huge = path.join(dir, 'huge.har');
    const key = `K${'k'.repeat(5_000_000)}`;
    await writeMessagesHar(huge, [
      { request: 'interaction.setUserData', parameters: ['1', { [key]: 'v' }], referenceId: '1', userAgent: 'WWE Client', protocolVersion: 2 },
      { request: 'interaction.setUserData', parameters: ['2', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`Big${i}`, 'v'.repeat(1_048_000)]))], referenceId: '2', userAgent: 'WWE Client', protocolVersion: 2 },
      { event: 'interaction', data: { eventType: 'ATTACHED_DATA_CHANGED', interaction: { interactionId: '3', userData: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`Big${i}`, 'v'.repeat(1_000_000)])), list: Array.from({ length: 100_000 }, (_, i) => i) } }, userAgent: 'WWE Server', protocolVersion: 2 },
      { request: 'interaction.setUserData', parameters: ['4', Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`Key${i}`, `value ${i}`]))], referenceId: '4', userAgent: 'WWE Client', protocolVersion: 2 },
    ]);
    await panel.click('[data-testid="close-import"]');
    await panel.setInputFiles('[data-testid="import-har"]', huge);
    await panel.waitForFunction(() => document.querySelector('[data-testid="import-banner"]')?.textContent.includes('huge.har'), null, { timeout: 120_000 });
    await panel.waitForTimeout(1000);
    const labels = ['a 5 MB key', 'six strings of 1 MiB', 'a 50 MB message', '10,000 userData keys'];
    const times = [];
    for (let i = 0; i < labels.length; i++) {
      times.push(await panel.evaluate((i) => new Promise((resolve) => {
        const row = document.querySelectorAll('[data-testid="record-row"]')[i];
        const started = performance.now();
        row.click();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
      }), i));
      await panel.waitForTimeout(300);
    }
    const userDataStarted = Date.now();
    await panel.click('[data-testid="user-data-toggle"]');
    await panel.waitForSelector('[data-testid="interaction-keys"][data-interaction-id="4"]');
    const userDataMs = Date.now() - userDataStarted;
    const nodes = await panel.$eval('[data-testid="user-data-view"]', (view) => view.querySelectorAll('*').length);
    console.log(`import huge records, click to details shown: ${labels.map((label, i) => `${label} ${times[i].toFixed(0)} ms`).join(', ')} (goal ≤ 100 ms)`);
    console.log(`import huge records, User data view with 10,000 keys: shown in ${userDataMs} ms (with the round trip of the test driver), ${nodes} elements`);
  } finally {
    await browser.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
