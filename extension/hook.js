// SCAPI Inspector page hook: MAIN world, every frame, document_start.
// It only listens (capture phase, registered before any page script) and never wraps postMessage,
// which would change event.source for same-origin callers. Each delivered message becomes a raw
// capture record (docs/formats.md) handed to the content script as a CustomEvent with a string
// detail, so the bridge itself never shows up as postMessage traffic. Nothing here may throw into
// the page.
(() => {
  'use strict';
  // Built-ins are taken now, before any page script runs, so a page that patches them later
  // neither breaks the hook nor sees it call them.
  const win = window;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const addListener = EventTarget.prototype.addEventListener;
  const Custom = CustomEvent;
  const toJson = JSON.stringify;
  const keysOf = Object.keys;
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const isView = ArrayBuffer.isView;
  const toText = Object.prototype.toString;
  const perf = performance;
  const perfNow = performance.now;
  const dateNow = Date.now;
  const tagOf = (v) => toText.call(v).slice(8, -1);
  const MAX_STRING = 1 << 20; // longer strings keep their head and length
  const MAX_NODES = 100000; // values per message before the rest is summarised
  const MAX_DEPTH = 100; // the decoder (serde_json) reads at most 128 levels, envelope included
  const MAX_QUEUE = 5000; // records held until the content script answers
  let queue = [];
  let dropped = 0;

  const send = (type, detail) => dispatch.call(win, new Custom(type, { detail }));
  const flush = () => {
    if (!queue) return;
    const held = queue;
    queue = null;
    for (const detail of held) send('scapi-inspector:record', detail);
    if (dropped) send('scapi-inspector:dropped', String(dropped));
  };
  addListener.call(win, 'scapi-inspector:ready', flush);
  send('scapi-inspector:hello', '');

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

  addListener.call(win, 'message', (event) => {
    try {
      const time = perf.timeOrigin + perfNow.call(perf);
      const [source, childIndex] = relation(event.source);
      let data;
      try {
        data = safe(event.data, [], { nodes: MAX_NODES });
      } catch (error) {
        data = { __unserializable: 'HookError', message: String(error) };
      }
      const detail = toJson({
        v: 1, time, wall: dateNow(), frameUrl: location.href, frameOrigin: self.origin,
        isTop: win === win.top, origin: event.origin, source, childIndex,
        ports: event.ports ? event.ports.length : 0, data,
      });
      if (!queue) send('scapi-inspector:record', detail);
      else if (queue.length < MAX_QUEUE) queue.push(detail);
      else dropped++;
    } catch (_) {
      // Never disturb the page; a message the hook could not record is still counted.
      try {
        if (queue) dropped++;
        else send('scapi-inspector:dropped', '1');
      } catch (_) { /* nothing more can be done without throwing */ }
    }
  }, true);
})();
