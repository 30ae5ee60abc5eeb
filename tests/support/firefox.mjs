// Firefox helpers for the end-to-end tests: launch Debian's firefox-esr with puppeteer-core over
// WebDriver BiDi, install dist/firefox as a temporary add-on, and reach what BiDi cannot.
//
// BiDi drives web pages (puppeteer's Page and Frame work there as in Chromium) but does not reach
// extension pages (Firefox bug 1755014: page.goto('moz-extension://…') hangs). So the panel is
// opened and read from the browser window's chrome scope (BiDi `moz:scope: "chrome"`, allowed by
// --remote-allow-system-access): gBrowser.addTab opens it, a message-manager frame script runs a
// function in it and sends back the JSON of the result. `FirefoxPanel` wraps that in the few
// Playwright Page methods the shared helpers of browser.mjs use (evaluate, waitForFunction,
// waitForSelector), so readRows, waitForRows and waitForHeld read the Firefox panel unchanged.
import puppeteer from 'puppeteer-core';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DIST_FIREFOX, requireDist, scenarioFrames, waitForCounts, SCENARIO_COUNTS } from './browser.mjs';

export const FIREFOX = process.env.SCAPI_FIREFOX ?? '/usr/bin/firefox-esr';
/** The moz-extension:// host, fixed by the pref extensions.webextensions.uuids. */
export const EXTENSION_UUID = '5ca91e57-0f1e-4c0e-8b1a-5ca915ca9e57';
/** Plain-http hostnames that are not localhost (network.dns.localDomains sends them to loopback). */
export const WORKSPACE_HOST = 'wwe.test';
export const APPS_HOST = 'apps.test';
/** How long the event page may idle before Firefox suspends it, in the tests (default 30 s). */
export const IDLE_TIMEOUT_MS = 2000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Launch firefox-esr with the extension installed. Returns a handle: { browser, extensionId,
 * chrome(fn, ...args), tabIdFor(page), openPanel(tabId), backgroundState(), downloads,
 * consoleProblems(), close() }.
 */
