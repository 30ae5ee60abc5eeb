// The Workspace emulator in end-to-end tests and the demo: start the scapi-emulator binary (built
// by `cargo xtask emulator-build`), open its Workspace page, reach the apps inside it, and read
// what the panel says.
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRows, formatRows } from './browser.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EMULATOR_BIN = path.resolve(process.env.SCAPI_EMULATOR_BIN ?? path.join(ROOT, 'target/debug/scapi-emulator'));
export const DEMO_OPTIONS = path.join(ROOT, 'emulator/demo-options.ini');
/** The port the demo options accept apps on (`http://localhost:8917`). */
export const DEMO_PORT = 8917;

/**
 * Starts the emulator and waits until it listens. Returns { url, origins, output, stop() }:
 * `url` is the Workspace page, `output` every line the command printed.
 */
export async function startEmulator({ options = DEMO_OPTIONS, client = null, port = DEMO_PORT } = {}) {
  try {
    await access(EMULATOR_BIN);
  } catch {
    throw new Error(`no emulator at ${EMULATOR_BIN} (run \`cargo xtask emulator-build\` or set SCAPI_EMULATOR_BIN)`);
  }
  const args = ['--options', options, '--port', String(port)];
  if (client) args.push('--client', client);
  const child = spawn(EMULATOR_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  let exited = null;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start in 15 s:\n${output.join('\n')}`)), 15000);
    let pending = '';
    const onData = (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        output.push(line);
        const ready = /^ready: (\S+)/.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => {
      exited = code;
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    output,
    origins: { workspace: new URL(url).origin, apps: `http://localhost:${new URL(url).port}` },
    stop: () =>
      new Promise((resolve) => {
        if (exited !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Opens the Workspace page in a new tab and waits until its apps have loaded. */
export async function openWorkspace(context, emulator) {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`[workspace pageerror] ${err.message}`));
  await page.goto(emulator.url);
  await page.evaluate(() => window.workspaceReady);
  await inApp(page, 'app', () => window.app.ready);
  return page;
}

/** The frame of the app named `name` (the iframe's name: app, hidden, extra-3, wweCustomDialog1…). */
export function appFrame(page, name) {
  const frame = page.frame({ name });
  if (!frame) throw new Error(`no frame named ${name} among ${page.frames().map((f) => f.name()).join(', ')}`);
  return frame;
}

/** Waits until the app `name` exists and has run, then returns its first request's outcome. */
export async function appReady(page, name, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  while (!page.frame({ name })) {
    if (Date.now() > deadline) throw new Error(`no frame named ${name} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const frame = page.frame({ name });
  await frame.waitForFunction(() => window.app?.ready, null, { timeout, polling: 100 });
  return frame.evaluate(() => window.app.ready);
}

/** Evaluates `fn(arg)` inside the app `name`. */
export function inApp(page, name, fn, arg) {
  return appFrame(page, name).evaluate(fn, arg);
}

/** Runs the app's scenario `scenario` and returns what the app saw. */
export function appScenario(page, scenario, name = 'app') {
  return inApp(page, name, (s) => window.scenario[s](), scenario);
}

/** Runs the Workspace page's own scenario `scenario`. */
export function hostScenario(page, scenario) {
  return page.evaluate((s) => window.scenario[s](), scenario);
}

/** The findings list, opened if needed: [{ code, severity, text }]. */
export async function readFindings(panel) {
  const toggle = panel.locator('[data-testid="findings-toggle"]');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  // The title, the problem and the advice, apart (the button is left out).
  return panel.$$eval('[data-testid="finding"]', (items) =>
    items.map((item) => ({
      code: item.dataset.code,
      severity: item.dataset.severity,
      text: [...item.children]
        .filter((child) => child.tagName !== 'BUTTON')
        .map((child) => child.textContent.replace(/\s+/g, ' ').trim())
        .join(' — '),
    })),
  );
}

/**
 * Waits until `check(rows)` returns true for the panel's rows (polling), and returns the rows;
 * on a timeout, throws with what the panel showed.
 */
export async function waitForPanel(panel, check, { timeout = 15000, what = 'the expected rows' } = {}) {
  const deadline = Date.now() + timeout;
  let rows = [];
  for (;;) {
    rows = await readRows(panel);
    if (check(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`the panel never showed ${what}:\n${formatRows(rows)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ASKED = new Set(['request', 'subscribe', 'unsubscribe']);

/** The requests (or subscribes) named `name` among `rows`, as the panel shows each one's fate. */
export function fates(rows, name) {
  return rows.filter((r) => ASKED.has(r.kind) && r.name === name).map((r) => r['exchange-state']);
}

/** How many of `list` equal `value`. */
export const count = (list, value) => list.filter((x) => x === value).length;
