// Adds the SCAPI panel to DevTools. The panel finds the inspected tab itself. DevTools keeps the
// panel's page while another of its tools is shown: the page is told (`scapiPanelShown` and a
// `scapi-panel-shown` event on its window), so that a hidden panel keeps every record but draws
// nothing until it is shown again.
(() => {
  const tell = (view, shown) => {
    try {
      view.scapiPanelShown = shown;
      view.dispatchEvent(new CustomEvent('scapi-panel-shown', { detail: shown }));
    } catch (_) { /* the panel's page is being replaced */ }
  };
  const watch = (panel) => {
    let view = null;
    panel.onShown.addListener((window) => { view = window; tell(view, true); });
    panel.onHidden.addListener(() => { if (view) tell(view, false); });
  };
  // Firefox's browser.* answers with a promise; Chrome's chrome.* takes a callback.
  if (globalThis.browser) browser.devtools.panels.create('SCAPI', 'icons/icon-32.png', 'panel.html').then(watch);
  else chrome.devtools.panels.create('SCAPI', 'icons/icon-32.png', 'panel.html', watch);
})();
