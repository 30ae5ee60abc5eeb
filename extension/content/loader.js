// SCAPI Inspector content script glue (isolated world). The wasm half (content-script/) decodes
// and buffers; this file only moves strings: page hook → wasm → background port.
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;
  const SEND_MS = 50; // batches to the background at most this often
  // Hook batches not yet in the wasm — while it loads, and while no panel listens: a page whose
  // DevTools are closed pays for keeping the strings, not for copying them into the wasm. Bounded
  // like the frame's own buffer; the oldest batches beyond it are counted as lost.
  const MAX_PENDING_LINES = 10000;
  const pending = []; // [text, lines]
  let pendingLines = 0;
  let script = null;
  let lost = 0;
  let timer = 0;
  let live = false; // a panel is listening for this tab
  let greeted = false;
  let replayWanted = false; // a panel connected: send it everything buffered
  let port = null;
  let leaving = false; // the page is being hidden or unloaded: what arrives goes out at once

  const lineCount = (text) => {
    let lines = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    return lines;
  };
  const hold = (text) => {
    const lines = lineCount(text);
    pending.push([text, lines]);
    pendingLines += lines;
    while (pendingLines > MAX_PENDING_LINES && pending.length > 1) {
      const [, evicted] = pending.shift();
      pendingLines -= evicted;
      lost += evicted;
    }
  };
  const onRecords = (event) => {
    if (typeof event.detail !== 'string') return;
    if (script && live) {
      script.ingestLines(event.detail); // stored as is; decoded for the panel
      if (leaving || document.visibilityState === 'hidden') sendNow(); else schedule();
      return;
    }
    hold(event.detail);
    if (script && !greeted) schedule();
  };
  const onDropped = (event) => {
    lost += Number(event.detail) || 0;
    if (script) schedule();
  };
  // A timer may never fire once the page is hidden or gone: what it would send goes now.
  const onLeave = (event) => {
    if (event.type === 'pagehide') leaving = true;
    if (event.type === 'pageshow') { leaving = false; return; }
    sendNow();
  };
  const ready = () => window.dispatchEvent(new CustomEvent('scapi-inspector:ready', { detail: '' }));
  // document.open() erases every listener on the window: arm again when the document is replaced.
  const arm = () => {
    window.addEventListener('scapi-inspector:records', onRecords);
    window.addEventListener('scapi-inspector:dropped', onDropped);
    window.addEventListener('scapi-inspector:hello', ready);
    window.addEventListener('pagehide', onLeave);
    window.addEventListener('pageshow', onLeave);
    document.addEventListener('visibilitychange', onLeave);
  };
  arm();
  new MutationObserver(arm).observe(document, { childList: true });
  ready();

  const schedule = () => { if (!timer) timer = setTimeout(flush, SEND_MS); };
  const sendNow = () => {
    if (timer) { clearTimeout(timer); timer = 0; }
    if (script && live) flush();
  };

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

  function flush() {
    timer = 0;
    if (!script) return;
    if (live || replayWanted) {
      for (const [text] of pending) script.ingestLines(text);
      pending.length = 0;
      pendingLines = 0;
    }
    if (lost) { script.count_dropped(lost); lost = 0; }
    if (replayWanted) {
      replayWanted = false;
      if (!script.isEmpty() || script.dropped() > 0) post({ type: 'batch', batch: script.replay() });
    } else if (live) {
      const batch = script.takeNew();
      if (batch) post({ type: 'batch', batch });
    } else if (!greeted && (pendingLines > 0 || !script.isEmpty())) {
      greeted = true; // ask once whether a panel already listens for this tab
      post({ type: 'hello' });
    }
    const error = script.takeError();
    if (error) console.warn('SCAPI Inspector: a captured message could not be read:', error);
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

  // Where this frame sits, so a request Workspace got from "child k" can be paired with it.
  const placement = () => {
    let depth = 0;
    for (let w = window; w !== w.parent; w = w.parent) depth++;
    let index = -1;
    if (window !== window.parent) {
      for (let i = 0; i < window.parent.frames.length; i++) if (window.parent.frames[i] === window) index = i;
    }
    return [depth, index, Boolean(window.opener)];
  };

  // crypto.randomUUID needs a secure context; plain-http Workspace (on-premise) is not one.
  const frameKey = () => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16).padStart(8, '0')).join('');

  wasm_bindgen({ module_or_path: api.runtime.getURL('content/content_script_bg.wasm') }).then(() => {
    const [depth, index, hasOpener] = placement();
    script = new wasm_bindgen.ContentScript(frameKey(), location.href, self.origin, depth, index, hasOpener, performance.timeOrigin, 0);
    flush();
  }, (error) => console.warn('SCAPI Inspector: content script failed to load', error));
})();
