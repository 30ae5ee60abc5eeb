// The sample client app: what an integrator's page does with the Service Client API. One button
// per request (sample-requests.json), and the scenarios support engineers meet, also callable as
// window.scenario.<name>() (each returns a Promise of what the app saw). The same page runs as the
// embedded app, the hidden frame (?role=hidden), inside a dialog (?role=dialog), in a popup
// (?role=popup), as extra apps and from a refused origin (?autorun=1).
'use strict';

const params = new URLSearchParams(location.search);
const NAME = params.get('name') ?? 'app';
const ROLE = params.get('role') ?? 'app';
const wwe = window.genesys.wwe.service;
const LOG_LINES = 200;

// What each kind of app listens to; the main app takes every topic in one call, as the seed asks.
const TOPICS = {
  app: ['agent', 'interaction', 'system', 'outbound', 'media', 'markdone', 'messenger:demo'],
  hidden: ['interaction', 'messenger:demo'],
  dialog: ['system', 'messenger:demo'],
  popup: ['agent', 'interaction', 'system'],
};

/** What the app saw, for tests and curious humans. */
const app = { name: NAME, role: ROLE, events: [], calls: [], answers: {} };
window.app = app;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(kind, text) {
  const list = document.getElementById('log');
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toISOString().slice(11, 23)} ${text}`;
  list.append(item);
  while (list.children.length > LOG_LINES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

/** One request through the client library; resolves with how it ended. */
function call(request, parameters = []) {
  const [namespace, method] = request.split('.');
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = (outcome, details) => {
      const result = { request, parameters, outcome, ms: Math.round(performance.now() - started), ...details };
      app.calls.push(result);
      if (outcome === 'answered') app.answers[request] = details.data;
      const shown = outcome === 'answered' ? JSON.stringify(details.data) : details.errorMessage;
      log(outcome === 'answered' ? 'answered' : outcome === 'failed' ? 'failed' : 'timeout', `${request} → ${outcome}: ${String(shown).slice(0, 160)}`);
      resolve(result);
    };
    const done = (response) => finish('answered', { data: response.data });
    const fail = (response) =>
      typeof response === 'string'
        ? finish('timed out', { errorMessage: response })
        : finish('failed', { errorMessage: response.errorMessage });
    const helper = wwe[namespace]?.[method];
    if (typeof helper === 'function') helper(...parameters, done, fail);
    else wwe.sendMessage({ request, parameters }, done, fail); // no helper: a typo, an old name
  });
}

function onEvent(message) {
  app.events.push(message);
  const data = message.data ?? {};
  const what = data.eventType ?? (data.frameState ? `frameState ${data.frameState}` : JSON.stringify(data));
  log('event', `event ${message.event}: ${what}`);
}

/** `{"$answer": request}` → the id of the last answer to it; `{"$url": path}` → a URL beside the app. */
function resolve(value) {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object' && '$answer' in value) {
    const data = app.answers[value.$answer];
    return typeof data === 'string' ? data : data?.interactionId ?? null;
  }
  if (value && typeof value === 'object' && '$url' in value) return new URL(value.$url, location.href).href;
  return value;
}

async function runEntry(entry) {
  const result = await call(entry.request, resolve(entry.parameters ?? []));
  if (entry.thenWaitMs) await sleep(entry.thenWaitMs);
  return result;
}

let sampleRequests = null;
function loadSampleRequests() {
  sampleRequests ??= fetch('sample-requests.json').then((r) => r.json()).then((list) => list.requests);
  return sampleRequests;
}

/** A burst must not straddle two fixed one-minute windows: wait for the next one when close. */
async function awayFromMinuteEdge() {
  const left = 60000 - (Date.now() % 60000);
  if (left < 3000) await sleep(left + 100);
}

function secondHandler(message) {
  app.events.push({ ...message, secondHandler: true });
  log('event', `event ${message.event} (second handler): ${message.data?.eventType ?? ''}`);
}

const scenario = {
  /** Six voice.dial at once against rate-limit.voice.dial=4: four answers, the rate-limit error, then silence. */
  async rateLimitBurst() {
    await awayFromMinuteEdge();
    return Promise.all(Array.from({ length: 6 }, () => call('voice.dial', ['5001', { Key1: 'Burst' }])));
  },
  /** One more dial during the quarantine: never answered, the client reports "Request timeout". */
  quarantinedDial: () => call('voice.dial', ['5001', null]),
  /** A write to a key outside write-allowed. */
  refusedKeyWrite: () => call('interaction.setUserData', ['1', { Key2: 'Downgrade' }]),
  /** A read where read-allowed hides a key (AccountNumber). */
  async hiddenKeyRead() {
    const result = await call('interaction.getByInteractionId', ['1']);
    return { ...result, keys: Object.keys(result.data?.userData ?? {}) };
  },
  /** subscribe called a second time: the client keeps only the last handler per topic. */
  async secondSubscribe() {
    wwe.subscribe(['agent'], secondHandler);
    // Answers come in order: once this one is back, so is the subscribe's.
    return call('agent.getState');
  },
  /** A name that is not a request (meant: voice.pauseCallRecording). */
  misspelledRequest: () => call('voice.pauseRecording', ['1']),
  /** auth.getJwtToken from an origin whose filter does not name it. */
  jwtOutsideFilter: () => call('auth.getJwtToken'),
  /** A message to the other apps subscribed to messenger:demo. */
  broadcast: () => call('messenger.broadcastMessage', ['demo', { text: `hello from ${NAME}` }]),
  /** A toast with buttons: a click comes back as CUSTOM_TOAST_BUTTON_CLICK. */
  toastWithButtons: () =>
    call('system.popupToast', [{ title: 'Customer waiting', message: 'Jordan Lee is waiting for a callback.', buttons: ['Call now', 'Later'] }]),
  /** A dialog with this app inside (it gets its own frameId). */
  dialog: () =>
    call('system.openDialog', [new URL('app.html?role=dialog&name=dialog', location.href).href, { label: 'Customer survey', width: 480, height: 360 }]),
  /** Every request of the catalog, in an order that works against the emulator's desktop. */
  async everyRequest() {
    const results = [];
    for (const entry of await loadSampleRequests()) results.push(await runEntry(entry));
    return results;
  },
};
window.scenario = scenario;

function button(container, label, title, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.title = title;
  element.addEventListener('click', onClick);
  container.append(element);
  return element;
}

async function drawRequests() {
  const container = document.getElementById('requests');
  const groups = new Map();
  for (const entry of await loadSampleRequests()) {
    const namespace = entry.request.split('.')[0];
    if (!groups.has(namespace)) {
      const fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = namespace;
      fieldset.append(legend);
      container.append(fieldset);
      groups.set(namespace, fieldset);
    }
    const label = entry.request.slice(namespace.length + 1);
    button(groups.get(namespace), label, JSON.stringify(entry.parameters ?? []), () => runEntry(entry)).dataset.request = entry.request;
  }
}

document.getElementById('name').textContent = NAME;
document.getElementById('origin').textContent = location.origin;
document.getElementById('role').textContent = ROLE;
for (const name of Object.keys(scenario)) {
  button(document.getElementById('scenarios'), name, '', () => scenario[name]()).dataset.scenario = name;
}
document.getElementById('run-all').addEventListener('click', () => scenario.everyRequest());
drawRequests();
setInterval(() => {
  document.getElementById('frame-id').textContent = wwe.frameId() ?? '—';
}, 250);

// What every embedded app does first: subscribe once, then ask for the agent's state.
wwe.subscribe(TOPICS[ROLE] ?? TOPICS.app, onEvent);
app.ready = call('agent.getState');
// Extra apps and the refused-origin app: a few requests at once, numbered like everyone else's.
if (params.get('autorun')) {
  app.autorun = Promise.all([call('interaction.getInteractions'), call('system.isFrameLeading')]);
}
