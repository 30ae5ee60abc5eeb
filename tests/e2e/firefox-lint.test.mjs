// The Firefox build passes addons-linter (through web-ext, which runs offline) with no errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DIST_FIREFOX, requireDist } from '../support/browser.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_EXT = path.join(ROOT, 'node_modules/.bin/web-ext');

function lint(dir) {
  return new Promise((resolve, reject) => {
    execFile(
      WEB_EXT,
      ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery', '--no-input'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 120000 },
      // web-ext exits 1 when there are errors; the JSON report is on stdout either way.
      (err, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`web-ext lint gave no JSON report (${err?.message ?? 'exit 0'}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const fmt = (m) => `  [${m.code}] ${m.file ?? ''}${m.line ? `:${m.line}` : ''} ${m.message}`;

test('web-ext lint reports no errors for dist/firefox', async () => {
  await requireDist(DIST_FIREFOX);
  const report = await lint(DIST_FIREFOX);
  const { errors = [], warnings = [], notices = [] } = report;
  if (warnings.length) console.log(`web-ext lint warnings (${warnings.length}):\n${warnings.map(fmt).join('\n')}`);
  if (notices.length) console.log(`web-ext lint notices (${notices.length}):\n${notices.map(fmt).join('\n')}`);
  assert.equal(report.metadata?.manifestVersion, 3, 'the linter read a Manifest V3 extension');
  assert.equal(errors.length, 0, `web-ext lint errors (${errors.length}):\n${errors.map(fmt).join('\n')}`);
});
