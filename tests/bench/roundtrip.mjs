// Round-trip bench (run by `cargo xtask bench`): an iframe on origin B posts a ~1 KB SCAPI request
// to the top page on origin A, which answers with a ~1 KB response; timed in the iframe. Headless
// browsers without the extension, with it and no panel, with it and its panel open on the tab (as
// users run it), with its panel open but hidden behind another DevTools tool (it keeps the records
// and draws nothing until shown), and with it and a bare listener on the panel's port (the floor
// of any panel: the background decodes every line and ships digests, nothing is drawn or
// analysed) run alternating batches in one process so that machine noise hits all alike.
// Prints the median µs per round trip and the total time of all round trips (a median hides
// stalls), each side's ratio to the side without the extension; and where the time goes: CPU time
// per 1,000 round trips of each side's processes (the page's renderers, the browser process, the
// extension's process: its service worker and panel), and the panel's main thread (script,
// layout, style) from DevTools metrics.
// `--compare NAME=DIST` (repeatable) adds a side with another build's panel open, so that a change
// is measured against the build before it in one run (copy `dist/chrome` aside before building).
//
//   node tests/bench/roundtrip.mjs [--alternations 30] [--batch 300] [--chunk 50] [--warmup 600]
//     [--compare before=/tmp/dist-before]...
//   env SCAPI_DIST_CHROME (default dist/chrome)
import { parseArgs } from 'node:util';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch, tabIdFor, openPanel } from '../support/browser.mjs';
import { quantile, median } from '../support/stats.mjs';
import { cpuByKind, cpuSpent, extensionThreads } from '../support/cpu.mjs';

const { values: opts } = parseArgs({
  options: {
    alternations: { type: 'string', default: '30' },
    batch: { type: 'string', default: '300' },
    chunk: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '600' },
    goal: { type: 'string', default: '1.05' },
    compare: { type: 'string', multiple: true, default: [] },
  },
});
const ALTERNATIONS = Number(opts.alternations);
const BATCH = Number(opts.batch);
const CHUNK = Number(opts.chunk);
const WARMUP = Number(opts.warmup);
const GOAL = Number(opts.goal);
if (BATCH % CHUNK !== 0) throw new Error('--batch must be a multiple of --chunk');
// Other builds, each with its panel open: [name, dist].
const COMPARE = opts.compare.map((build) => {
  const [name, dist] = build.includes('=') ? build.split(/=(.*)/s) : [build.split('/').filter(Boolean).pop(), build];
  if (!name || !dist) throw new Error(`--compare ${JSON.stringify(build)}: expected NAME=DIST (a built dist/chrome directory)`);
  return [name, dist];
});

const spread = (xs) => `${quantile(xs, 0.25).toFixed(1)}–${quantile(xs, 0.75).toFixed(1)}`;

async function setUp(server, extension, { panel = false, hidden = false, listener = false } = {}) {
  const browser = await launch({ extension });
  const page = await browser.context.newPage();
  await page.goto(server.urlA('bench.html'));
  let panelPage = null;
  if (panel) panelPage = await openPanel(browser, await tabIdFor(browser, server.urlA('bench.html'), page));
  if (hidden) {
    // What extension/devtools.js tells the panel's page when DevTools shows another tool.
    await panelPage.evaluate(() => {
      window.scapiPanelShown = false;
      window.dispatchEvent(new CustomEvent('scapi-panel-shown', { detail: false }));
    });
  }
  if (listener) {
    // An extension page (the toolbar popup's, for want of a blank one) that connects as a panel
    // and only counts what it is sent.
    const tabId = await tabIdFor(browser, server.urlA('bench.html'), page);
    const listening = await browser.context.newPage();
    await listening.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await listening.evaluate((tabId) => {
      window.batches = 0;
      chrome.runtime.connect({ name: `panel:${tabId}` }).onMessage.addListener(() => { window.batches += 1; });
    }, tabId);
  }
  const frame = await (await page.waitForSelector('iframe#client')).contentFrame();
  await frame.waitForFunction(() => typeof window.runBatch === 'function');
  const cpu = { browser: 0, page: 0, extension: 0, other: 0 };
  const threads = {}; // the extension process's threads: its main thread is the panel's
  const run = async (n) => {
    const before = await cpuByKind(browser.dir);
    const threadsBefore = await extensionThreads(browser.dir);
    const samples = await frame.evaluate(([n, chunk]) => window.runBatch(n, chunk), [n, CHUNK]);
    for (const [kind, ms] of Object.entries(cpuSpent(before, await cpuByKind(browser.dir)))) cpu[kind] += ms;
    for (const [thread, ms] of Object.entries(cpuSpent(threadsBefore, await extensionThreads(browser.dir)))) {
      threads[thread] = (threads[thread] ?? 0) + ms;
    }
    return samples;
  };
  await run(WARMUP - (WARMUP % CHUNK) || CHUNK); // JIT, caches, the extension's wasm instantiation
  for (const kind of Object.keys(cpu)) cpu[kind] = 0;
  for (const thread of Object.keys(threads)) delete threads[thread];
  let metrics = null;
  if (panelPage) {
    const cdp = await browser.context.newCDPSession(panelPage);
    await cdp.send('Performance.enable');
    metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  }
  return { browser, run, cpu, threads, metrics, panelStart: metrics ? await metrics() : null };
}

