// SCAPI Inspector content script glue (isolated world). The wasm half (content-script/) decodes
// and buffers; this file only moves strings: page hook → wasm → background port.
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;
  const FLUSH_MS = 50; // batch to keep the page's own message handling fast
  const MAX_PENDING = 20000; // strings held while the wasm loads
  const pending = [];
  let script = null;
  let lost = 0;
  let timer = 0;
  let live = false; // a panel is listening for this tab
  let greeted = false;
  let replayWanted = false; // a panel connected: send it everything buffered
  let port = null;

  const schedule = () => { if (!timer) timer = setTimeout(flush, FLUSH_MS); };
  window.addEventListener('scapi-inspector:record', (event) => {
    if (typeof event.detail !== 'string') return;
    if (pending.length < MAX_PENDING) pending.push(event.detail); else lost++;
    schedule();
  });
  window.addEventListener('scapi-inspector:dropped', (event) => { lost += Number(event.detail) || 0; schedule(); });
  const ready = () => window.dispatchEvent(new CustomEvent('scapi-inspector:ready', { detail: '' }));
  window.addEventListener('scapi-inspector:hello', ready);
  ready();

  const post = (message) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (!port) {
          port = api.runtime.connect({ name: 'capture' });
          port.onMessage.addListener(control);
          port.onDisconnect.addListener(() => { port = null; });
        }
        port.postMessage(message);
        return;
      } catch (_) {
        port = null; // the background was stopped or the extension reloaded: try once more
      }
    }
  };

  function ingestPending() {
    if (!script) return;
    for (const detail of pending) {
      try { script.ingest(detail); } catch (error) { console.warn('SCAPI Inspector:', error); }
    }
    pending.length = 0;
    if (lost) { script.count_dropped(lost); lost = 0; }
  }

  function flush() {
    timer = 0;
    if (!script) return;
    ingestPending();
    if (replayWanted) {
      replayWanted = false;
      if (!script.isEmpty() || script.dropped() > 0) post({ type: 'batch', batch: script.replay() });
    } else if (live) {
      const batch = script.takeNew();
      if (batch) post({ type: 'batch', batch });
    } else if (!greeted && !script.isEmpty()) {
      greeted = true; // ask once whether a panel already listens for this tab
      post({ type: 'hello' });
    }
  }

  function control(message) {
    if (!message) return;
    if (message.type === 'replay') {
      live = true;
      replayWanted = true;
      if (timer) { clearTimeout(timer); timer = 0; }
      flush();
    } else if (message.type === 'idle') {
      live = false;
    }
  }
  api.runtime.onMessage.addListener((message) => { control(message); });

  wasm_bindgen({ module_or_path: api.runtime.getURL('content/content_script_bg.wasm') }).then(() => {
    script = new wasm_bindgen.ContentScript(crypto.randomUUID(), location.href, self.origin, window === window.top, 0);
    flush();
  }, (error) => console.warn('SCAPI Inspector: content script failed to load', error));
})();
