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

// Workspace options pasted for a site, kept in extension storage across sessions.
const optionsKey = (site) => `options:${site}`;

export function loadOptions(site, onLoaded) {
  try {
    Promise.resolve(api.storage.local.get(optionsKey(site)))
      .then((found) => onLoaded((found && found[optionsKey(site)]) || ''), () => onLoaded(''));
  } catch (_) {
    onLoaded(''); // no storage outside the extension (component tests)
  }
}

export function saveOptions(site, text) {
  try {
    if (text) api.storage.local.set({ [optionsKey(site)]: text });
    else api.storage.local.remove(optionsKey(site));
  } catch (_) { /* no storage outside the extension */ }
}

// The text of the file chosen in an <input type="file">: onText(text, name) or onError(message).
export function readChosenFile(input, onText, onError) {
  const file = input && input.files && input.files[0];
  if (!file) return;
  file.text().then((text) => onText(text, file.name), (error) => onError(`${file.name}: ${error}`));
  input.value = ''; // choosing the same file again reloads it
}

// The file chosen in an <input type="file">, or undefined; the input is emptied, so that choosing
// the same file again reads it again.
export function chosenFile(input) {
  const file = input && input.files && input.files[0];
  if (input) input.value = '';
  return file;
}

// Bytes [start, end) of a file: onBytes(Uint8Array) or onError(message).
export function readBlock(file, start, end, onBytes, onError) {
  file.slice(start, end).arrayBuffer()
    .then((buffer) => onBytes(new Uint8Array(buffer)), (error) => onError(`${file.name}: ${error}`));
}

// Runs callback after the browser had its turn (paint, input, other messages).
export function later(callback) {
  setTimeout(callback, 0);
}

// The same, without the 4 ms a chain of timers waits between them (a message to itself is a task
// of its own: the browser paints and handles input before it when a frame is due). For work in
// slices back to back (the analysis of a large capture).
const soonQueue = [];
let soonChannel = null;
export function soon(callback) {
  if (!soonChannel) {
    soonChannel = new MessageChannel();
    soonChannel.port1.onmessage = () => soonQueue.shift()?.();
  }
  soonQueue.push(callback);
  soonChannel.port2.postMessage(null);
}

// Copies text to the clipboard, then onDone(true) or onDone(false). DevTools panels may not get the
// asynchronous clipboard API, so a selected text area and the copy command are the fallback.
export function copyText(text, onDone) {
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let done = false;
    try { done = document.execCommand('copy'); } catch (_) { done = false; }
    area.remove();
    onDone(done);
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(() => onDone(true), fallback);
  } else {
    fallback();
  }
}

// Saves text as a file the browser downloads (an export).
export function downloadText(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// The tab the toolbar popup is for: `?tabId=N` (tests, or a link), else the active tab of the
// window the popup opened in (its id needs no "tabs" permission).
export function popupTabId(onTab) {
  const given = new URLSearchParams(location.search).get('tabId');
  if (given !== null) { onTab(Number(given)); return; }
  Promise.resolve(api.tabs.query({ active: true, currentWindow: true }))
    .then((tabs) => onTab(tabs && tabs[0] ? tabs[0].id : -1), () => onTab(-1));
}

// The tab's log as the background holds it, without listening live: onBatch(batchJson) per
// batch, then onEnd().
export function readHistory(tabId, onBatch, onEnd) {
  let port;
  try {
    port = api.runtime.connect({ name: `history:${tabId}` });
  } catch (_) {
    onEnd();
    return;
  }
  let ended = false;
  port.onMessage.addListener((message) => {
    if (message && message.type === 'batch') onBatch(message.batch);
    else if (message && message.type === 'end' && !ended) { ended = true; port.disconnect(); onEnd(); }
  });
  port.onDisconnect.addListener(() => { if (!ended) { ended = true; onEnd(); } });
}

// The panel in a tab of its own, for the given tab.
export function openInspector(tabId) {
  Promise.resolve(api.tabs.create({ url: api.runtime.getURL(`panel.html?tabId=${tabId}`) }))
    .then(() => window.close(), () => {});
}

// The request console: asks the background that the app frame `key` of the tab (or, for a frame
// that never captured a message, the one at `place`: JSON {depth, index, origin}, or 'null') post
// a message (`detail`: {relation, childIndex, origin, text} as JSON text); onDone(true) once it
// was posted.
export function sendAsApp(tabId, key, place, detail, onDone) {
  try {
    Promise.resolve(api.runtime.sendMessage({ type: 'console-send', tabId, key, place: JSON.parse(place), detail }))
      .then((posted) => onDone(posted === true), () => onDone(false));
  } catch (_) {
    onDone(false);
  }
}

// Text kept in extension storage under a key ('' when none), e.g. the console's history.
export function loadStored(key, onLoaded) {
  try {
    Promise.resolve(api.storage.local.get(key))
      .then((found) => onLoaded((found && found[key]) || ''), () => onLoaded(''));
  } catch (_) {
    onLoaded('');
  }
}

export function saveStored(key, text) {
  try { api.storage.local.set({ [key]: text }); } catch (_) { /* no storage outside the extension */ }
}

// Calls onChange(shown) when DevTools shows or hides the panel (extension/devtools.js tells);
// returns whether it is shown now (a panel outside DevTools, or not told yet, is).
export function watchShown(onChange) {
  window.addEventListener('scapi-panel-shown', (event) => onChange(event.detail !== false));
  return window.scapiPanelShown !== false;
}
