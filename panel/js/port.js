// The panel's only contact with extension APIs: the port to the background, the inspected tab and
// the DevTools theme. Rust (panel/src/bridge.rs) calls these.
const api = globalThis.browser ?? globalThis.chrome;

export function inspectedTabId() {
  const tabId = api && api.devtools && api.devtools.inspectedWindow && api.devtools.inspectedWindow.tabId;
  return Number.isInteger(tabId) ? tabId : undefined;
}

export function devtoolsTheme() {
  return (api && api.devtools && api.devtools.panels && api.devtools.panels.themeName) || undefined;
}

// Calls onBatch(batchJson, browserFrameId) per batch and onState(state, detail) on connection
// changes; reconnects when the background restarts.
export function connectToTab(tabId, onBatch, onState) {
  const open = () => {
    let port;
    try {
      port = api.runtime.connect({ name: `panel:${tabId}` });
    } catch (error) {
      onState('error', String(error));
      return;
    }
    onState('connected', '');
    port.onMessage.addListener((message) => {
      if (message && message.type === 'batch') onBatch(message.batch, message.browserFrameId ?? -1);
    });
    port.onDisconnect.addListener(() => {
      onState('reconnecting', '');
      setTimeout(open, 250);
    });
  };
  open();
}
