// Page-load bench (run by `cargo xtask bench`): an ordinary page with 30 iframes (15 cross-origin)
// and no SCAPI traffic, loaded again and again in a browser without and one with the extension,
// alternating in one run. Prints the median time to the load event and its ratio, for iframes that
// post ordinary messages and for iframes that post nothing, and the memory of the browser and
// page processes with the page loaded (fresh browsers, garbage collected), per frame.
//
//   node tests/bench/frames.mjs [--loads 12]
//   env SCAPI_DIST_CHROME (default dist/chrome)
import { parseArgs } from 'node:util';
import { readFile, readdir } from 'node:fs/promises';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch } from '../support/browser.mjs';
import { median } from '../support/stats.mjs';

const { values: opts } = parseArgs({ options: { loads: { type: 'string', default: '12' } } });
const LOADS = Number(opts.loads);

/**
 * Memory (bytes) of every process whose command line names the profile directory: the extension's
 * own process (service worker, background wasm; resident) apart from the rest (the browser and the
 * page's renderers; resident and proportional).
 */
async function residentBytes(dir) {
  const total = { pages: 0, pagesPss: 0, extension: 0 };
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(dir)) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const bytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      if (cmdline.includes('--extension-process')) { total.extension += bytes; continue; }
      total.pages += bytes;
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
      total.pagesPss += Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0) * 1024;
    } catch { /* gone */ }
  }
  return total;
}

async function loadTime(page, url) {
  await page.goto('about:blank');
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  return Date.now() - started;
}

async function main() {
  await requireDist(DIST_CHROME);
  const server = await start();
  const sides = {
    without: await launch({}),
    with: await launch({ extension: DIST_CHROME }),
  };
  try {
    const pages = {};
    for (const [name, browser] of Object.entries(sides)) pages[name] = await browser.context.newPage();
    for (const [variant, query] of [['posting', ''], ['quiet', '?quiet=1']]) {
      const url = server.urlA(`frames30.html${query}`);
      const times = { without: [], with: [] };
      for (const name of Object.keys(sides)) await loadTime(pages[name], url); // warm caches
      for (let i = 0; i < LOADS; i++) {
        const order = i % 2 ? ['with', 'without'] : ['without', 'with'];
        for (const name of order) times[name].push(await loadTime(pages[name], url));
      }
      const without = median(times.without);
      const withExt = median(times.with);
      console.log(
        `frames load (30 iframes, ${variant}, no SCAPI): without ${without} ms, with ${withExt} ms, ` +
          `ratio ${(withExt / without).toFixed(3)} (goal ≤ 1.02; medians of ${LOADS} loads each)`,
      );
    }
    // Memory: a fresh browser per reading (what earlier loads left behind is not the extension's),
    // the posting page loaded and settled, every frame's garbage collected; three readings per
    // side, alternating, and their medians. Proportional set size (shared pages split between the
    // processes that share them) and resident set size, of the browser and page processes.
    const readings = { without: [], with: [] };
    for (let round = 0; round < 3; round++) {
      for (const name of round % 2 ? ['with', 'without'] : ['without', 'with']) {
        const browser = await launch({ extension: name === 'with' ? DIST_CHROME : null, args: ['--js-flags=--expose-gc'] });
        try {
          const page = await browser.context.newPage();
          await page.goto(server.urlA('frames30.html'), { waitUntil: 'load' });
          await page.waitForTimeout(1500);
          for (let pass = 0; pass < 2; pass++) {
            await Promise.all(page.frames().map((frame) => frame.evaluate(() => globalThis.gc?.()).catch(() => {})));
          }
          await page.waitForTimeout(500);
          readings[name].push(await residentBytes(browser.dir));
        } finally {
          await browser.close();
        }
      }
    }
    const memory = Object.fromEntries(Object.entries(readings).map(([name, list]) => [name, Object.fromEntries(
      ['pages', 'pagesPss', 'extension'].map((k) => [k, median(list.map((r) => r[k]))]),
    )]));
    const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
    const perFrame = (k) => ((memory.with[k] - memory.without[k]) / 30 / 2 ** 20).toFixed(2);
    console.log(
      `frames memory (fresh browsers, garbage collected, medians of 3): browser and page processes ` +
        `PSS without ${mb(memory.without.pagesPss)} MB, with ${mb(memory.with.pagesPss)} MB: ${perFrame('pagesPss')} MB more per frame ` +
        `(goal ≤ 0.5 MB); RSS ${mb(memory.without.pages)} / ${mb(memory.with.pages)} MB: ${perFrame('pages')} MB per frame; ` +
        `the extension's own process ${mb(memory.with.extension)} MB RSS`,
    );
  } finally {
    for (const browser of Object.values(sides)) await browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
