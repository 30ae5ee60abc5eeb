// `cargo xtask demo`: the extension capturing a Workspace-like page with embedded apps.
// With a display it opens Chromium (DevTools open, the SCAPI panel in its own tab) and waits until
// you close it; without one it plays the traffic headless and saves screenshots of the panel.
// (The Workspace emulator of a later issue replaces the test pages used here.)
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { start, stop } from '../tests/support/server.mjs';
import { launch, requireDist, tabIdFor, openPanel, loadWorkspace, runPhase2, waitForRows } from '../tests/support/browser.mjs';

const dist = await requireDist();
const out = path.resolve(process.env.SCAPI_DEMO_OUT ?? 'demo-output');
const headful = Boolean(process.env.DISPLAY) && !process.env.CI;
const server = await start();
const browser = await launch({
  extension: dist,
  headless: !headful,
  args: headful ? ['--auto-open-devtools-for-tabs'] : [],
});
try {
  const page = await browser.context.newPage();
  const url = await loadWorkspace(page, server);
  const tabId = await tabIdFor(browser, url, page);
  const panel = await openPanel(browser, tabId);
  await runPhase2(page);
  const rows = await waitForRows(panel, 30);
  console.log(`demo: the panel shows ${rows.length} records from ${new Set(rows.map((r) => r['frame-key'])).size} frames`);
  if (headful) {
    console.log(`demo: Workspace page ${url}; panel chrome-extension://${browser.extensionId}/panel.html?tabId=${tabId}`);
    console.log('demo: DevTools is open on the page (choose the SCAPI panel). Close the browser to stop.');
    await new Promise((resolve) => browser.context.on('close', resolve));
  } else {
    await mkdir(out, { recursive: true });
    await panel.setViewportSize({ width: 1280, height: 720 });
    await panel.locator('[data-testid="record-row"][data-name="interaction.setUserData"]').first().click();
    const shots = {
      'panel-light.png': 'light',
      'panel-dark.png': 'dark',
    };
    for (const [file, colorScheme] of Object.entries(shots)) {
      await panel.emulateMedia({ colorScheme });
      await panel.screenshot({ path: path.join(out, file) });
    }
    await page.screenshot({ path: path.join(out, 'workspace.png') });
    console.log(`demo: screenshots in ${out}: ${[...Object.keys(shots), 'workspace.png'].join(', ')}`);
  }
} finally {
  await browser.close();
  await stop(server);
}
