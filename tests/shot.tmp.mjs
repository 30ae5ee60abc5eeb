import { withWorkspaceAndPanel, runPhase2 } from './support/browser.mjs';
await withWorkspaceAndPanel(async ({ page, panel }) => {
  await runPhase2(page);
  await panel.setViewportSize({ width: 1280, height: 720 });
  await panel.waitForTimeout(500);
  await panel.locator('[data-testid="record-row"][data-name="interaction.setUserData"]').first().click();
  await panel.waitForTimeout(300);
  await panel.screenshot({ path: '/tmp/shot1.png' });
  await panel.locator('[data-testid="record-row"][data-name="interaction:ATTACHED_DATA_CHANGED"]').first().click();
  await panel.waitForTimeout(300);
  await panel.screenshot({ path: '/tmp/shot2.png' });
  await panel.click('[data-testid="frames-toggle"]');
  await panel.screenshot({ path: '/tmp/shot3.png' });
});
