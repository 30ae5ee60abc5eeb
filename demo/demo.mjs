// `cargo xtask demo`: the extension capturing the Workspace emulator (emulator/, docs/emulator.md).
// With a display it opens Chromium on the emulator's Workspace page with DevTools open and the
// SCAPI panel in a tab of its own, and waits until you close the browser: click the scenario
// buttons in the app and on the Workspace page. Without one it plays the support scenarios
// headless and saves screenshots of the panel and of the Workspace page under demo-output/.
import { mkdir, writeFile, stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { launch, requireDist, tabIdFor, openPanel, readRows } from '../tests/support/browser.mjs';
import {
  startEmulator,
  openWorkspace,
  inApp,
  appScenario,
  hostScenario,
  readFindings,
  waitForPanel,
  fates,
  DEMO_OPTIONS,
} from '../tests/support/emulator.mjs';

const started = Date.now();
const dist = await requireDist();
const out = path.resolve(process.env.SCAPI_DEMO_OUT ?? 'demo-output');
const headful = Boolean(process.env.DISPLAY) && !process.env.CI;
const emulator = await startEmulator();
const browser = await launch({
  extension: dist,
  headless: !headful,
  args: headful ? ['--auto-open-devtools-for-tabs'] : [],
});

/** The support scenarios, as a support engineer would meet them; resolves when all settled. */
async function playScenarios(page) {
  // The burst first: the demo options allow 4 voice.dial a minute.
  await appScenario(page, 'rateLimitBurst');
  await appScenario(page, 'refusedKeyWrite');
  await appScenario(page, 'hiddenKeyRead');
  await appScenario(page, 'misspelledRequest');
  await appScenario(page, 'secondSubscribe');
  await appScenario(page, 'broadcast');
  await appScenario(page, 'toastWithButtons');
  await page.click('[data-toast="wweCustomToast0"][data-button="0"]');
  await hostScenario(page, 'severalApps');
  await hostScenario(page, 'connectionDown');
  const refused = await hostScenario(page, 'refusedOrigin');
  // jwtOutsideFilter fails at once; the refused app's requests time out after the client's 10 s.
  await Promise.all([
    appScenario(page, 'jwtOutsideFilter'),
    inApp(page, refused, () => Promise.all([window.app.ready, window.app.autorun])),
  ]);
}

try {
  const page = await openWorkspace(browser.context, emulator);
  const tabId = await tabIdFor(browser, emulator.url, page);
  const panel = await openPanel(browser, tabId);
  const panelUrl = `chrome-extension://${browser.extensionId}/panel.html?tabId=${tabId}`;
  if (headful) {
    console.log(`demo: Workspace emulator ${emulator.url} (options emulator/demo-options.ini)`);
    console.log(`demo: panel ${panelUrl}`);
    console.log('demo: DevTools is open on the Workspace page (choose the SCAPI panel). Click the scenario');
    console.log('demo: buttons in the sample app and on the Workspace page. Close the browser to stop.');
    await new Promise((resolve) => browser.context.on('close', resolve));
  } else {
    await mkdir(out, { recursive: true });
    await playScenarios(page);
    const rows = await waitForPanel(panel, (rows) => fates(rows, 'voice.dial').includes('timed-out')
      && fates(rows, 'interaction.getInteractions').includes('timed-out'), { what: 'the timed-out requests' });
    const frames = new Set(rows.map((r) => r['frame-key'])).size;
    console.log(`demo: the panel shows ${rows.length} records from ${frames} frames`);

    const shots = [];
    const shoot = async (target, file, options = {}) => {
      const where = path.join(out, file);
      await target.screenshot({ path: where, ...options });
      shots.push(where);
    };
    const side = async (toggle) => {
      if ((await panel.getAttribute(`[data-testid="${toggle}"]`, 'aria-pressed')) !== 'true') {
        await panel.click(`[data-testid="${toggle}"]`);
      }
    };
    await panel.setViewportSize({ width: 1440, height: 860 });
    await page.setViewportSize({ width: 1440, height: 1000 });
    // The options the emulator runs with, pasted in the panel: every request gets its verdict.
    await side('policy-toggle');
    await panel.fill('[data-testid="options-text"]', await readFile(DEMO_OPTIONS, 'utf8'));
    await panel.click('[data-testid="options-apply"]');
    await shoot(panel, 'panel-options.png');
    // The rate-limit error selected, with its request and what the options say.
    // The list is virtual: the filter brings the row into view, and the selection stays after it.
    await panel.fill('[data-testid="filter"]', 'kind:response "rate limit"');
    await panel.locator('[data-testid="record-row"]').first().click();
    await panel.fill('[data-testid="filter"]', '');
    await shoot(panel, 'panel-rate-limit.png');
    const findings = await readFindings(panel);
    await side('findings-toggle');
    await shoot(panel, 'panel-findings.png');
    await panel.emulateMedia({ colorScheme: 'dark' });
    await shoot(panel, 'panel-findings-dark.png');
    await panel.emulateMedia({ colorScheme: 'light' });
    for (const [toggle, file] of [['rates-toggle', 'panel-rate-limits.png'], ['user-data-toggle', 'panel-user-data.png'],
      ['frames-toggle', 'panel-frames.png'], ['export-options', 'panel-export.png']]) {
      await side(toggle);
      await shoot(panel, file);
    }
    await panel.fill('[data-testid="filter"]', 'status:error -kind:response');
    await side('findings-toggle');
    await panel.click('[data-testid="findings-toggle"]');
    await panel.locator('[data-testid="record-row"]').first().click();
    await shoot(panel, 'panel-filter.png');
    await panel.fill('[data-testid="filter"]', '');
    await shoot(page, 'workspace.png', { fullPage: true });
    // The log a support engineer would be sent: the panel's Export HAR, sanitized.
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.click('[data-testid="export-har"]')]);
    const har = path.join(out, 'capture.har');
    await download.saveAs(har);
    shots.push(har);
    // The request console: agent.getState sent as the sample app, answered and paired (after the
    // export, so the HAR above holds only what the apps sent).
    await side('console-toggle');
    const app = panel.locator('[data-testid="console-app"] option', { hasText: 'app.html (' }).first();
    await panel.selectOption('[data-testid="console-app"]', await app.getAttribute('value'));
    await panel.fill('[data-testid="console-name"]', 'agent.getState');
    await panel.click('[data-testid="console-send"]');
    await panel.waitForSelector('[data-testid="console-result"][data-state="answered"]');
    // The list narrowed to agent.getState: the apps' own, and the console's, tagged.
    await panel.fill('[data-testid="filter"]', 'method:getState');
    await shoot(panel, 'panel-console.png');
    await panel.fill('[data-testid="filter"]', '');

    const summary = [
      `Workspace emulator ${emulator.url}, options emulator/demo-options.ini`,
      `panel ${panelUrl}: ${rows.length} records from ${frames} frames`,
      'findings:',
      ...findings.map((f) => `  [${f.severity}] ${f.code}: ${f.text.slice(0, 160)}`),
    ].join('\n');
    const summaryFile = path.join(out, 'findings.txt');
    await writeFile(summaryFile, `${summary}\n`);
    shots.push(summaryFile);
    console.log(summary);
    console.log(`demo: finished in ${((Date.now() - started) / 1000).toFixed(1)} s; output in ${out}:`);
    for (const file of shots) console.log(`  ${path.relative(process.cwd(), file)} (${(await stat(file)).size} bytes)`);
  }
} finally {
  await browser.close();
  await emulator.stop();
}