export async function launchFirefox({ extension = DIST_FIREFOX } = {}) {
  await requireDist(extension);
  const manifest = JSON.parse(await readFile(path.join(extension, 'manifest.json'), 'utf8'));
  const geckoId = manifest.browser_specific_settings.gecko.id;
  const downloads = await mkdtemp(path.join(tmpdir(), 'scapi-ff-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: EXTENSION_UUID }),
      'extensions.background.idle.timeout': IDLE_TIMEOUT_MS,
      'network.dns.localDomains': `${WORKSPACE_HOST},${APPS_HOST}`,
      // Console API calls of pages (extension pages included) on stdout: the console service in
      // the parent process holds script errors and warnings, not console.error()/warn() calls.
      'devtools.console.stdout.content': true,
      'devtools.console.stdout.chrome': true,
      // Export HAR downloads straight into a folder of the test's.
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
      'browser.download.alwaysOpenPanel': false,
      'browser.download.panel.shown': true,
      // The toolbox opens docked in the tab, without its first-run notices.
      'devtools.toolbox.host': 'bottom',
      'devtools.everOpened': true,
    },
  });
  const stdout = [];
  const take = (chunk) => stdout.push(...String(chunk).split('\n').filter(Boolean));
  browser.process()?.stdout?.on('data', take);
  browser.process()?.stderr?.on('data', take);

  let chromeContext = null;
  /** Runs `fn(...args)` in the browser window's chrome scope; returns its (JSON) result. */
  const chrome = async (fn, ...args) => {
    if (!chromeContext) {
      const { result } = await browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
      chromeContext = result.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml')?.context;
      if (!chromeContext) throw new Error(`no browser window in ${JSON.stringify(result.contexts)}`);
    }
    const expression = `(async () => JSON.stringify((await (${fn})(...${JSON.stringify(args)})) ?? null))()`;
    const { result } = await browser.connection.send('script.evaluate', {
      expression,
      target: { context: chromeContext },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (result.type === 'exception') {
      throw new Error(`chrome scope: ${result.exceptionDetails.text}\n  in ${String(fn).slice(0, 200)}`);
    }
    return JSON.parse(result.result.value);
  };

  const handle = {
    browser,
    downloads,
    stdout,
    chrome,
    extensionId: null,
    uuid: EXTENSION_UUID,
    panelUrl: (tabId) => `moz-extension://${EXTENSION_UUID}/panel.html?tabId=${tabId}`,
    async close() {
      await browser.close().catch(() => {});
      await rm(downloads, { recursive: true, force: true }).catch(() => {});
    },
  };
  /** The event page's state: "running", "suspending" or "stopped" (Firefox's own words). */
  handle.backgroundState = () => chrome((id) => window.scapiTest.extension(id)?.backgroundState ?? 'absent', handle.extensionId);

  try {
    await chrome(setUpChromeScope, EXTENSION_UUID);
    // Puppeteer puts every site in one content process; the product must work with Fission's
    // process per site (Firefox's default), cross-origin iframes out of process.
    await chrome(() => Services.prefs.setIntPref('fission.webContentIsolationStrategy', 1));
    handle.extensionId = await browser.installExtension(extension);
    await waitUntil(() => handle.backgroundState().then((s) => s === 'running'), 10000, 'the background never ran');
  } catch (err) {
    await handle.close();
    throw err;
  }

  /** The WebExtension tab id of a puppeteer page (its tab is found by the page's URL). */
  handle.tabIdFor = async (page) => {
    const url = page.url();
    const id = await chrome((url) => {
      const tab = [...gBrowser.tabs].find((t) => t.linkedBrowser.currentURI.spec === url);
      return tab ? window.scapiTest.tabTracker().getId(tab) : null;
    }, url);
    if (id === null) throw new Error(`no tab shows ${url}`);
    return id;
  };

  /** Opens panel.html?tabId=N in a tab of its own and waits until its port is connected. */
  handle.openPanel = async (tabId, { timeout = 15000 } = {}) => {
    const url = handle.panelUrl(tabId);
    const key = await chrome((url) => {
      const tab = gBrowser.addTab(url, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
      return window.scapiTest.keep(tab.linkedBrowser, () => gBrowser.removeTab(tab));
    }, url);
    const panel = new FirefoxPanel(handle, key, url);
    await panel.loaded(timeout);
    await panel.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout });
    return panel;
  };

  /**
   * Opens the real DevTools toolbox on `page`'s tab and selects the extension's panel in it.
   * Returns the panel (as a FirefoxPanel) and the toolbox's panel ids.
   */
  handle.openToolbox = async (page, { timeout = 20000 } = {}) => {
    const url = page.url();
    const tools = await chrome(async (url, uuid, timeout) => {
      const tab = [...gBrowser.tabs].find((t) => t.linkedBrowser.currentURI.spec === url);
      const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      const toolbox = await gDevTools.showToolboxForTab(tab);
      const ids = () => [...(toolbox.additionalToolDefinitions?.keys?.() ?? [])];
      const deadline = Date.now() + timeout;
      while (!ids().some((id) => id.startsWith('webext-devtools-panel-')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const id = ids().find((id) => id.startsWith('webext-devtools-panel-'));
      if (!id) return { ids: ids(), key: null };
      window.scapiTestToolbox = { toolbox, panelId: id };
      await toolbox.selectTool(id);
      // The tool's frame holds a <browser> showing the extension page.
      let found = null;
      while (!found && Date.now() < deadline) {
        for (const frame of toolbox.doc.querySelectorAll('iframe')) {
          const browsers = frame.contentDocument?.querySelectorAll('browser') ?? [];
          found = [...browsers].find((b) => b.currentURI?.spec?.startsWith(`moz-extension://${uuid}/panel.html`));
          if (found) break;
        }
        if (!found) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const title = toolbox.doc.getElementById(`toolbox-tab-${id}`)?.textContent ?? null;
      const close = () => gDevTools.closeToolboxForTab(tab);
      return { ids: ids(), selected: toolbox.currentToolId, title, key: found ? window.scapiTest.keep(found, close) : null };
    }, url, EXTENSION_UUID, timeout);
    if (!tools.key) throw new Error(`the toolbox lists no SCAPI panel: ${JSON.stringify(tools)}`);
    const panel = new FirefoxPanel(handle, tools.key, null);
    await panel.loaded(timeout);
    await panel.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout });
    return { panel, tools };
  };

  /**
   * Selects a tool of the toolbox `openToolbox` opened: a DevTools tool id ('webconsole', …), or
   * 'scapi' for the extension's panel. Returns the selected tool's id.
   */
  handle.selectTool = (tool) =>
    chrome(async (tool) => {
      const { toolbox, panelId } = window.scapiTestToolbox;
      await toolbox.selectTool(tool === 'scapi' ? panelId : tool);
      return toolbox.currentToolId;
    }, tool);

  /** The .har file Export HAR downloaded (waits for it); removes it from the folder. */
  handle.nextDownload = async ({ timeout = 10000 } = {}) => {
    let name = null;
    await waitUntil(async () => {
      // Only a finished .har: while it downloads, Firefox writes NAME.har.part beside an empty
      // NAME.har, and scratch files of its own.
      const files = await readdir(downloads);
      name = files.find((f) => f.endsWith('.har')) ?? null;
      if (!name || files.some((f) => f.endsWith('.part'))) return false;
      return (await readFile(path.join(downloads, name), 'utf8')).length > 0;
    }, timeout, 'nothing was downloaded');
    const file = path.join(downloads, name);
    const text = await readFile(file, 'utf8');
    await rm(file);
    return { name, text };
  };

  /**
   * Errors and warnings the extension's files or its page hook left in the browser console: script
   * errors and warnings from the console service (every process reports there; a listener keeps
   * them all, with the URL of the document they came from), and the console API calls Firefox
   * printed on stdout. `mark` and `until` are consoleMark()s.
   */
  handle.consoleMark = () => chrome(() => window.scapiTest.console.length).then((n) => ({ n, out: stdout.length }));
  handle.consoleProblems = async (mark = { n: 0, out: 0 }, { until = null, pattern = null } = {}) => {
    // The page hook runs in the page's world, where Firefox names its code "<anonymous code>".
    const mine = pattern ?? new RegExp(`moz-extension://${EXTENSION_UUID}|<anonymous code>|scapi`, 'i');
    const service = await chrome((from, to) => window.scapiTest.console.slice(from, to ?? undefined), mark.n, until?.n ?? null);
    const fromService = service
      .filter((m) => mine.test(m.source) || mine.test(m.text))
      .filter((m) => !cancelledOnLeaving(m))
      .map((m) => `[console service ${m.level}, ${new Date(m.time).toISOString()}, in ${m.document}] ${m.source}: ${m.text} (${m.category})`);
    const fromStdout = stdout
      .slice(mark.out, until?.out ?? undefined)
      .filter((line) => /^console\.(error|warn)\b/.test(line) && mine.test(line))
      .map((line) => `[stdout] ${line}`);
    return [...fromService, ...fromStdout];
  };

  return handle;
}

/**
 * Firefox stops the script of a document that a navigation to another site takes out of its
 * process (dom.ipc.cancel_content_js_when_navigating) and reports it as "Script terminated by
 * timeout" at whatever runs then: a pagehide listener (the hook's included — a page's own listener
 * gets the same), or a content script just starting in a document that is already being replaced
 * (capture.js's first lines, or the page hook arming its listeners: `arm` called from its top). It is no slow script (puppeteer's profile turns those timeouts off: a
 * slow script hangs the test instead), and what the frame captured still reaches the panel (a test
 * checks it). Only a stack whose one or two frames are in the hook's leaving path or at the top of
 * the content script, or the hook's `arm` under its top-level code (three frames), counts as such
 * a cancel.
 */
function cancelledOnLeaving(message) {
  if (message.level !== 'warning' || !/^Script terminated by timeout at:/.test(message.text)) return false;
  const frames = message.text.split('\n').filter((line) => line.startsWith('@') || /@/.test(line.split(':')[0] ?? ''));
  return /onLeave@/.test(message.text) || (/capture\.js:\d+:\d+/.test(message.text) && frames.length <= 2)
    || (/^arm@/m.test(message.text) && frames.length <= 3);
}

/** Installs `window.scapiTest` in the browser window: kept browsers by key, and Firefox internals. */
function setUpChromeScope() {
  const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
  const kept = new Map();
  let next = 1;
  // Every script error and warning, with the document it came from (looked up while it exists).
  const logged = [];
  Services.console.registerListener({
    observe(message) {
      if (!(message instanceof Ci.nsIScriptError)) return;
      const warning = message.flags & (Ci.nsIScriptError.warningFlag | Ci.nsIScriptError.infoFlag);
      const at = message.lineNumber ? `:${message.lineNumber}:${message.columnNumber}` : '';
      let document = '?';
      try {
        document = WindowGlobalParent.getByInnerWindowId(message.innerWindowID)?.documentURI?.spec ?? '?';
      } catch (_) { /* gone */ }
      logged.push({
        level: warning ? 'warning' : 'error',
        source: `${message.sourceName}${at}`,
        category: message.category,
        text: message.errorMessage,
        time: message.timeStamp,
        document,
      });
    },
  });
  window.scapiTest = {
    console: logged,
    kept,
    keep(browser, close) {
      kept.set(next, { browser, close });
      return next++;
    },
    extension: (id) => ExtensionParent.GlobalManager.getExtension(id),
    tabTracker: () => ExtensionParent.apiManager.global.tabTracker,
  };
}

/**
 * Runs in the panel's content process as a frame script: evaluates `source` (a function's text)
 * on `arg` in the page's own scope — a sandbox with the page's principal and its window as
 * prototype, so the page's CSP (no eval) does not apply — and sends back the JSON of the result.
 */
function frameScript(id, source, arg) {
  (async () => {
    try {
      const sandbox = Components.utils.Sandbox(content, { sandboxPrototype: content, wantXrays: false, sameZoneAs: content });
      const text = await Components.utils.evalInSandbox(
        `Promise.resolve((${source})(${JSON.stringify(arg)})).then((value) => JSON.stringify(value === undefined ? null : value))`,
        sandbox,
      );
      sendAsyncMessage('scapi-test:result', { id, ok: true, text });
    } catch (error) {
      sendAsyncMessage('scapi-test:result', { id, ok: false, error: String(error) });
    }
  })();
}

/** Chrome scope: runs a frame script in a kept browser and awaits its answer. */
function evaluateInBrowser(key, script, id) {
  const { browser } = window.scapiTest.kept.get(key);
  const mm = browser.messageManager;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done({ ok: false, error: 'no answer from the frame script within 10 s' }), 10000);
    const listener = ({ data }) => {
      if (data.id === id) done(data);
    };
    const done = (data) => {
      clearTimeout(timer);
      mm.removeMessageListener('scapi-test:result', listener);
      if (data.ok) resolve(data.text);
      else reject(new Error(data.error));
    };
    mm.addMessageListener('scapi-test:result', listener);
    mm.loadFrameScript(`data:,${encodeURIComponent(script)}`, false);
  });
}

