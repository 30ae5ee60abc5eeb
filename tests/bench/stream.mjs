// Stream bench (run by `cargo xtask bench`): what a heavy stream of Workspace events costs the page
// and how fast the panel shows it, with the panel open as users keep it.
// - Flood: 50,000 events posted at once in one frame (tests/pages/flood.html); the longest time the
//   frame's main thread did not get to run a task once the posting loop ended, in a browser without
//   the extension, one with it and no panel, and one with its panel open, alternating in one run.
//   Each round floods twice: once with a page that never reads the messages' data (what the hook
//   alone costs: without it nothing is deserialized), once with a page that reads each message's
//   data and looks at its `event`, as every SCAPI receiver does (the page's own cost included).
// - Latency: 500 events a second for 10 s with the panel open; from each event's postMessage to the
//   panel's record count including it (p50, p95, max).
// Figures, not assertions: goals are ≤ 16 ms and ≤ 250 ms (p95).
//
//   node tests/bench/stream.mjs [--messages 50000] [--rounds 3] [--rate 500] [--seconds 10]
//   env SCAPI_DIST_CHROME (default dist/chrome)
import { parseArgs } from 'node:util';
import { start } from '../support/server.mjs';
import { DIST_CHROME, requireDist, launch, tabIdFor, openPanel } from '../support/browser.mjs';
import { quantile, recordCount } from '../support/stats.mjs';

const { values: opts } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
  },
});
const MESSAGES = Number(opts.messages);
const ROUNDS = Number(opts.rounds);
const RATE = Number(opts.rate);
const SECONDS = Number(opts.seconds);
// The two pages a flood is measured on (see the header).
const RECEIVERS = ['ignores', 'reads'];

const counter = (id) => `Number(document.querySelector('[data-testid="${id}"]')?.textContent.replace(/[^0-9]/g, '') || 0)`;

/** Waits until the panel's count has not moved for `quiet` ms; returns it. */
async function settled(panel, quiet = 1500) {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const count = await recordCount(panel);
    if (count !== last) { last = count; since = Date.now(); }
    else if (Date.now() - since >= quiet) return count;
    await panel.waitForTimeout(100);
  }
}

async function main() {
  await requireDist(DIST_CHROME);
  const server = await start();
  const url = server.urlA('flood.html');
  const sides = {};
  try {
    for (const [name, extension] of [['without', null], ['with', DIST_CHROME], ['panel', DIST_CHROME]]) {
      const browser = await launch({ extension });
      const page = await browser.context.newPage();
      await page.goto(url);
      const panel = name === 'panel' ? await openPanel(browser, await tabIdFor(browser, url, page)) : null;
      sides[name] = Object.fromEntries(
        RECEIVERS.map((receiver) => [receiver, { longest: [], delivered: [], loop: [] }]),
      );
      Object.assign(sides[name], { browser, page, panel });
    }
    const names = Object.keys(sides);
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, k) => names[(k + round) % names.length]);
      for (const name of order) {
        const side = sides[name];
        for (const receiver of round % 2 ? [...RECEIVERS].reverse() : RECEIVERS) {
          await side.page.goto(url);
          const read = receiver === 'reads';
          const result = await side.page.evaluate(([n, read]) => window.flood(n, 1500, read), [MESSAGES, read]);
          if (read && result.dispatched !== MESSAGES) {
            throw new Error(`flood: the page dispatched ${result.dispatched} of ${MESSAGES} events`);
          }
          const figures = side[receiver];
          figures.longest.push(result.longest);
          figures.delivered.push(result.delivered);
          figures.loop.push(result.loop);
          // The extension's work after the flood must not fall into another side's turn.
          if (side.panel) await settled(side.panel);
          else await side.page.waitForTimeout(1500);
        }
      }
    }
    const label = { without: 'without', with: 'with, no panel', panel: 'with, panel open' };
    const list = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
    const receiverLabel = {
      ignores: 'the page never reads the data',
      reads: 'the page reads each message, as SCAPI receivers do',
    };
    for (const receiver of RECEIVERS) {
      for (const name of names) {
        const s = sides[name][receiver];
        console.log(
          `flood (${MESSAGES} events at once, ${receiverLabel[receiver]}, ${label[name]}): longest main-thread stall after the posting loop ` +
            `${quantile(s.longest, 0.5).toFixed(1)} ms median of ${ROUNDS} (each: ${list(s.longest)} ms; goal ≤ 16 ms); ` +
            `posting loop ${quantile(s.loop, 0.5).toFixed(0)} ms; all delivered after ${quantile(s.delivered, 0.5).toFixed(0)} ms`,
        );
      }
    }
    const { panel } = sides.panel;
    const [dropped, evicted] = await panel.evaluate(`[${counter('dropped-count')}, ${counter('evicted-count')}]`);
    console.log(`flood (panel open): the panel counts ${dropped} dropped in the page and ${evicted} over the tab's cap (kept: ${await recordCount(panel)})`);

    // Latency: a fresh page and panel, so the count starts low.
    const { browser } = sides.panel;
    await panel.close();
    const page = await browser.context.newPage();
    await page.goto(url);
    const fresh = await openPanel(browser, await tabIdFor(browser, url, page));
    await fresh.evaluate(() => {
      const count = document.querySelector('[data-testid="record-count"]');
      const read = () => Number(count.textContent.replace(/[^0-9/ ]/g, '').trim().split(/\s+/).pop());
      window.seen = [[Date.now(), read()]];
      new MutationObserver(() => window.seen.push([Date.now(), read()]))
        .observe(count, { childList: true, characterData: true, subtree: true });
    });
    const base = await recordCount(fresh);
    const stamps = await page.evaluate(([rate, seconds]) => window.stream(rate, seconds), [RATE, SECONDS]);
    await settled(fresh);
    const seen = await fresh.evaluate(() => window.seen);
    const latencies = [];
    let j = 0;
    for (let i = 0; i < stamps.length; i++) {
      while (j < seen.length && seen[j][1] < base + i + 1) j++;
      if (j === seen.length) break; // not shown (counted below)
      latencies.push(seen[j][0] - stamps[i]);
    }
    console.log(
      `latency (${RATE} events/s for ${SECONDS} s, panel open): postMessage to shown in the panel's count ` +
        `p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, ` +
        `max ${Math.max(...latencies).toFixed(0)} ms (goal p95 ≤ 250 ms); ${stamps.length - latencies.length} of ${stamps.length} never shown`,
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
