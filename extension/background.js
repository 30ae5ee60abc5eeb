// SCAPI Inspector background (service worker on Chrome, event page on Firefox): glue only. Frames
// stream what they capture here ('capture' ports); the wasm half (background/, over
// scapi::tab_log) keeps every tab's log, bounded, and says what to persist; this file moves the
// messages, writes storage.session (what survives the browser stopping the background), tells
// frames what is safely kept, replays a tab's log to a panel that connects, and sets the badge.
// A popup (window.open) belongs to the tab that opened it: its frames are kept in that tab's log.
'use strict';
const api = globalThis.browser ?? globalThis.chrome;
// Chrome: a service worker loads the wasm glue itself. Firefox: the event page's manifest lists
// the glue before this file (the one browser difference here; see docs/ARCHITECTURE.md).
if (typeof wasm_bindgen === 'undefined' && typeof importScripts === 'function') importScripts('background/background.js');

const PERSIST_MS = 100; // writes are gathered this long (frames hold their lines until then)
const TIMEOUT_MS = 10000; // the client's request timeout: a badge may change this much later
const panelsByTab = new Map(); // session tab -> Set<Port> (panels that listen live)
const captureByFrame = new Map(); // `${tab}:${frame key}` -> Port
let log = null;

const ready = wasm_bindgen({ module_or_path: api.runtime.getURL('background/background_bg.wasm') })
  .then(() => Promise.resolve(api.storage.session.get(null)))
  .then((stored) => {
    log = new wasm_bindgen.Background();
    const kept = {};
    for (const [key, value] of Object.entries(stored || {})) if (key.startsWith('log:')) kept[key] = value;
    for (const error of log.restore(kept)) console.warn('SCAPI Inspector: a tab log could not be restored:', error);
    // Logs of tabs closed while the background was stopped.
    return Promise.resolve(api.tabs.query({})).then((tabs) => {
      const open = new Set(tabs.map((tab) => tab.id));
      for (const tab of log.tabs()) if (!open.has(tab)) forget(tab);
    });
  });


// A popup (its top window has an opener) belongs to the tab that opened it. A tab opened from a
// link has an openerTabId too, but no window.opener: it is a session of its own.
const sessionOf = (tab, popup) => (popup && tab.openerTabId !== undefined ? tab.openerTabId : tab.id);

const tell = (tabId, message) => {
  try {
    const sent = api.tabs.sendMessage(tabId, message);
    if (sent && sent.catch) sent.catch(() => {}); // a tab without our content script
  } catch (_) { /* the tab is gone */ }
};

// Storage writes, acknowledgements and badges, gathered.
let persistTimer = 0;
let writing = Promise.resolve();
const changedTabs = new Set();
const persistSoon = (tab) => {
  changedTabs.add(tab);
  if (!persistTimer) persistTimer = setTimeout(persist, PERSIST_MS);
};
function persist() {
  persistTimer = 0;
  const writes = JSON.parse(log.takeWrites());
  const tabs = [...changedTabs];
  changedTabs.clear();
  writing = writing.then(async () => {
    try {
      if (Object.keys(writes.set).length) await api.storage.session.set(writes.set);
      if (writes.remove.length) await api.storage.session.remove(writes.remove);
    } catch (error) {
      console.warn('SCAPI Inspector: could not keep the capture in session storage:', error);
      return; // no acknowledgement: the frames keep their lines and send them again
    }
    for (const [tab, key, next] of writes.acks) {
      const port = captureByFrame.get(`${tab}:${key}`);
      if (port) try { port.postMessage({ type: 'ack', next }); } catch (_) { /* gone */ }
    }
  });
  for (const tab of tabs) badgeSoon(tab);
}

// The badge is counted after a batch, at the pace the wasm half sets (badgeWait).
const badgeTimers = new Map(); // tab -> timer of the next count
function badgeSoon(tab) {
  const wait = log.badgeWait(tab, Date.now());
  if (wait <= 0) { badge(tab); return; }
  if (!badgeTimers.has(tab) || badgeTimers.get(tab).soon !== true) {
    clearTimeout(badgeTimers.get(tab)?.timer);
    badgeTimers.set(tab, { soon: true, timer: setTimeout(() => { badgeTimers.delete(tab); if (log) badge(tab); }, wait) });
  }
}
function badge(tab) {
  const counts = JSON.parse(log.counts(tab, Date.now()));
  const problems = counts.failed + counts.timedOut;
  try {
    api.action.setBadgeBackgroundColor({ tabId: tab, color: '#d93025' });
    api.action.setBadgeText({ tabId: tab, text: problems ? String(problems) : '' });
  } catch (_) { /* the tab is gone */ }
  // A request still pending may time out without any further message.
  clearTimeout(badgeTimers.get(tab)?.timer);
  badgeTimers.set(tab, { soon: false, timer: setTimeout(() => { badgeTimers.delete(tab); if (log) badge(tab); }, TIMEOUT_MS + 500) });
}

