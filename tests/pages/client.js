// A client app embedded by the Workspace page: talks like wwe-service-client-api.js (it posts to
// window.parent with targetOrigin '*', referenceIds are a per-page string counter from "0").
'use strict';

const NAME = new URLSearchParams(location.search).get('name') ?? 'client';
const CLIENT = { userAgent: 'WWE Client', protocolVersion: 2 };

window.describeSource = (src) => {
  if (src === null) return 'none';
  if (src === window) return 'self';
  if (src === window.parent) return 'parent';
  if (window.opener && src === window.opener) return 'opener';
  return 'other';
};

installRecorder(NAME);

let nextRef = 0;
let frameId;
let subscriptionId;
const waiting = new Map(); // referenceId -> resolve

function send(msg) {
  const m = { ...msg, referenceId: String(nextRef++), ...CLIENT };
  if (frameId !== undefined) m.frameId = frameId;
  window.parent.postMessage(m, '*');
  return m.referenceId;
}

function call(msg) {
  const ref = send(msg);
  return new Promise((resolve) => waiting.set(ref, resolve));
}

let phase1Done;
window.phase1 = new Promise((resolve) => (phase1Done = resolve));

async function startPhase1() {
  const sub = await call({ event: 'subscribe', data: ['agent', 'interaction'] });
  subscriptionId = sub.subscriptionId;
  await call({ request: 'agent.getState' });
  phase1Done();
}

window.runPhase2 = async () => {
  await window.phase1;
  await call({ request: 'interaction.setUserData', parameters: ['1', { MyKEY1: 'MyValue1' }] });
  await call({ request: 'voice.dial', parameters: ['5001', null] });
  send({ event: 'unsubscribe', data: subscriptionId }); // no callback, no answer
};

window.addEventListener('message', (e) => {
  const d = e.data;
  if (e.ports.length) {
    e.ports[0].postMessage({ type: 'widget-channel-ack', n: d && d.n });
    return;
  }
  // Like the real client: accept anything whose userAgent contains "WWE".
  if (!d || typeof d !== 'object' || !String(d.userAgent).includes('WWE')) return;
  if (d.frameId !== undefined && d.event === undefined && d.referenceId === undefined) {
    frameId = d.frameId;
    startPhase1();
  } else if (d.referenceId !== undefined && d.event === undefined) {
    const resolve = waiting.get(d.referenceId);
    waiting.delete(d.referenceId);
    resolve?.(d);
  }
});

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('name').textContent = NAME;
  document.getElementById('origin').textContent = location.origin;
});
