// Shared by every test frame. installRecorder() records each window message this frame receives,
// exactly as the page sees it, so that tests can compute the expected capture and compare what the
// page observes with and without the extension. It is also serialised with toString() and written
// into the about:blank frame, so it must stay self-contained.
function installRecorder(name) {
  const messages = [];
  const portMessages = [];
  const byEvent = new WeakMap();
  const describe = (src) => {
    if (typeof window.describeSource === 'function') return window.describeSource(src);
    if (src === null) return 'none';
    if (src === window) return 'self';
    if (src === window.parent) return 'parent';
    return 'other';
  };
  // The page's own capture-phase listener: it must still see every message when the extension's
  // hook (also capture phase, registered earlier) is present.
  window.addEventListener(
    'message',
    (e) => {
      const entry = {
        n: messages.length,
        receiver: name,
        receiverUrl: location.href,
        receiverOrigin: window.origin, // not location.origin: "null" in about:blank
        data: e.data,
        origin: e.origin,
        source: describe(e.source),
        ports: e.ports.length,
        lastEventId: e.lastEventId,
        isTrusted: e.isTrusted,
        bubbles: e.bubbles,
        cancelable: e.cancelable,
        seenBy: ['capture'],
      };
      byEvent.set(e, entry);
      messages.push(entry);
      const out = document.getElementById('log');
      if (out) out.textContent += `${entry.source} ${entry.origin} ${JSON.stringify(e.data)}\n`;
    },
    true,
  );
  window.addEventListener('message', (e) => {
    const entry = byEvent.get(e);
    if (!entry) {
      messages.push({ n: messages.length, receiver: name, data: e.data, seenBy: ['bubble-only'] });
      return;
    }
    entry.seenBy.push('bubble');
    entry.defaultPrevented = e.defaultPrevented;
    entry.cancelBubble = e.cancelBubble;
  });
  window.onmessage = (e) => {
    const entry = byEvent.get(e);
    if (entry) entry.seenBy.push('onmessage');
  };
  window.testLog = {
    name,
    messages,
    portMessages,
    // JSON-safe copy for page.evaluate().
    snapshot: () => JSON.parse(JSON.stringify({ name, messages, portMessages })),
    // What a page can tell about its own window; the extension must not change any of it.
    environment: () => ({
      name,
      globals: Object.getOwnPropertyNames(window).sort(),
      rootAttributes: document.documentElement.getAttributeNames().sort(),
      postMessage: Function.prototype.toString.call(window.postMessage),
      postMessageOwn: Object.prototype.hasOwnProperty.call(window, 'postMessage'),
      addEventListener: Function.prototype.toString.call(window.addEventListener),
      dispatchEvent: Function.prototype.toString.call(window.dispatchEvent),
      messageEventData: String(Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')?.get),
    }),
  };
  return window.testLog;
}