function forget(tab) {
  const keys = log.removeTab(tab);
  if (keys.length) writing = writing.then(() => api.storage.session.remove(keys)).catch(() => {});
  clearTimeout(badgeTimers.get(tab)?.timer);
  badgeTimers.delete(tab);
}

function onCapture(port) {
  const tab = port.sender && port.sender.tab;
  if (!tab) { port.disconnect(); return; }
  let session = null;
  let browserFrameId = -1;
  let key = null;
  port.onMessage.addListener((message) => ready.then(() => {
    if (!message || message.type !== 'lines') return;
    const frame = message.frame;
    if (key === null) {
      key = frame.key;
      session = sessionOf(tab, message.popup);
      // A popup's frame ids are its own tab's: not stamped, so they are not taken for the opener's.
      if (session === tab.id && port.sender.frameId !== undefined) browserFrameId = port.sender.frameId;
      captureByFrame.set(`${session}:${key}`, port);
    }
    const panels = panelsByTab.get(session);
    let batches = [];
    try {
      batches = log.ingest(session, JSON.stringify(frame), browserFrameId, message.seq, message.text, message.lost || 0, message.foreignLost || 0, Boolean(panels));
    } catch (error) {
      console.warn('SCAPI Inspector:', error);
      return;
    }
    const unreadable = log.takeError(session);
    if (unreadable) console.warn('SCAPI Inspector: a captured message could not be read:', unreadable);
    // In parts of at most 8 MiB: a browser refuses a message over 64 MiB, and a burst can be more.
    for (const batch of batches) for (const panel of panels) panel.postMessage({ type: 'batch', batch, browserFrameId: -1 });
    persistSoon(session);
  }));
  port.onDisconnect.addListener(() => ready.then(() => {
    if (key === null) return;
    captureByFrame.delete(`${session}:${key}`);
    // The frame's document went (left, removed, closed); a frame that comes back from the
    // back/forward cache speaks again and is there again.
    log.endFrame(session, key, Date.now());
    persistSoon(session);
  }));
}

// A panel (DevTools or standalone): the tab's log, then what arrives live.
function onPanel(port, tabId, live) {
  ready.then(() => {
    for (const batch of log.history(tabId)) port.postMessage({ type: 'batch', batch, browserFrameId: -1 });
    if (!live) { port.postMessage({ type: 'end' }); return; }
    if (!panelsByTab.has(tabId)) panelsByTab.set(tabId, new Set());
    panelsByTab.get(tabId).add(port);
    // Frames that only held a little foreign context now stream everything.
    tell(tabId, { type: 'listen' });
    Promise.resolve(api.tabs.query({})).then((tabs) => {
      for (const tab of tabs) if (tab.openerTabId === tabId) tell(tab.id, { type: 'listen' });
    }, () => {});
  });
  port.onDisconnect.addListener(() => {
    const panels = panelsByTab.get(tabId);
    if (!panels) return;
    panels.delete(port);
    if (!panels.size) panelsByTab.delete(tabId);
  });
}

api.runtime.onConnect.addListener((port) => {
  const [kind, id] = port.name.split(':');
  if (kind === 'capture') { onCapture(port); return; }
  const tabId = Number(id);
  if ((kind !== 'panel' && kind !== 'history') || !Number.isInteger(tabId)) { port.disconnect(); return; }
  onPanel(port, tabId, kind === 'panel');
});

// The request console: a panel asks that the app frame `key` (or the one at `place`) of the tab
// (or of a popup it opened) post a message; the frame's content script answers true once its page
// hook posted it.
function consoleSend(message, sendResponse) {
  const { key, place, detail } = message;
  const ask = (tabId) => Promise.resolve(api.tabs.sendMessage(tabId, { type: 'console-send', key, place, detail }))
    .then((posted) => posted === true, () => false);
  Promise.resolve(api.tabs.query({}))
    .then((tabs) => Promise.all([message.tabId, ...tabs.filter((tab) => tab.openerTabId === message.tabId).map((tab) => tab.id)].map(ask)))
    .then((answers) => sendResponse(answers.includes(true)), () => sendResponse(false));
}

// A frame asks whether a panel listens for its tab (it then streams foreign traffic too).
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the panel page may ask for a console request (not a content script).
  if (message && message.type === 'console-send' && String(sender.url).startsWith(api.runtime.getURL('panel.html'))) {
    consoleSend(message, sendResponse);
    return true;
  }
  if (!message || message.type !== 'listening?' || !sender.tab) return false;
  sendResponse(panelsByTab.has(sessionOf(sender.tab, message.popup)));
  return false;
});

api.tabs.onRemoved.addListener((tabId) => ready.then(() => forget(tabId)));
