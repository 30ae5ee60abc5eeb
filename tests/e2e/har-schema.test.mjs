// The HAR that `scapi-inspect convert --to har` writes (the same writer as the panel's Export HAR)
// passes the public HAR 1.2 JSON Schema (npm har-schema, validated with ajv) and the rules Chrome
// DevTools' HAR importer applies when it reads a file: dates that `new Date()` parses, numbers
// that are numbers, WebSocket entries whose messages Chrome shows.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { harValidator, assertChromeImports } from '../support/har.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'tests/fixtures/workspace-session.jsonl');
const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');

/** The CLI: SCAPI_INSPECT when set, else built here (cargo does nothing when it is up to date). */
function cli() {
  if (process.env.SCAPI_INSPECT) return process.env.SCAPI_INSPECT;
  execFileSync('cargo', ['build', '--quiet', '-p', 'scapi-inspect'], { cwd: ROOT, stdio: 'inherit' });
  const binary = path.join(TARGET, 'debug', 'scapi-inspect');
  assert.ok(existsSync(binary), `cargo built no ${binary}`);
  return binary;
}

function convert(...args) {
  const text = execFileSync(cli(), ['convert', '--to', 'har', ...args, FIXTURE], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(text);
}


let validate;
before(() => {
  validate = harValidator();
});

for (const [name, args] of [['sanitized (the default)', []], ['with sensitive data', ['--sensitive']]]) {
  test(`the HAR export, ${name}, passes har-schema and Chrome DevTools' import rules`, () => {
    const har = convert(...args);
    const valid = validate(har);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    assertChromeImports(har);
    const messages = har.log.entries.reduce((n, entry) => n + entry._webSocketMessages.length, 0);
    const lines = readFileSync(FIXTURE, 'utf8').split('\n').filter((line) => line.trim()).length;
    assert.equal(messages, lines, 'one message per captured record');
    assert.equal(har.log.creator.name, 'SCAPI Inspector');
    assert.equal(har.log._scapiCapture.formatVersion, 1);
    assert.equal(har.log._scapiCapture.sanitized === null, args.includes('--sensitive'));
  });
}

test('the schema check has teeth: a string time and a bad date are refused', () => {
  const har = convert('--sensitive');
  const broken = structuredClone(har);
  broken.log.entries[0].time = '12';
  assert.equal(validate(broken), false);
  const undated = structuredClone(har);
  undated.log.entries[0].startedDateTime = 'yesterday';
  assert.equal(validate(undated), false);
  const stringTime = structuredClone(har);
  stringTime.log.entries[0]._webSocketMessages[0].time = '1732467255.1';
  assert.throws(() => assertChromeImports(stringTime), /_webSocketMessages\[0\]\.time/);
});