async function main() {
  await requireDist(DIST_CHROME);
  for (const [, dist] of COMPARE) await requireDist(dist);
  const server = await start();
  const sides = {};
  try {
    sides.without = await setUp(server, null);
    sides.with = await setUp(server, DIST_CHROME);
    sides.panel = await setUp(server, DIST_CHROME, { panel: true });
    sides.hidden = await setUp(server, DIST_CHROME, { panel: true, hidden: true });
    sides.listener = await setUp(server, DIST_CHROME, { listener: true });
    for (const [name, dist] of COMPARE) sides[`compare:${name}`] = await setUp(server, dist, { panel: true });
    const names = Object.keys(sides);
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let i = 0; i < ALTERNATIONS; i++) {
      // Rotate the order every time so that drift does not favour one side.
      const order = names.map((_, k) => names[(k + i) % names.length]);
      for (const side of order) samples[side].push(...(await sides[side].run(BATCH)));
    }
    const label = {
      without: 'without',
      with: 'with, no panel',
      panel: 'with, panel open',
      hidden: 'with, panel open behind another DevTools tool',
      listener: 'with, a bare listener: the floor of any panel',
      ...Object.fromEntries(COMPARE.map(([name, dist]) => [`compare:${name}`, `with, panel open, build ${name} (${dist})`])),
    };
    const goalOf = (side, goal) =>
      side === 'listener' ? 'no goal: a floor' : side === 'hidden' || side.startsWith('compare:') ? 'no goal' : `goal ≤ ${goal}`;
    console.log(
      `roundtrip samples: ${samples.without.length} chunks of ${CHUNK} per side ` +
        `(${ALTERNATIONS} alternations x ${BATCH} round trips, ~1 KB each way, origin B -> A); ` +
        `interquartile µs: ${names.map((n) => `${label[n]} ${spread(samples[n])}`).join(', ')}`,
    );
    const base = median(samples.without);
    const total = (xs) => (xs.reduce((a, b) => a + b, 0) * CHUNK) / 1e6; // seconds
    for (const side of names.filter((name) => name !== 'without')) {
      const m = median(samples[side]);
      console.log(
        `roundtrip median (${label[side]}): without ${base.toFixed(1)} µs, with ${m.toFixed(1)} µs, ` +
          `ratio ${(m / base).toFixed(3)} (${goalOf(side, GOAL.toFixed(2))})`,
      );
      console.log(
        `roundtrip total (${label[side]}): without ${total(samples.without).toFixed(2)} s, with ` +
          `${total(samples[side]).toFixed(2)} s, ratio ${(total(samples[side]) / total(samples.without)).toFixed(3)} (${goalOf(side, '1.15')})`,
      );
    }
    // Where the time goes. CPU time is counted while each side ran its batches (what a panel
    // did between them, catching up, is not), so it is a floor for the extension's process.
    const rounds = samples.without.length * CHUNK;
    for (const side of names) {
      const cpu = sides[side].cpu;
      console.log(
        `roundtrip CPU per 1,000 round trips (${label[side]}): ` +
          Object.entries(cpu).map(([kind, ms]) => `${kind} ${((ms * 1000) / rounds).toFixed(0)} ms`).join(', '),
      );
    }
    for (const side of names.filter((name) => sides[name].metrics)) {
      const busiest = Object.entries(sides[side].threads).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).slice(0, 5);
      console.log(
        `roundtrip CPU per 1,000 round trips (${label[side]}), the extension process's busiest threads ` +
          `(its main thread runs the panel, "ServiceWorker t…" the background): ` +
          busiest.map(([thread, ms]) => `${thread} ${((ms * 1000) / rounds).toFixed(0)} ms`).join(', '),
      );
      const { metrics, panelStart } = sides[side];
      const end = await metrics();
      const spent = (name) => ((end[name] - panelStart[name]) * 1000 * 1000) / rounds;
      console.log(
        `roundtrip panel main thread per 1,000 round trips (${label[side]}, over the whole run): tasks ${spent('TaskDuration').toFixed(0)} ms ` +
          `(script ${spent('ScriptDuration').toFixed(0)}, layout ${spent('LayoutDuration').toFixed(0)}, ` +
          `style ${spent('RecalcStyleDuration').toFixed(0)}), ${((end.LayoutCount - panelStart.LayoutCount) * 1000 / rounds).toFixed(1)} layouts`,
      );
    }
  } finally {
    for (const s of Object.values(sides)) await s.browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
