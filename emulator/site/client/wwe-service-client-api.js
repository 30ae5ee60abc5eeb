// A Service Client API client, written for the emulator's sample app from the protocol reference
// (its sections 1-4; docs/emulator.md says what the emulator relies on), and compatible with the
// vendor's wwe-service-client-api.js as that reference describes it:
//
// - genesys.wwe.service.<namespace>.<method>(...parameters, done, fail) for every request of the
//   catalog; a missing optional parameter is sent as null; callbacks may come early
//   (voice.dial('5001', done, fail) sends ['5001', null]);
// - sendMessage({request, parameters}, done, fail) for any name; subscribe(topics, handler,
//   context); unsubscribe(handler or subscriptionId); targetWWEWindow(win); onMessage for the
//   legacy "wwe…" strings;
// - posts to targetWWEWindow, else window.opener, else window.parent, with targetOrigin '*';
// - referenceIds are strings counting from "0"; the frameId the service assigns is added to every
//   later message;
// - with a done callback, fail('Request timeout') after 10 s and a late answer is ignored; without
//   one, the answer is ignored;
// - accepts any message whose userAgent contains "WWE" (origin and source are not checked).
(function () {
  'use strict';
  const genesys = (window.genesys = window.genesys || {});
  genesys.wwe = genesys.wwe || {};
  if (genesys.wwe.service) return;

  const TIMEOUT_MS = 10000;
  const PROTOCOL_VERSION = 2;

  // Every request and its positional parameters (protocol section 8).
  const CATALOG = {
    agent: { get: [], getState: [], getStateList: [], setState: ['operationName'] },
    interaction: {
      getInteractions: [],
      getByInteractionId: ['interactionId'],
      getByBundleId: ['id'],
      getByCaseId: ['id'],
      setUserData: ['interactionId', 'userData'],
      deleteUserData: ['interactionId', 'key'],
      selectCaseByCaseId: ['caseId'],
      markdone: ['interactionId'],
      accept: ['interactionId'],
      reject: ['interactionId'],
      unblockMarkdone: ['interactionId'],
      blockMarkdone: ['interactionId', 'warningMessage'],
      singleStepTransfer: ['interactionId', 'targetQuery', 'userData', 'extensions'],
      singleStepConference: ['interactionId', 'targetQuery', 'userData', 'extensions'],
      consult: ['interactionId', 'targetQuery', 'userData', 'extensions'],
      completeTransfer: ['consultInteractionId'],
      completeConference: ['consultInteractionId'],
    },
    voice: {
      dial: ['destination', 'userData'],
      dialEx: ['destination', 'userData', 'extensions'],
      answer: ['interactionId'],
      hold: ['interactionId'],
      resume: ['interactionId'],
      hangUp: ['interactionId'],
      startCallRecording: ['interactionId'],
      stopCallRecording: ['interactionId'],
      pauseCallRecording: ['interactionId'],
      resumeCallRecording: ['interactionId'],
    },
    sipEndpoint: {
      muteMicrophone: [],
      unmuteMicrophone: [],
      muteSpeaker: [],
      unmuteSpeaker: [],
      isMicrophoneMute: [],
      isSpeakerMute: [],
    },
    email: { create: ['destination', 'userData'] },
    media: { getMediaList: [], getMediaByName: ['name'], setState: ['mediaName', 'operationName'] },
    outbound: {
      getCampaigns: [],
      getListOfCallResults: [],
      startDirectPushPreview: [],
      stopDirectPushPreview: [],
      getPreviewRecord: ['campaignName'],
      getChainedRecords: ['interactionId'],
      getRecordFields: ['interactionId'],
      rejectPreviewRecord: ['interactionId'],
      cancelPreviewRecord: ['interactionId'],
      cancelReschedule: ['interactionId'],
      getCallResult: ['interactionId'],
      setDoNotCall: ['interactionId'],
      removeDoNotCall: ['interactionId'],
      updateRecordFields: ['interactionId', 'recordFields'],
      callPreviewRecord: ['interactionId', 'recordHandle'],
      rescheduleRecord: ['interactionId', 'recordHandle', 'dateTime', 'callbackType'],
      setCallResult: ['interactionId', 'callResult'],
    },
    system: {
      getAllowedServices: [],
      triggerActivity: [],
      amIVisible: [],
      isFrameLeading: [],
      isFrameFollowing: [],
      isFrameNegotiating: [],
      isFrameLeadingOrNegotiating: [],
      isLastActiveFrame: [],
      popupToast: ['toast'],
      updateToast: ['toastId', 'toast'],
      closeToast: ['toastId'],
      openDialog: ['url', 'options'],
      closeDialog: ['dialogId'],
      updateViewInApplicationMenuBar: ['view'],
      closeViewInApplicationMenuBar: ['name'],
    },
    messenger: { broadcastMessage: ['channel', 'message'] },
    configuration: { getOption: ['options'], getContextualOption: ['options', 'interactionId'] },
    auth: { getJwtToken: [], getPureCloudToken: ['forceNewToken'] },
  };

  const service = {};
  const pending = []; // { referenceId, done, fail, timer }
  const subscriptions = []; // { topics, handler, context, subscriptionId }
  const handlerByTopic = new Map(); // topic -> subscription (the last subscribe wins)
  let nextReferenceId = 0;
  let frameId;
  let wweWindow = null;

  function post(message) {
    message.userAgent = 'WWE Client';
    message.protocolVersion = PROTOCOL_VERSION;
    if (frameId !== undefined) message.frameId = frameId;
    // Replace '*' with the Workspace origin in production code.
    const target = wweWindow || window.opener || window.parent;
    target.postMessage(message, '*');
  }

  /** Sends any message; returns its referenceId. */
  service.sendMessage = function (message, done, fail) {
    if (message.referenceId === undefined) message.referenceId = String(nextReferenceId++);
    if (typeof done === 'function') {
      const entry = { referenceId: message.referenceId, done, fail, timer: 0 };
      entry.timer = setTimeout(() => {
        forget(entry);
        if (typeof fail === 'function') fail('Request timeout');
      }, TIMEOUT_MS);
      pending.push(entry);
    }
    post(message);
    return message.referenceId;
  };

  function forget(entry) {
    const at = pending.indexOf(entry);
    if (at >= 0) pending.splice(at, 1);
    clearTimeout(entry.timer);
  }

  /** Subscribes `handler` to one topic or a list of them (call it once, with every topic). */
  service.subscribe = function (topics, handler, context) {
    service.sendMessage(
      { event: 'subscribe', data: topics },
      (answer) => {
        const subscription = { topics: [].concat(topics), handler, context, subscriptionId: answer.subscriptionId };
        subscriptions.push(subscription);
        for (const topic of subscription.topics) handlerByTopic.set(topic, subscription);
      },
      () => console.error(`ServiceClientAPI: cannot subscribe to ${topics}`),
    );
    return service;
  };

  /** Ends the subscription of `handler` (or the one with this subscriptionId); no answer is awaited. */
  service.unsubscribe = function (handlerOrId) {
    const at = subscriptions.findIndex((s) => s.handler === handlerOrId || s.subscriptionId === handlerOrId);
    if (at < 0) return service;
    const [subscription] = subscriptions.splice(at, 1);
    for (const [topic, current] of handlerByTopic) if (current === subscription) handlerByTopic.delete(topic);
    service.sendMessage({ event: 'unsubscribe', data: subscription.subscriptionId });
    return service;
  };

  /** The reverse layout: Workspace sits in a frame of this page. */
  service.targetWWEWindow = function (win) {
    wweWindow = win;
  };

  /** Cleanup: forget pending requests and stop listening. */
  service.unload = function () {
    for (const entry of pending.slice()) forget(entry);
    window.removeEventListener('message', receive, false);
  };

  for (const [namespace, methods] of Object.entries(CATALOG)) {
    service[namespace] = {};
    for (const [method, parameters] of Object.entries(methods)) {
      service[namespace][method] = function (...args) {
        const firstCallback = args.findIndex((arg) => typeof arg === 'function');
        const given = firstCallback < 0 ? args.slice(0, parameters.length) : args.slice(0, Math.min(firstCallback, parameters.length));
        const callbacks = firstCallback < 0 ? [] : args.slice(firstCallback);
        const message = { request: `${namespace}.${method}` };
        if (parameters.length > 0) {
          while (given.length < parameters.length) given.push(null);
          message.parameters = given.map((value) => (value === undefined ? null : value));
        }
        return service.sendMessage(message, callbacks[0], callbacks[1]);
      };
    }
  }

  function receive(event) {
    const data = event.data;
    if (data && typeof data === 'object' && typeof data.userAgent === 'string' && data.userAgent.indexOf('WWE') !== -1) {
      if (data.event) {
        const subscription = handlerByTopic.get(data.event);
        if (subscription) {
          try {
            subscription.handler.call(subscription.context || window, data);
          } catch (error) {
            console.error(`ServiceClientAPI: the handler of "${data.event}" threw: ${error}`);
          }
        }
      } else if (data.referenceId !== undefined) {
        const entry = pending.find((p) => p.referenceId === data.referenceId);
        if (!entry) return; // late, or sent without a callback
        forget(entry);
        delete data.referenceId;
        const callback = data.errorMessage !== undefined ? entry.fail : entry.done;
        try {
          if (typeof callback === 'function') callback(data);
        } catch (error) {
          console.error(`ServiceClientAPI: a callback threw: ${error}`);
        }
      } else if (data.frameId !== undefined) {
        frameId = data.frameId;
      }
    } else if (typeof data === 'string' && data.indexOf('wwe') === 0 && typeof service.onMessage === 'function') {
      service.onMessage(data);
    }
  }
  window.addEventListener('message', receive, false);

  /** Not part of the vendor's API: what the sample app shows about itself. */
  service.frameId = () => frameId;

  genesys.wwe.service = service;
})();