let evaluations = 0;

/** A panel page in Firefox, with the subset of Playwright's Page API the shared helpers use. */
export class FirefoxPanel {
  constructor(handle, key, url) {
    this.handle = handle;
    this.key = key;
    this.url = url;
  }

  /** Waits until the kept browser shows the panel page, loaded, in the extension's process. */
  async loaded(timeout = 15000) {
    await waitUntil(
      () =>
        this.handle.chrome((key, uuid) => {
          const { browser } = window.scapiTest.kept.get(key);
          return browser.currentURI?.spec?.startsWith(`moz-extension://${uuid}/`) && !browser.webProgress?.isLoadingDocument;
        }, this.key, EXTENSION_UUID),
      timeout,
      `the panel page did not load (${this.url ?? 'toolbox'})`,
    );
    await waitUntil(() => this.evaluate(() => document.readyState === 'complete').catch(() => false), timeout, 'the panel document never completed');
  }

  /** Runs `fn(arg)` in the panel page; `fn` must be self-contained; returns its JSON result. */
  async evaluate(fn, arg) {
    const id = `e${++evaluations}`;
    const script = `(${frameScript})(${JSON.stringify(id)}, ${JSON.stringify(String(fn))}, ${JSON.stringify(arg ?? null)})`;
    const text = await this.handle.chrome(evaluateInBrowser, this.key, script, id);
    return JSON.parse(text);
  }

