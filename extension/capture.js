// SCAPI Inspector content script (isolated world, every frame): moves the page hook's lines to the
// background, which keeps the tab's log (background/, scapi::tab_log). Plain JS and no wasm: what
// runs in the page's frames is only numbering lines and posting them.
//
// A frame that has seen SCAPI-shaped traffic, or whose tab a panel listens to, streams every line
// as it comes (in batches at most SEND_MS apart, at once when the page is hidden or left). Any
// other frame holds only the last CONTEXT_LINES foreign messages, handed over if it starts
// streaming or when it is left. Lines stay here until the background says they are stored, and
// are sent again after the background was stopped: nothing is lost with the frame.
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;
  const SEND_MS = 50;
  // A port message is serialized in the page's main thread: one of many megabytes (a flood that
  // keeps the frame's timers waiting) would stall the page for hundreds of ms, and a browser
  // refuses one over 64 MiB. Past this size a chunk goes at once, so each costs a millisecond or
  // two; a longer one is cut.
  const MAX_CHUNK_CHARS = 128 * 1024;
  // The hook hands its lines over in batches of one text each; a batch is kept and posted as that
  // one text (numbered by counting its lines, never split and joined again: in a flood that was
  // 50,000 small strings held until stored) unless it is too large for one port message.
  const MAX_PIECE_CHARS = 2 * MAX_CHUNK_CHARS;
  const CONTEXT_LINES = 100;
  const MAX_UNACKED = 10000; // lines held for the background; the oldest beyond are gaps it counts
  const RECONNECT_MS = 200;
  // A hook line whose data looks like SCAPI: a legacy "wwe…" string, or an envelope field.
  const SCAPI_SHAPED = /"data":"wwe|"(?:userAgent|protocolVersion|referenceId|request|frameId)":/;

  let streaming = false;
  let asked = false;
  let context = []; // foreign lines held while not streaming
  let foreignLost = 0; // ... and how many of them fell out
  let lost = 0; // messages the hook lost (a running total)
  let nextSeq = 0;
  let unsent = []; // pieces numbered but not posted, { text, count } of `count` lines (the last line is nextSeq - 1)
  let unsentChars = 0;
  const unacked = []; // posted, not yet stored: { seq, count, texts }
  let unackedLines = 0;
  let port = null;
  let timer = 0;
  let reconnectTimer = 0;
  let leaving = false;

  // Crypto.randomUUID needs a secure context; plain-http Workspace (on-premise) is not one.
  const randomHex = () => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16).padStart(8, '0')).join('');
  const key = randomHex();
  // The request console's channel to the page hook is an event named with this secret. The hook
  // is told it at document start, before any page script runs, and confirms with `adopted`; after
  // that no one is told again (a page script may send a hello of its own), so the page cannot
  // listen for a request on its way to be posted.
  const secret = randomHex();
  let adopted = false;
  // Where this frame sits, so a request Workspace got from "child k" can be paired with it. Found
  // when first needed (a frame that streams, or a console request), never at document start:
  // comparing the parent's frames with this window makes this world a context in every sibling
  // frame of this process (each a millisecond or more; 70 ms in a frame of an ordinary page with
  // 30 iframes, none of which ever needs it).
  const hasOpener = Boolean(window.opener);
  let placed = null;
  const placement = () => {
    if (placed) return placed;
    let depth = 0;
    for (let w = window; w !== w.parent; w = w.parent) depth++;
    let indexInParent;
    if (window !== window.parent) {
      for (let i = 0; i < window.parent.frames.length; i++) if (window.parent.frames[i] === window) indexInParent = i;
    }
    placed = { depth, indexInParent, hasOpener };
    return placed;
  };
  // A popup's frames belong to the tab that opened it (window.opener is readable cross-origin).
  const popup = (() => { try { return Boolean(window.top.opener); } catch (_) { return false; } })();
  const describe = () => ({
    key, url: location.href, origin: self.origin, isTop: window === window.top, placement: placement(),
    started: performance.timeOrigin,
  });

  const lineCount = (text) => {
    let count = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
    return count;
  };
  const number = (text, count) => {
    if (count > 1 && text.length > MAX_PIECE_CHARS) {
      for (const line of text.split('\n')) number(line, 1);
      return;
    }
    unsent.push({ text, count });
    nextSeq += count;
    unsentChars += text.length;
    if (unsentChars >= MAX_CHUNK_CHARS && streaming) sendNow();
  };
  const startStreaming = () => {
    if (streaming) return;
    streaming = true;
    for (const text of context) number(text, 1);
    context = [];
    schedule();
  };
  const onRecords = (event) => {
    const text = event.detail;
    if (typeof text !== 'string' || !text) return;
    if (!streaming) {
      // The test holds for the batch as for its lines: no pattern spans a line's end.
      if (SCAPI_SHAPED.test(text)) {
        startStreaming();
      } else {
        context.push(...text.split('\n'));
        if (context.length > CONTEXT_LINES) {
          foreignLost += context.length - CONTEXT_LINES;
          context = context.slice(-CONTEXT_LINES);
        }
        if (!asked) {
          asked = true; // once per document: does a panel listen for this tab, or will one?
          // Asked once the page has loaded: the question wakes the background, and an ordinary
          // page (the extension runs on every site) should not pay for it while it loads. The
          // context held meanwhile is handed over if the answer is yes.
          if (document.readyState === 'complete') askWhetherListening();
          else window.addEventListener('load', () => setTimeout(askWhetherListening, 0), { once: true });
        }
        if (leaving) { startStreaming(); sendNow(); }
        return;
      }
    }
    number(text, lineCount(text));
    if (leaving || document.visibilityState === 'hidden') sendNow(); else schedule();
  };
  function askWhetherListening() {
    try {
      Promise.resolve(api.runtime.sendMessage({ type: 'listening?', popup }))
        .then((yes) => { if (yes) startStreaming(); }, () => {});
    } catch (_) { /* the extension was reloaded */ }
  }
  const onDropped = (event) => {
    lost += Number(event.detail) || 0;
    if (streaming) schedule();
  };
  // A timer may never fire once the page is hidden or gone: what it would send goes now. A frame
  // that is left hands over the foreign context it held.
  const onLeave = (event) => {
    if (event.type === 'pageshow') { leaving = false; return; }
    if (event.type === 'pagehide') {
      leaving = true;
      if (context.length) startStreaming();
    }
    sendNow();
  };
  const onFlush = () => sendNow();
  const ready = () => window.dispatchEvent(new CustomEvent('scapi-inspector:ready', { detail: adopted ? '' : secret }));
  const onAdopted = (event) => { if (event.detail === secret) adopted = true; };
  // document.open() erases every listener on the window: arm again when the document is replaced.
  const arm = () => {
    window.addEventListener('scapi-inspector:records', onRecords);
    window.addEventListener('scapi-inspector:dropped', onDropped);
    window.addEventListener('scapi-inspector:hello', ready);
    window.addEventListener('scapi-inspector:adopted', onAdopted);
    window.addEventListener('scapi-inspector:flush', onFlush); // the page starts a navigation
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
    flush();
  };

  // A new port first carries every chunk not yet acknowledged, oldest first: the background keeps
  // a frame's lines in order and skips what it has, so nothing may overtake what must go again.
  const send = (chunk) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (port) {
          if (chunk) port.postMessage(message(chunk));
        } else {
          const fresh = api.runtime.connect({ name: 'capture' });
          fresh.onMessage.addListener(onAck);
          fresh.onDisconnect.addListener(() => {
            if (port !== fresh) return;
            port = null;
            // The background was stopped: what it had not stored yet goes again.
            if (unacked.length && !leaving && !reconnectTimer) reconnectTimer = setTimeout(resend, RECONNECT_MS);
          });
          port = fresh;
          for (const held of unacked) fresh.postMessage(message(held));
        }
        return;
      } catch (_) {
        port = null; // the background was stopped or the extension reloaded: try once more
      }
    }
  };
  const message = (chunk) => ({ type: 'lines', frame: describe(), popup, seq: chunk.seq, text: chunk.texts.join('\n'), lost, foreignLost });
  function resend() {
    reconnectTimer = 0;
    if (!port) send(null);
  }
  function onAck(message) {
    if (!message || message.type !== 'ack') return;
    while (unacked.length && unacked[0].seq + unacked[0].count <= message.next) {
      unackedLines -= unacked.shift().count;
    }
  }

  function flush() {
    timer = 0;
    if (!streaming || !unsent.length) return;
    const pieces = unsent;
    unsent = [];
    unsentChars = 0;
    // In messages of at most MAX_CHUNK_CHARS (a piece longer goes alone).
    let seq = nextSeq;
    for (const piece of pieces) seq -= piece.count;
    for (let start = 0; start < pieces.length;) {
      let end = start + 1;
      let count = pieces[start].count;
      for (let size = pieces[start].text.length; end < pieces.length && size + pieces[end].text.length < MAX_CHUNK_CHARS; end++) {
        size += pieces[end].text.length + 1;
        count += pieces[end].count;
      }
      const chunk = { seq, count, texts: pieces.slice(start, end).map((piece) => piece.text) };
      seq += count;
      start = end;
      unacked.push(chunk);
      unackedLines += count;
      // Bounded: the oldest lines beyond are gaps in the sequence, which the log counts as lost.
      while (unackedLines > MAX_UNACKED && unacked.length > 1) unackedLines -= unacked.shift().count;
      send(chunk);
    }
  }

  api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    if (message && message.type === 'listen') startStreaming();
    // The request console: this frame's app is to send a message (the page hook posts it, and
    // cancels the event once it did). Other frames of the tab do not answer. A frame that never
    // captured a message is named by its place. Without a hook that adopted the secret, nothing
    // here could post it: the answer is "not sent".
    const place = message && message.place;
    if (message && message.type === 'console-send' && (message.key === key || (place && place.depth === placement().depth
      && place.index === placement().indexInParent && place.origin === self.origin))) {
      const event = new CustomEvent(`scapi-inspector:send:${secret}`, { detail: message.detail, cancelable: true });
      sendResponse(adopted && !window.dispatchEvent(event));
    }
  });
})();
