// SCAPI Inspector background (service worker on Chrome, event page on Firefox).
// Routes record batches from a tab's frames to that tab's panels, and from a popup tab to the
// panels of the tab that opened it (an app Workspace opened talks to it through window.opener:
// both halves of its exchanges belong to one session). It keeps only the open panel ports, which
// panels and content scripts rebuild by reconnecting after the worker restarts.
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
    // ... and so do the popups the tab opened.
    Promise.resolve(api.tabs.query({})).then((tabs) => {
      for (const tab of tabs) if (tab.openerTabId === tabId) tell(tab.id, { type: 'replay' });
    }, () => {});
  } else if (port.name === 'capture') {
    const tab = port.sender && port.sender.tab;
    const tabId = tab ? tab.id : undefined;
    const openerTabId = tab ? tab.openerTabId : undefined;
    const browserFrameId = port.sender ? port.sender.frameId : undefined;
    const listening = () => [tabId, openerTabId]
      .filter((id) => id !== undefined && panelsByTab.has(id))
      .flatMap((id) => [...panelsByTab.get(id)]);
    port.onMessage.addListener((message) => {
      const panels = listening();
      if (!panels.length) { port.postMessage({ type: 'idle' }); return; }
      if (message.type === 'hello') { port.postMessage({ type: 'replay' }); return; }
      if (message.type !== 'batch') return;
      // A popup's frame ids are its own tab's: not stamped, so they are not taken for the opener's.
      const stamp = (panelTab) => (panelTab === tabId ? browserFrameId : undefined);
      for (const id of [tabId, openerTabId]) {
        for (const panel of (id !== undefined && panelsByTab.get(id)) || []) {
          panel.postMessage({ type: 'batch', browserFrameId: stamp(id), batch: message.batch });
        }
      }
    });
  }
});
