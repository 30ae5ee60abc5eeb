// The page hook turns what JSON cannot carry into described placeholders (docs/formats.md), keeps
// the rest as sent, and never throws into the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop } from '../support/server.mjs';
import { launch, requireDist, tabIdFor, openPanel, waitForRows, logOf } from '../support/browser.mjs';

// Opens placeholders.html with the panel beside it, runs `check`, and cleans up.
async function withPlaceholdersPage(check) {
  const server = await start();
  const browser = await launch({ extension: await requireDist() });
  try {
    const page = await browser.context.newPage();
    const url = server.urlA('placeholders.html');
    await page.goto(url);
    const tabId = await tabIdFor(browser, url, page);
    const panel = await openPanel(browser, tabId);
    await check(page, panel, tabId);
  } finally {
    await browser.close();
    await stop(server);
  }
}

async function rawOf(panel, label) {
  await panel.locator(`[data-testid="record-row"]:has-text('"label":"${label}"')`).first().click();
  return JSON.parse(await panel.locator('[data-testid="raw-json"]').textContent());
}

test('structured-clone values become placeholders and the page sees no error', () => withPlaceholdersPage(async (page, panel) => {
    await page.evaluate(() => window.postAll());
    const rows = await waitForRows(panel, 3);
    assert.deepEqual(rows.map((row) => [row.kind, row.source]), [['foreign', 'self'], ['foreign', 'self'], ['foreign', 'self']]);

    const values = await rawOf(panel, 'values');
    assert.deepEqual(values.map, { __unserializable: 'Map', size: 1, entries: [['k', 1]] });
    assert.deepEqual(values.set, { __unserializable: 'Set', size: 2, values: ['a', 'b'] });
    assert.deepEqual(values.date, { __unserializable: 'Date', value: '2020-04-14T13:26:51.846Z' });
    assert.deepEqual(values.regexp, { __unserializable: 'RegExp', value: '/a+/g' });
    assert.deepEqual(values.buffer, { __unserializable: 'ArrayBuffer', byteLength: 16 });
    assert.deepEqual(values.bytes, { __unserializable: 'Uint8Array', length: 4, byteLength: 4 });
    assert.deepEqual(values.blob, { __unserializable: 'Blob', size: 3, type: 'text/plain' });
    assert.deepEqual(values.file, { __unserializable: 'File', name: 'notes.txt', size: 1, type: 'text/plain' });
    assert.deepEqual(values.big, { __unserializable: 'BigInt', value: '12345678901234567890' });
    assert.deepEqual(values.nothing, { __unserializable: 'undefined' });
    assert.deepEqual(values.nan, { __unserializable: 'Number', value: 'NaN' });
    assert.deepEqual(values.error, { __unserializable: 'Error', name: 'TypeError', message: 'boom' });
    assert.deepEqual(values.boxed, { __unserializable: 'String', value: 'boxed' });
    assert.deepEqual(values.cycle, { name: 'cycle', self: { __unserializable: 'Cycle' } });
    const details = await panel.locator('[data-testid="record-details"]').textContent();
    assert.match(details, /Ports transferred\s*1/);

    const long = await rawOf(panel, 'long');
    assert.equal(long.text.__unserializable, 'LongString');
    assert.equal(long.text.length, 2 * 1024 * 1024);
    assert.equal(long.text.head, 'x'.repeat(4096));

    let deep = (await rawOf(panel, 'deep')).deep;
    let depth = 1;
    while (deep.deep) { deep = deep.deep; depth++; }
    assert.deepEqual(deep, { __unserializable: 'TooDeep' });
    assert.ok(depth >= 90 && depth <= 100, `cut at depth ${depth}`);

    assert.deepEqual(await page.evaluate(() => window.pageErrors), []);
    assert.equal(await page.evaluate(() => window.received), 3, 'the page still received every message');
}));