  /** Playwright's signature: (fn, arg, { timeout, polling }). */
  async waitForFunction(fn, arg, { timeout = 10000, polling = 100 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${String(fn).slice(0, 160)} (${JSON.stringify(arg ?? null)})`);
      }
      await sleep(typeof polling === 'number' ? polling : 100);
    }
  }

  waitForSelector(selector, { timeout = 10000 } = {}) {
    return this.waitForFunction((selector) => document.querySelector(selector) !== null, selector, { timeout });
  }

  click(selector) {
    return this.evaluate((selector) => {
      const element = document.querySelector(selector);
      if (!element) throw new Error(`no ${selector}`);
      element.click();
      return true;
    }, selector);
  }

  /** Checks a checkbox as a user would (a click), unless it is checked; waits until it is. */
  async check(selector) {
    await this.evaluate((selector) => {
      const box = document.querySelector(selector);
      if (!box) throw new Error(`no ${selector}`);
      if (!box.checked) box.click();
      return true;
    }, selector);
    await this.waitForFunction((selector) => document.querySelector(selector).checked, selector, { timeout: 5000 });
  }

  textContent(selector) {
    return this.evaluate((selector) => document.querySelector(selector)?.textContent ?? null, selector);
  }

  /** Chooses a file in an <input type="file"> as a user would (the input's change event). */
  setInputFile(selector, name, text) {
    return this.evaluate(
      ({ selector, name, text }) => {
        const input = document.querySelector(selector);
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'application/json' }));
        input.files = transfer.files;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
        return input.files.length;
      },
      { selector, name, text },
    );
  }

  close() {
    return this.handle.chrome((key) => {
      const kept = window.scapiTest.kept.get(key);
      window.scapiTest.kept.delete(key);
      kept?.close();
    }, this.key);
  }
}

/** Polls `check` (async, truthy when done) every 50 ms; throws `message` after `timeout` ms. */
export async function waitUntil(check, timeout, message) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${message} (within ${timeout} ms)`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// The Workspace scenario on plain-http hostnames: http://wwe.test:PORT/workspace.html embeds its
// cross-origin client from http://apps.test:PORT (both loopback, through network.dns.localDomains).

/** The workspace page's URL on wwe.test, its cross-origin client on apps.test. */
export const workspaceUrl = (server) => `http://${WORKSPACE_HOST}:${server.port}/workspace.html?apps=${APPS_HOST}`;

/** Loads the workspace page in a new tab and lets its on-load traffic finish. */
export async function loadWorkspaceFirefox(handle, server) {
  const page = await handle.browser.newPage();
  await page.goto(workspaceUrl(server));
  await waitForCounts(page, SCENARIO_COUNTS.phase1);
  return page;
}

/** The second wave of traffic (browser.mjs's runPhase2, with puppeteer's waitForFunction). */
export async function runPhase2Firefox(page) {
  const frames = await scenarioFrames(page);
  await frames.top.evaluate(() => window.runPhase2());
  await Promise.all([frames.cross.evaluate(() => window.runPhase2()), frames.same.evaluate(() => window.runPhase2())]);
  await waitForCounts(page, SCENARIO_COUNTS.phase2);
  await frames.top.waitForFunction(() => window.testLog.portMessages.length === 1, { timeout: 5000 });
}

/** The process ids of the page's top document and of each of its frames, by frame URL. */
export function framePids(handle, page) {
  return handle.chrome((url) => {
    const tab = [...gBrowser.tabs].find((t) => t.linkedBrowser.currentURI.spec === url);
    const out = {};
    const walk = (context) => {
      const global = context.currentWindowGlobal;
      if (global) out[global.documentURI?.spec ?? `#${context.id}`] = global.osPid;
      for (const child of context.children) walk(child);
    };
    walk(tab.linkedBrowser.browsingContext);
    return out;
  }, page.url());
}
