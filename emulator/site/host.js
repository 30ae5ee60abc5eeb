// The Workspace page's glue. Everything the page decides is Rust (emulator/src/service.rs, built
// to wasm): this file carries messages between windows and the service, runs its timer, draws
// what it returns, and offers the host-side scenarios as buttons and as window.scenario.
import init, { EmulatorService } from '/pkg/scapi_emulator.js';

const TAB_CHANNEL = 'scapi-emulator-tabs';
const TICK_MS = 100;

const windows = new Map(); // source key -> Window
let service = null;
let tabs = null;
let config = null;
let shownHtml = '';
let nextKey = 1;

const now = () => Date.now();
const originOf = (url) => new URL(url, location.href).origin;
const byId = (id) => document.getElementById(id);

/** Carries out what the service returned, then redraws. */
function run(actionsJson) {
  for (const action of JSON.parse(actionsJson)) {
    if (action.action === 'post') windows.get(action.to)?.postMessage(action.message, action.targetOrigin);
    else if (action.action === 'broadcast') tabs.postMessage(action.message);
    else if (action.action === 'openDialog') openDialog(action);
    else if (action.action === 'closeDialog') removeDialog(action.dialogId);
  }
  render();
}

function render() {
  const html = service.viewHtml();
  if (html !== shownHtml) {
    byId('desktop').innerHTML = html;
    shownHtml = html;
  }
}

/** A frame named `key` showing `url`; it gets its frameId each time a document loads in it. */
function embed(key, kind, url, container, className = '') {
  const frame = document.createElement('iframe');
  frame.name = key;
  frame.title = key;
  if (className) frame.className = className;
  frame.src = url;
  const loaded = new Promise((resolve) => {
    frame.addEventListener('load', () => {
      run(service.attach(key, now()));
      resolve(frame);
    });
  });
  container.append(frame);
  windows.set(key, frame.contentWindow);
  service.register(key, kind, originOf(url));
  render();
  return { frame, loaded };
}

function openDialog({ dialogId, url, label, width, height }) {
  const dialog = document.createElement('dialog');
  dialog.id = dialogId;
  dialog.className = 'wwe-dialog';
  const header = document.createElement('header');
  const title = document.createElement('span');
  title.textContent = label;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '✕';
  close.title = 'Close';
  close.addEventListener('click', () => {
    service.dialogClosed(dialogId, now());
    removeDialog(dialogId);
    render();
  });
  header.append(title, close);
  dialog.append(header);
  byId('dialogs').append(dialog);
  const size = (value, fallback) => (typeof value === 'number' ? `${value}px` : value || fallback);
  const { frame } = embed(dialogId, 'dialog', url, dialog);
  frame.style.width = size(width, '480px');
  frame.style.height = size(height, '360px');
  dialog.show();
}

function removeDialog(dialogId) {
  byId(dialogId)?.remove();
  windows.delete(dialogId);
}

function keyOf(source) {
  for (const [key, win] of windows) if (win === source) return key;
  const key = `window-${nextKey++}`;
  windows.set(key, source);
  return key;
}

window.addEventListener('message', (event) => {
  if (!service || !event.source || event.source === window) return;
  let json;
  try {
    json = JSON.stringify(event.data);
  } catch {
    return; // not JSON-able: not a Service Client API message
  }
  if (json === undefined) return;
  run(service.receive(keyOf(event.source), event.origin, json, now()));
});

/** The host-side scenarios (the app's own are window.scenario inside the app). */
const scenario = {
  /** The sample app in a popup window: it talks through window.opener. Resolves to its key. */
  async popupApp() {
    const key = `popup-${nextKey++}`;
    const popup = window.open(`${config.sampleAppUrl}?name=${key}&role=popup`, key, 'popup,width=560,height=760');
    if (!popup) throw new Error('the browser blocked the popup');
    windows.set(key, popup);
    service.register(key, 'popup', originOf(config.sampleAppUrl));
    render();
    return key;
  },
  /** Two more sample apps at once; each numbers its requests from "0", so referenceIds collide. */
  async severalApps() {
    const keys = [`extra-${nextKey++}`, `extra-${nextKey++}`];
    await Promise.all(
      keys.map((key) => embed(key, 'iframe', `${config.sampleAppUrl}?name=${key}&autorun=1`, byId('app-frames'), 'extra').loaded),
    );
    return keys;
  },
  /** An app served from an origin the options do not accept: Workspace never answers it. */
  async refusedOrigin() {
    const key = `refused-${nextKey++}`;
    await embed(key, 'iframe', `${config.refusedAppUrl}?name=${key}&autorun=1`, byId('app-frames'), 'extra').loaded;
    return key;
  },
  /** A second Workspace tab: the tabs elect a leader over a BroadcastChannel. */
  async secondTab() {
    window.open(location.href, '_blank');
  },
  /** The real-time connection drops: DISCONNECTED, then DOWN. */
  async connectionDown() {
    run(service.hostAction('connectionLost', now()));
  },
  async connectionBack() {
    run(service.hostAction('connectionRestored', now()));
  },
};

function button(container, label, onClick, testId) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.dataset.testid = testId;
  element.addEventListener('click', onClick);
  container.append(element);
}

const words = (name) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());

async function boot() {
  await init();
  const [optionsText, settings] = await Promise.all([
    fetch('/emulator/options.ini').then((r) => r.text()),
    fetch('/emulator/config.json').then((r) => r.json()),
  ]);
  config = settings;
  const tabId = `${now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  service = new EmulatorService(optionsText, tabId, now()); // throws the options' problems
  tabs = new BroadcastChannel(TAB_CHANNEL);
  tabs.onmessage = (event) => run(service.tabMessage(JSON.stringify(event.data), now()));
  window.addEventListener('focus', () => run(service.tabActivated(now())));
  window.addEventListener('pagehide', () => run(service.tabClosing(now())));
  document.addEventListener('visibilitychange', () => service.setTabVisible(document.visibilityState === 'visible'));
  byId('desktop').addEventListener('click', (event) => {
    const toast = event.target.closest('[data-toast]');
    if (toast) run(service.toastButtonClicked(toast.dataset.toast, Number(toast.dataset.button), now()));
  });
  for (const name of JSON.parse(EmulatorService.hostActions())) {
    button(byId('host-actions'), words(name), () => run(service.hostAction(name, now())), `host-${name}`);
  }
  for (const name of Object.keys(scenario)) {
    button(byId('host-scenarios'), words(name), () => scenario[name](), `scenario-${name}`);
  }
  window.scenario = scenario;
  run(service.start(now()));
  setInterval(() => run(service.tick(now())), TICK_MS);
  const apps = [embed('app', 'iframe', config.clientUrl, byId('app-frames')).loaded];
  if (config.embedSampleApps) {
    apps.push(embed('hidden', 'hidden', `${config.sampleAppUrl}?name=hidden&role=hidden`, byId('hidden-frames')).loaded);
  }
  byId('status').textContent = `tab ${tabId}`;
  await Promise.all(apps);
}

/** Resolves when the page runs and its apps have loaded; rejects with what stopped it. */
window.workspaceReady = boot().catch((error) => {
  const status = byId('status');
  status.textContent = `The emulator cannot start: ${error.message ?? error}`;
  status.dataset.error = 'true';
  throw error;
});
