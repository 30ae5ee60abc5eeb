// The service side: a Workspace-like top page on origin A. It assigns frame ids, answers client
// requests and pushes events, with the message shapes of docs/scapi-protocol (sections 2-6).
'use strict';

const SERVER = { userAgent: 'WWE Server', protocolVersion: 2 };
// Verbatim from the vendor documentation (rate-limit section).
const RATE_LIMIT_TEXT =
  "The rate limit for the request 'voice.dial' has been reached.\n" +
  'Further requests of the same type will be ignored for 30 seconds.';
// Origin B: `?apps=<host>` (plain-http hostnames in the tests), else the other loopback name.
const OTHER_HOST = new URLSearchParams(location.search).get('apps') ?? (location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1');
const ORIGIN_B = `${location.protocol}//${OTHER_HOST}:${location.port}`;

const frames = {}; // id -> iframe element
const subscribed = new Map(); // child window -> { id, origin, subscriptionId }
const pongs = [];

// How event.source relates to this window, as the capture test expects it ("child:<id>").
window.describeSource = (src) => {
  if (src === null) return 'none';
  if (src === window) return 'self';
  for (const [id, f] of Object.entries(frames)) if (f.contentWindow === src) return `child:${id}`;
  if (window.opener && src === window.opener) return 'opener';
  return 'other';
};

installRecorder('top');

function addClient(id, src, frameId, targetOrigin) {
  const f = document.createElement('iframe');
  f.id = id;
  f.name = id;
  // The frame id assignment is the only handshake: clients start talking once they have it.
  f.addEventListener(
    'load',
    () => f.contentWindow.postMessage({ frameId, ...SERVER }, targetOrigin),
    { once: true },
  );
  f.src = src;
  frames[id] = f;
  document.getElementById('frames').append(f);
}

function answer(d) {
  switch (d.request) {
    case 'agent.getState':
      return { referenceId: d.referenceId, data: { operationName: 'Ready', displayName: 'Ready' }, ...SERVER };
    case 'interaction.setUserData':
      return {
        referenceId: d.referenceId,
        data: { interactionId: d.parameters[0], userData: d.parameters[1] },
        ...SERVER,
      };
    case 'voice.dial':
      // The documented failure shape, including its stray "request" field.
      return { referenceId: d.referenceId, errorMessage: RATE_LIMIT_TEXT, request: 'agent.getState', ...SERVER };
    default:
      return { referenceId: d.referenceId, errorMessage: `Unknown request ${d.request}`, ...SERVER };
  }
}

function agentEvent(mediaState, extra = {}) {
  return { event: 'agent', data: { eventType: 'STATE_CHANGED', mediaState, ...extra }, ...SERVER };
}

function attachedDataChanged(interactionId, userData) {
  return {
    event: 'interaction',
    data: {
      eventType: 'ATTACHED_DATA_CHANGED',
      media: 'voice',
      interaction: { interactionId, caseId: '4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b', userData },
    },
    ...SERVER,
  };
}

window.addEventListener('message', (e) => {
  const from = window.describeSource(e.source);
  const d = e.data;
  if (!from.startsWith('child:')) return;
  const child = e.source;
  const replyOrigin = e.origin === 'null' ? '*' : e.origin;
  if (d && typeof d === 'object' && String(d.userAgent).includes('WWE Client')) {
    if (d.event === 'subscribe') {
      const subscriptionId = `sub-${from.slice(6)}`;
      subscribed.set(child, { id: from.slice(6), subscriptionId });
      child.postMessage({ referenceId: d.referenceId, subscriptionId, data: d.data, ...SERVER }, replyOrigin);
      // Current state right after subscribing, as Workspace does.
      child.postMessage(agentEvent('READY'), '*');
    } else if (d.event === 'unsubscribe') {
      subscribed.delete(child); // Workspace sends nothing back.
    } else if (typeof d.request === 'string') {
      child.postMessage(answer(d), replyOrigin);
      if (d.request === 'interaction.setUserData' && subscribed.has(child)) {
        child.postMessage(attachedDataChanged(d.parameters[0], d.parameters[1]), '*');
      }
    }
  } else if (d && d.type === 'widget-pong') {
    pongs.push(d.n);
  }
});

// Runs inside the about:blank frame (written into it with a script element).
function blankMain() {
  window.describeSource = (src) =>
    src === null ? 'none' : src === window ? 'self' : src === window.parent ? 'parent' : 'other';
  installRecorder('blank');
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'widget-ping') window.parent.postMessage({ type: 'widget-pong', n: e.data.n }, '*');
  });
}

function addBlank() {
  const f = document.createElement('iframe');
  f.id = 'blank';
  f.name = 'blank';
  frames.blank = f;
  document.getElementById('frames').append(f);
  const doc = f.contentDocument;
  doc.body.innerHTML = '<p>about:blank frame written by the top page</p><pre id="log"></pre>';
  const s = doc.createElement('script');
  s.textContent = `${installRecorder};\n(${blankMain})();`;
  doc.head.append(s);
  return f;
}

window.phase1 = new Promise((resolve) => {
  document.addEventListener('DOMContentLoaded', () => {
    const port = location.port;
    addClient('cross', `${ORIGIN_B}/client.html?name=cross`, 1, ORIGIN_B);
    addClient('same', `/client.html?name=same`, 2, location.origin);
    const blank = addBlank();
    blank.contentWindow.postMessage({ type: 'widget-ping', n: 1 }, '*');
    // The legacy text channel (a string starting with "wwe").
    blank.contentWindow.postMessage('wweLegacy|agent|READY', '*');
    // Some widget of the page talking to itself.
    window.postMessage({ type: 'widget-self-check', port }, location.origin);
    resolve();
  });
});

// More traffic, triggered by the tests after the panel is open (before the clients' runPhase2).
window.runPhase2 = () => {
  for (const [child, s] of subscribed) {
    child.postMessage(agentEvent('NOT_READY_ACTION_CODE', { reason: 'Break', reasonCode: '1511' }), '*');
    if (s.id === 'same') {
      // A message with a transferred MessagePort; the client acknowledges on the port.
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => window.testLog.portMessages.push(e.data);
      child.postMessage({ type: 'widget-channel', n: 1 }, '*', [channel.port2]);
    }
  }
  frames.blank.contentWindow.postMessage({ type: 'widget-ping', n: 2 }, '*');
};
