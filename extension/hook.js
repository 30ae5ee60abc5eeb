// SCAPI Inspector page hook: MAIN world, every frame, document_start.
// It only listens (capture phase, registered before any page script) and never wraps postMessage,
// which would change event.source for same-origin callers. While the page handles a message the
// hook only stamps it and snapshots its data (the page may change the object afterwards): as JSON
// text when it is plain JSON, as its placeholder description otherwise; making the record line and
// handing it to the content script (CustomEvent with a string detail, never postMessage) happens
// in a task of its own, so the page's own message handling is not slowed: soon after a quiet
// spell, in batches of up to 100 ms while messages keep coming (each batch costs a timer and a
// crossing into the content script's world) or of 250 messages (a few ms of work: never a long
// task), and at once when the page is hidden or unloaded. Nothing here may throw into the page.
(() => {
  'use strict';
  // Built-ins are taken now, before any page script runs, so a page that patches them later
  // neither breaks the hook nor sees it call them.
  const win = window;
  const doc = document;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const addListener = EventTarget.prototype.addEventListener;
  const Custom = CustomEvent;
  const Observer = MutationObserver;
  const toJson = JSON.stringify;
  const parse = JSON.parse;
  const prevent = Event.prototype.preventDefault;
  const keysOf = Object.keys;
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const isView = ArrayBuffer.isView;
  const toText = Object.prototype.toString;
  const later = setTimeout;
  // event.timeStamp is a high-resolution time relative to this document's time origin.
  const timeOrigin = performance.timeOrigin;
  const dateNow = Date.now;
  const tagOf = (v) => toText.call(v).slice(8, -1);
  const MAX_STRING = 1 << 20; // longer strings keep their head and length
  const MAX_NODES = 100000; // values per message before the rest is summarised
  const MAX_DEPTH = 100; // the decoder (serde_json) reads at most 128 levels, envelope included
  const MAX_HELD = 5000; // records held until the content script answers
  const DESCRIBE_MS = 10; // a message after a quiet spell is described and handed on this soon
  const BUSY_DESCRIBE_MS = 100; // while messages keep coming, batches are this far apart
  const BUSY_WITHIN_MS = 250; // a message this soon after the last batch finds the page busy
  const MAX_CAPTURED = 250; // a batch this large is described at once (a few ms: no long task)
  const isTop = win === win.top;
  let frameOrigin = self.origin; // read again when document.open() replaces the document
  let captured = []; // stamped messages waiting to be described
  let scheduled = false;
  let lastDrain = -Infinity; // wall-clock ms
  let held = []; // described records waiting for the content script; null once it listens
  let dropped = 0;

  const send = (type, detail) => dispatch.call(win, new Custom(type, { detail }));
  // The content script's ready names, at document start (before any page script), the secret
  // event name the request console's messages come under; the first is kept and confirmed.
  let consoleType = '';
  const onReady = (event) => {
    const secret = event.detail;
    if (!consoleType && typeof secret === 'string' && secret) {
      consoleType = `scapi-inspector:send:${secret}`;
      addListener.call(win, consoleType, onSend);
      send('scapi-inspector:adopted', secret);
    }
    if (!held) return;
    const records = held;
    held = null;
    if (records.length) send('scapi-inspector:records', records.join('\n'));
    if (dropped) send('scapi-inspector:dropped', String(dropped));
  };

  const relation = (source) => {
    if (source === null || source === undefined) return ['none'];
    if (source === win) return ['self'];
    if (source === win.parent) return ['parent'];
    if (source === win.opener) return ['opener'];
    for (let i = 0; i < win.frames.length; i++) if (win.frames[i] === source) return ['child', i];
    return ['other'];
  };

  // Makes a structured-clone value JSON-safe: what JSON cannot carry becomes a placeholder
  // {"__unserializable": type, ...} so nothing is silently turned into {} or null.
  const safe = (value, ancestors, budget) => {
    if (--budget.nodes < 0) return { __unserializable: 'Truncated', reason: 'too many values' };
    switch (typeof value) {
      case 'string':
        return value.length > MAX_STRING
          ? { __unserializable: 'LongString', length: value.length, head: value.slice(0, 4096) }
          : value;
      case 'number':
        return Number.isFinite(value) ? value : { __unserializable: 'Number', value: String(value) };
      case 'boolean':
        return value;
      case 'undefined':
        return { __unserializable: 'undefined' };
      case 'bigint':
        return { __unserializable: 'BigInt', value: value.toString() };
      case 'object':
        break;
      default:
        return { __unserializable: typeof value };
    }
    if (value === null) return null;
    if (ancestors.includes(value)) return { __unserializable: 'Cycle' };
    if (ancestors.length >= MAX_DEPTH) return { __unserializable: 'TooDeep' };
    const inner = (v) => safe(v, ancestors, budget);
    ancestors.push(value);
    try {
      if (isArray(value)) return arrayFrom(value, inner);
      const tag = tagOf(value);
      switch (tag) {
        case 'Object': {
          const out = {};
          for (const key of keysOf(value)) out[key] = inner(value[key]);
          return out;
        }
        case 'Date':
          return { __unserializable: 'Date', value: isNaN(value) ? 'Invalid Date' : value.toISOString() };
        case 'RegExp':
          return { __unserializable: 'RegExp', value: String(value) };
        case 'Map':
          return { __unserializable: 'Map', size: value.size, entries: arrayFrom(value, ([k, v]) => [inner(k), inner(v)]) };
        case 'Set':
          return { __unserializable: 'Set', size: value.size, values: arrayFrom(value, inner) };
        case 'ArrayBuffer':
        case 'SharedArrayBuffer':
          return { __unserializable: tag, byteLength: value.byteLength };
        case 'Blob':
          return { __unserializable: 'Blob', size: value.size, type: value.type };
        case 'File':
          return { __unserializable: 'File', name: value.name, size: value.size, type: value.type };
        case 'Error':
          return { __unserializable: 'Error', name: String(value.name), message: String(value.message) };
        case 'Boolean':
        case 'Number':
        case 'String':
          return { __unserializable: tag, value: inner(value.valueOf()) };
        default:
          return isView(value)
            ? { __unserializable: tag, length: value.length, byteLength: value.byteLength }
            : { __unserializable: tag };
      }
    } finally {
      ancestors.pop();
    }
  };

  const describeData = (data) => {
    try {
      return safe(data, [], { nodes: MAX_NODES });
    } catch (error) {
      return { __unserializable: 'HookError', message: String(error) };
    }
  };

  // True when JSON text of the value is exact: only strings, finite numbers, booleans, null,
  // arrays without holes or undefined, and plain objects, within the depth and string limits.
  const plainJson = (value, depth) => {
    switch (typeof value) {
      case 'string': return value.length <= MAX_STRING;
      case 'number': return Number.isFinite(value);
      case 'boolean': return true;
      case 'object': break;
      default: return false;
    }
    if (value === null) return true;
    if (depth >= MAX_DEPTH) return false;
    if (isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!plainJson(value[i], depth + 1)) return false;
      return true;
    }
    if (tagOf(value) !== 'Object') return false;
    for (const key of keysOf(value)) if (!plainJson(value[key], depth + 1)) return false;
    return true;
  };

  // The record's JSON text (docs/formats.md). Plain JSON keeps the text taken on delivery, in a
  // line built by hand (this runs for every message: the frame's part is made once per batch,
  // an origin's once); other data was described with placeholders on delivery.
  let originText = ['', '""'];
  const quotedOrigin = (origin) => {
    if (originText[0] !== origin) originText = [origin, toJson(origin)];
    return originText[1];
  };
  const describe = ({ event, wall, snapshot, described }, frameUrl, framePart) => {
    const [source, childIndex] = relation(event.source);
    const time = timeOrigin + event.timeStamp;
    const ports = event.ports ? event.ports.length : 0;
    if (snapshot !== undefined) {
      return `{"v":1,"time":${toJson(time)},"wall":${toJson(wall)}${framePart},"origin":${quotedOrigin(event.origin)},"source":"${source}"${childIndex === undefined ? '' : `,"childIndex":${childIndex}`},"ports":${ports},"data":${snapshot}}`;
    }
    return toJson({
      v: 1, time, wall, frameUrl, frameOrigin, isTop, origin: event.origin, source, childIndex, ports,
      data: described,
    });
  };

  // `until` (wall-clock ms) bounds a drain that must be short: the page is being left, and a
  // browser may cut a long pagehide handler off (Firefox: "Script terminated by timeout").
  // What is not described by then is counted as dropped, never silently lost.
  const drain = (until) => {
    scheduled = false;
    if (!captured.length) return;
    lastDrain = dateNow();
    const entries = captured;
    captured = [];
    // Reading location is costly: once per batch (a same-document URL change within one batch
    // is credited to its end).
    const frameUrl = location.href;
    const framePart = `,"frameUrl":${toJson(frameUrl)},"frameOrigin":${toJson(frameOrigin)},"isTop":${isTop}`;
    const records = [];
    for (let i = 0; i < entries.length; i++) {
      if (until !== undefined && (i & 63) === 63 && dateNow() > until) {
        dropped += entries.length - i;
        break;
      }
      try { records.push(describe(entries[i], frameUrl, framePart)); } catch (_) { dropped++; }
    }
    if (!held) {
      if (records.length) send('scapi-inspector:records', records.join('\n'));
      if (dropped) { send('scapi-inspector:dropped', String(dropped)); dropped = 0; }
    } else {
      for (const record of records) {
        if (held.length < MAX_HELD) held.push(record); else dropped++;
      }
    }
  };

  const onMessage = (event) => {
    try {
      // Only what must be taken now: the wall clock, and the data's JSON text, since the page may
      // change the object once its listeners ran (data JSON cannot carry is described instead).
      // Everything else is read from the event when the batch is described.
      const wall = dateNow();
      let snapshot;
      let described;
      try { snapshot = toJson(event.data); } catch (_) { /* a cycle or a BigInt */ }
      // JSON text is the data as delivered only when JSON carries all of it. Anything else
      // (undefined, NaN, a Date, a Map...: JSON.stringify drops or changes it without a word) is
      // described now, with placeholders: later, the page may have changed it.
      if (snapshot === undefined || !plainJson(event.data, 0)) {
        snapshot = undefined;
        described = describeData(event.data);
      }
      captured.push({ event, wall, snapshot, described });
      if (captured.length >= MAX_CAPTURED) drain();
      else if (!scheduled) {
        scheduled = true;
        later(() => drain(), wall - lastDrain < BUSY_WITHIN_MS ? BUSY_DESCRIBE_MS : DESCRIBE_MS);
      }
    } catch (_) {
      dropped++; // never disturb the page; a message the hook could not record is still counted
    }
  };

  const LEAVE_BUDGET_MS = 50;
  const onLeave = () => {
    try { drain(dateNow() + LEAVE_BUDGET_MS); } catch (_) { /* never disturb the page */ }
  };
  // The page starts a navigation (location.href = …, a link, a form): what it captured goes now,
  // while its script still runs. On pagehide it may be too late: Firefox cancels the script of a
  // document that a navigation to another site takes out of its process. (beforeunload would do
  // too, but a beforeunload listener keeps pages out of the back/forward cache.)
  const onNavigate = () => {
    try {
      drain(dateNow() + LEAVE_BUDGET_MS);
      send('scapi-inspector:flush', '');
    } catch (_) { /* never disturb the page */ }
  };
  const navigation = win.navigation; // the Navigation API, where the browser has it

  // The inspector's request console (docs/ARCHITECTURE.md): the content script asks this frame to
  // post an app message, under an event name page scripts do not know; it leaves from this window,
  // as the app's own, to the window the app talks to. Cancelling the event tells the content
  // script it was posted.
  const onSend = (event) => {
    try {
      const { relation, childIndex, origin, text } = parse(event.detail);
      const to = relation === 'parent' ? win.parent : relation === 'opener' ? win.opener
        : relation === 'child' ? win.frames[childIndex] : null;
      if (!to) return;
      to.postMessage(parse(text), origin && origin !== 'null' ? origin : '*');
      prevent.call(event);
    } catch (_) { /* not posted: the content script answers so */ }
  };

  // document.open() erases every listener on the window: arm again when the document is replaced.
  const arm = () => {
    try { frameOrigin = self.origin; } catch (_) { /* keep the last one */ }
    addListener.call(win, 'message', onMessage, true);
    addListener.call(win, 'scapi-inspector:ready', onReady);
    if (consoleType) addListener.call(win, consoleType, onSend);
    // Capture phase: at the window, capture listeners run first, so the batch reaches the content
    // script's own pagehide listener, which sends it on before the document goes.
    addListener.call(win, 'pagehide', onLeave, true);
    addListener.call(doc, 'visibilitychange', onLeave, true);
    try { if (navigation) addListener.call(navigation, 'navigate', onNavigate); } catch (_) { /* none */ }
  };
  arm();
  try { new Observer(arm).observe(doc, { childList: true }); } catch (_) { /* no document yet */ }
  send('scapi-inspector:hello', '');
})();
