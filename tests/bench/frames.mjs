// Page-load bench (run by `cargo xtask bench`): an ordinary page with 30 iframes (15 cross-origin)
// and no SCAPI traffic, loaded again and again in a browser without and one with the extension,
// alternating in one run. Prints the median time to the load event and its ratio, for iframes that
// post ordinary messages and for iframes that post nothing, and each browser's resident memory
// with the page loaded (all its processes), per frame.
//
//   node tests/bench/frames.mjs [--loads 12]
//   env SCAPI_DIST_CHROME (default dist/chrome)
import { parseArgs } from 'node:util';
import { readFile, readdir } from 'node:fs/promises';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch } from '../support/browser.mjs';

const { values: opts } = parseArgs({ options: { loads: { type: 'string', default: '12' } } });
const LOADS = Number(opts.loads);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };

/**
 * Resident memory (bytes) of every process whose command line names the profile directory: the
 * extension's own process (service worker, background wasm) apart from the rest (the browser and
 * the page's renderers).
 */
async function residentBytes(dir) {
  const total = { pages: 0, extension: 0 };
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(dir)) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const bytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      total[cmdline.includes('--extension-process') ? 'extension' : 'pages'] += bytes;
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
    // Memory with the posting page loaded and settled.
    for (const name of Object.keys(sides)) {
      await pages[name].goto(server.urlA('frames30.html'), { waitUntil: 'load' });
      await pages[name].waitForTimeout(1000);
    }
    const memory = {};
    for (const [name, browser] of Object.entries(sides)) memory[name] = await residentBytes(browser.dir);
    const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
    const perFrame = (memory.with.pages - memory.without.pages) / 30 / 2 ** 20;
    console.log(
      `frames memory: browser and page processes without ${mb(memory.without.pages)} MB, with ${mb(memory.with.pages)} MB: ` +
        `${perFrame.toFixed(2)} MB more per frame (goal ≤ 0.5 MB); the extension's own process ${mb(memory.with.extension)} MB`,
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
