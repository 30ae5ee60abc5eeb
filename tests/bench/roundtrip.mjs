// Round-trip bench (run by `cargo xtask bench`): an iframe on origin B posts a ~1 KB SCAPI request
// to the top page on origin A, which answers with a ~1 KB response; timed in the iframe. Two headless
// browsers, one without and one with the extension, run alternating batches in one process so that
// machine noise hits both alike. Prints the median µs per round trip and the ratio with/without.
//
//   node tests/bench/roundtrip.mjs [--alternations 30] [--batch 300] [--chunk 50] [--warmup 600]
//   env SCAPI_DIST_CHROME (default dist/chrome)
import { parseArgs } from 'node:util';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch } from '../support/browser.mjs';

const { values: opts } = parseArgs({
  options: {
    alternations: { type: 'string', default: '30' },
    batch: { type: 'string', default: '300' },
    chunk: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '600' },
    goal: { type: 'string', default: '1.05' },
  },
});
const ALTERNATIONS = Number(opts.alternations);
const BATCH = Number(opts.batch);
const CHUNK = Number(opts.chunk);
const WARMUP = Number(opts.warmup);
const GOAL = Number(opts.goal);
if (BATCH % CHUNK !== 0) throw new Error('--batch must be a multiple of --chunk');

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const median = (xs) => quantile(xs, 0.5);
const spread = (xs) => `${quantile(xs, 0.25).toFixed(1)}–${quantile(xs, 0.75).toFixed(1)}`;

async function setUp(server, extension) {
  const browser = await launch({ extension });
  const page = await browser.context.newPage();
  await page.goto(server.urlA('bench.html'));
  const frame = await (await page.waitForSelector('iframe#client')).contentFrame();
  await frame.waitForFunction(() => typeof window.runBatch === 'function');
  const run = (n) => frame.evaluate(([n, chunk]) => window.runBatch(n, chunk), [n, CHUNK]);
  await run(WARMUP - (WARMUP % CHUNK) || CHUNK); // JIT, caches, the extension's wasm instantiation
  return { browser, run };
}

async function main() {
  await requireDist(DIST_CHROME);
  const server = await start();
  const sides = {};
  try {
    sides.without = await setUp(server, null);
    sides.with = await setUp(server, DIST_CHROME);
    const samples = { without: [], with: [] };
    for (let i = 0; i < ALTERNATIONS; i++) {
      // Swap the order every time so that drift does not favour one side.
      const order = i % 2 ? ['with', 'without'] : ['without', 'with'];
      for (const side of order) samples[side].push(...(await sides[side].run(BATCH)));
    }
    const without = median(samples.without);
    const withExt = median(samples.with);
    const ratio = withExt / without;
    console.log(
      `roundtrip samples: ${samples.without.length} + ${samples.with.length} chunks of ${CHUNK} ` +
        `(${ALTERNATIONS} alternations x ${BATCH} round trips, ~1 KB each way, origin B -> A); ` +
        `interquartile µs: without ${spread(samples.without)}, with ${spread(samples.with)}`,
    );
    console.log(
      `roundtrip median: without ${without.toFixed(1)} µs, with ${withExt.toFixed(1)} µs, ` +
        `ratio ${ratio.toFixed(3)} (goal ≤ ${GOAL.toFixed(2)})`,
    );
  } finally {
    for (const s of Object.values(sides)) await s.browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
