// Issue 17, items 3–5, through the real extension: a file larger than the panel holds is refused
// with a message that names it, the panel's limits and scapi-inspect; a large import shows its
// progress and Cancel leaves the list as it was; a 5 MB key, a 50 MB message and 10,000 userData
// keys show in the details and the User data view cut and paged: the page holds a bounded number
// of nodes and characters, whatever the record (times are the benchmark's, not asserted here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withWorkspaceAndPanel, readRows, formatRows } from '../support/browser.mjs';
import { writeWebSocketHar, writeMessagesHar } from '../support/bighar.mjs';

// The panel's limits (panel/src/har_io.rs, IMPORT_LIMITS; docs/formats.md).
const LIMIT_BYTES = 256 * 1024 * 1024;

async function withDir(run) {
  const dir = await mkdtemp(path.join(tmpdir(), 'scapi-import-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How many elements and characters `selector` holds in the panel. */
const sizeOf = (panel, selector) => panel.$eval(selector, (element) => ({
  nodes: element.querySelectorAll('*').length,
  text: element.textContent.length,
}));

test('a file one byte over the size the panel holds is refused at once, naming it, the limits and scapi-inspect', () =>
  withDir((dir) => withWorkspaceAndPanel(async ({ panel }) => {
    const before = await readRows(panel);
    assert.ok(before.length > 0);
    // A small capture, padded (a comment no reader keeps) to the limit plus one byte.
    const base = await writeWebSocketHar(path.join(dir, 'base.har'), 10);
    const file = path.join(dir, 'big.har');
    await writeWebSocketHar(file, 10, { padding: LIMIT_BYTES + 1 - base - '"comment":"",'.length });
    assert.equal((await stat(file)).size, LIMIT_BYTES + 1);
    await panel.setInputFiles('[data-testid="import-har"]', file);
    await panel.waitForSelector('[data-testid="import-error"]');
    assert.equal(
      await panel.textContent('[data-testid="import-error"] '),
      'Cannot import big.har: it is 268.4 MB, more than the panel holds (files of at most 256 MiB and 1,000,000 records). '
        + 'The command-line tool scapi-inspect streams files of any size: scapi-inspect summary big.har, or scapi-inspect decode big.har'
        + 'Dismiss',
    );
    assert.equal(await panel.locator('[data-testid="import-progress"]').count(), 0);
    assert.equal(await panel.locator('[data-testid="import-banner"]').count(), 0);
    assert.deepEqual(await readRows(panel), before, formatRows(await readRows(panel)));
  })));

test('a large import shows its progress, and Cancel stops it and leaves the list as it was', () =>
  withDir((dir) => withWorkspaceAndPanel(async ({ panel }) => {
    const before = await readRows(panel);
    const file = path.join(dir, 'large.har');
    await writeWebSocketHar(file, 300_000);
    await panel.setInputFiles('[data-testid="import-har"]', file);
    const progress = panel.locator('[data-testid="import-progress"]');
    await progress.waitFor();
    // Records are counted as they are read.
    await panel.waitForFunction(() => Number(document.querySelector('[data-testid="import-progress"]')?.dataset.records ?? 0) > 1000);
    assert.match(await progress.textContent(), /^Importing large\.har: [\d,]+ records, [\d.]+ MB of 63\.8 MB read Cancel$/);
    // The panel still answers while it reads: a filter typed now shows at once.
    await panel.fill('[data-testid="filter"]', 'no such record');
    await panel.fill('[data-testid="filter"]', '');
    await panel.click('[data-testid="import-cancel"]');
    assert.equal(await progress.count(), 0);
    await panel.waitForTimeout(1500);
    assert.equal(await progress.count(), 0, 'the import went on');
    assert.equal(await panel.locator('[data-testid="import-banner"]').count(), 0);
    assert.equal(await panel.locator('[data-testid="import-error"]').count(), 0);
    assert.deepEqual(await readRows(panel), before, formatRows(await readRows(panel)));
  })));

test('a 5 MB key, a 50 MB message and 10,000 userData keys show cut and paged', () =>
  withDir((dir) => withWorkspaceAndPanel(async ({ panel }) => {
    const key = `K${'k'.repeat(5_000_000)}`;
    const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`Big${i}`, `${i}`.padEnd(1_000_000, 'v')]));
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`Key${i}`, `value ${i}`]));
    const file = path.join(dir, 'huge.har');
    await writeMessagesHar(file, [
      { request: 'interaction.setUserData', parameters: ['1', { [key]: 'v' }], referenceId: '1', userAgent: 'WWE Client', protocolVersion: 2 },
      { event: 'interaction', data: { eventType: 'ATTACHED_DATA_CHANGED', interaction: { interactionId: '2', userData: big, list: Array.from({ length: 100_000 }, (_, i) => i) } }, userAgent: 'WWE Server', protocolVersion: 2 },
      { request: 'interaction.setUserData', parameters: ['3', many], referenceId: '3', userAgent: 'WWE Client', protocolVersion: 2 },
    ]);
    await panel.setInputFiles('[data-testid="import-har"]', file);
    await panel.waitForSelector('[data-testid="import-banner"]', { timeout: 60_000 });
    const rows = panel.locator('[data-testid="record-row"]');
    assert.equal(await rows.count(), 3);

    // The 5 MB key: cut in the parameters, the userData table and the tree, its length given.
    await rows.nth(0).click();
    await panel.waitForSelector('[data-testid="record-details"] [data-testid="user-data-row"]');
    const keyCuts = await panel.$$eval('[data-testid="record-details"] [data-testid="cut-text"]', (cuts) => cuts.map((c) => Number(c.dataset.length)));
    assert.ok(keyCuts.includes(key.length), JSON.stringify(keyCuts));
    let size = await sizeOf(panel, '[data-testid="record-details"]');
    assert.ok(size.text < 60_000 && size.nodes < 1_000, JSON.stringify(size));
    // Copy copies it whole.
    await panel.locator('[data-testid="user-data-row"] [data-testid="copy-whole"]').first().click();
    await panel.waitForSelector('[data-testid="copy-status"]');
    assert.equal(await panel.textContent('[data-testid="copy-status"]'), `Copied ${key.length} characters.`);

    // The 50 MB message: 50 strings of 1,000,000 characters and a list of 100,000, all cut or
    // folded; the tree opens the list a page at a time.
    await rows.nth(1).click();
    await panel.waitForSelector('[data-testid="record-details"] [data-testid="decoded-left-out"]', { state: 'attached' });
    size = await sizeOf(panel, '[data-testid="record-details"]');
    assert.ok(size.text < 100_000 && size.nodes < 2_000, JSON.stringify(size));
    const tree = panel.locator('[data-testid="raw-tree"]');
    const branch = (name) => tree.locator('details', { has: panel.locator(':scope > summary', { hasText: new RegExp(`^${name}: `) }) }).last();
    // Folded past a few hundred values: `data` and what it holds open on a click.
    for (const name of ['data', 'interaction', 'userData']) {
      assert.equal(await branch(name).getAttribute('open'), null, `${name} is folded`);
      await branch(name).locator(':scope > summary').click();
      assert.notEqual(await branch(name).getAttribute('open'), null, `${name} opens`);
    }
    const list = branch('list');
    assert.match(await list.locator(':scope > summary').textContent(), /^list: \[ 100000 items \]$/);
    assert.equal(await list.getAttribute('open'), null, 'a list of 100,000 is folded');
    await list.locator(':scope > summary').click();
    assert.equal(await list.locator(':scope > .children > .leaf:not(.more)').count(), 200);
    await list.locator(':scope > .children [data-testid="show-more"]').click();
    assert.equal(await list.locator(':scope > .children > .leaf:not(.more)').count(), 400);
    const stringCut = tree.locator('[data-testid="cut-text"]').first();
    assert.equal(await stringCut.getAttribute('data-length'), '1000000');

    // 10,000 keys: the details' table and the User data view show 200 rows, then 200 more.
    await rows.nth(2).click();
    await panel.waitForSelector('[data-testid="record-details"] [data-testid="user-data-row"]');
    assert.equal(await panel.locator('[data-testid="record-details"] [data-testid="user-data-row"]').count(), 200);
    size = await sizeOf(panel, '[data-testid="record-details"]');
    assert.ok(size.nodes < 3_000, JSON.stringify(size));
    await panel.click('[data-testid="user-data-toggle"]');
    const view = '[data-testid="user-data-view"] [data-testid="interaction-keys"][data-interaction-id="3"]';
    await panel.waitForSelector(view);
    assert.equal(await panel.locator(`${view} [data-testid="user-data-key"]`).count(), 200);
    size = await sizeOf(panel, '[data-testid="user-data-view"]');
    assert.ok(size.nodes < 4_000, JSON.stringify(size));
    await panel.click(`${view} [data-testid="show-more"]`);
    assert.equal(await panel.locator(`${view} [data-testid="user-data-key"]`).count(), 400);
  })));