test('the capture shows the data as delivered, even when the page changes it afterwards', () => withPlaceholdersPage(async (page, panel) => {
  await page.evaluate(() => window.postMutated());
  await waitForRows(panel, 1);
  assert.deepEqual(await rawOf(panel, 'mutated'), { label: 'mutated', keep: 'me', nested: { value: 'original' } });
  assert.equal(await page.evaluate(() => window.received), 1);
}));

// What each of postEach's messages held when it was delivered (the page changes every one after).
const PLACEHOLDER = (type, fields = {}) => ({ __unserializable: type, ...fields });
const DELIVERED = {
  plain: 'text',
  undefined: PLACEHOLDER('undefined'),
  nan: PLACEHOLDER('Number', { value: 'NaN' }),
  infinity: PLACEHOLDER('Number', { value: '-Infinity' }),
  bigint: PLACEHOLDER('BigInt', { value: '12' }),
  date: PLACEHOLDER('Date', { value: '2020-04-14T13:26:51.846Z' }),
  regexp: PLACEHOLDER('RegExp', { value: '/a+/g' }),
  map: PLACEHOLDER('Map', { size: 1, entries: [['k', 1]] }),
  set: PLACEHOLDER('Set', { size: 1, values: ['a'] }),
  arraybuffer: PLACEHOLDER('ArrayBuffer', { byteLength: 16 }),
  uint8array: PLACEHOLDER('Uint8Array', { length: 4, byteLength: 4 }),
  dataview: PLACEHOLDER('DataView', { byteLength: 8 }),
  blob: PLACEHOLDER('Blob', { size: 3, type: 'text/plain' }),
  file: PLACEHOLDER('File', { name: 'notes.txt', size: 1, type: 'text/plain' }),
  error: PLACEHOLDER('Error', { name: 'TypeError', message: 'boom' }),
  boolean: PLACEHOLDER('Boolean', { value: false }),
  number: PLACEHOLDER('Number', { value: 5 }),
  string: PLACEHOLDER('String', { value: 'boxed' }),
  cycle: { name: 'cycle', self: PLACEHOLDER('Cycle') },
  longstring: PLACEHOLDER('LongString', { length: 2 * 1024 * 1024, head: 'x'.repeat(4096) }),
  domclass: PLACEHOLDER('DOMPoint'),
  function: PLACEHOLDER('function'),
  symbol: PLACEHOLDER('symbol'),
};

test('each kind of placeholder shows the data as delivered when a page listener changes it afterwards', () => withPlaceholdersPage(async (page, panel, tabId) => {
  const posted = await page.evaluate(() => window.postEach());
  let records = [];
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    records = (await logOf(panel, tabId)).flatMap((batch) => batch.records);
    if (records.length >= posted) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(records.length, posted, 'one record per message');
  const byName = new Map();
  for (const { raw } of records) byName.set(raw.label ? raw.label.slice('each-'.length) : raw.__unserializable, raw);
  const changed = [...byName].filter(([, raw]) => JSON.stringify(raw).includes('MUTATED')).map(([name]) => name);
  assert.deepEqual(changed, [], 'these records show the change made after delivery');
  for (const [name, value] of Object.entries(DELIVERED)) {
    const raw = byName.get(name);
    assert.ok(raw, `no record for ${name}`);
    assert.equal(raw.request, 'interaction.setUserData', name);
    assert.deepEqual(raw.value, value, name);
  }
  let deep = byName.get('toodeep').value;
  while (deep.deep) deep = deep.deep;
  assert.deepEqual(deep, PLACEHOLDER('TooDeep'));
  const many = byName.get('truncated').value;
  assert.equal(many.length, 150000);
  assert.deepEqual([many[0], many[1]], [0, PLACEHOLDER('undefined')]);
  assert.deepEqual(many.at(-1), PLACEHOLDER('Truncated', { reason: 'too many values' }));
  // A getter that throws: the hook describes its own failure, and the page sees none.
  assert.deepEqual(byName.get('HookError'), PLACEHOLDER('HookError', { message: 'Error: no' }));
  assert.deepEqual(await page.evaluate(() => window.pageErrors), []);
}));
