// SCAPI Inspector background (service worker on Chrome, event page on Firefox).
// Routes record batches from a tab's frames to that tab's panels. It keeps only the open panel
// ports, which panels and content scripts rebuild by reconnecting after the worker restarts.
'use strict';
const api = globalThis.browser ?? globalThis.chrome;
const panelsByTab = new Map(); // tabId -> Set<Port>

const tell = (tabId, message) => {
  try {
    const sent = api.tabs.sendMessage(tabId, message);
    if (sent && sent.catch) sent.catch(() => {}); // a tab without our content script
  } catch (_) { /* the tab is gone */ }
};

api.runtime.onConnect.addListener((port) => {
  if (port.name.startsWith('panel:')) {
    const tabId = Number(port.name.slice('panel:'.length));
    if (!Number.isInteger(tabId)) { port.disconnect(); return; }
    if (!panelsByTab.has(tabId)) panelsByTab.set(tabId, new Set());
    panelsByTab.get(tabId).add(port);
    port.onDisconnect.addListener(() => {
      const panels = panelsByTab.get(tabId);
      panels.delete(port);
      if (!panels.size) { panelsByTab.delete(tabId); tell(tabId, { type: 'idle' }); }
    });
    tell(tabId, { type: 'replay' }); // every frame sends what it buffered
  } else if (port.name === 'capture') {
    const tabId = port.sender && port.sender.tab ? port.sender.tab.id : undefined;
    const browserFrameId = port.sender ? port.sender.frameId : undefined;
    port.onMessage.addListener((message) => {
      const panels = panelsByTab.get(tabId);
      if (!panels || !panels.size) { port.postMessage({ type: 'idle' }); return; }
      if (message.type === 'hello') { port.postMessage({ type: 'replay' }); return; }
      if (message.type !== 'batch') return;
      for (const panel of panels) panel.postMessage({ type: 'batch', browserFrameId, batch: message.batch });
    });
  }
});
