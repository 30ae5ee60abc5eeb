// The HAR checks the tests share: the public HAR 1.2 JSON Schema (npm har-schema, validated with
// ajv) and the rules Chrome DevTools' HAR importer applies to what it reads.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');
const harSchemas = require('har-schema');

/** har-schema's files (draft-06, with a few keywords of its own) in one ajv instance. */
export function harValidator() {
  // strictTypes off: timings.json and cache.json give `properties` without `type: "object"`,
  // which ajv's strict mode would warn about; unknown keywords and formats stay errors.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addMetaSchema(draft06);
  // har-schema writes `min` (meant: minimum), `optional` and `unique`: no JSON Schema keywords.
  ajv.addVocabulary(['min', 'optional', 'unique']);
  ajv.addFormat('date-time', (text) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text)
    && !Number.isNaN(new Date(text).getTime()));
  ajv.addFormat('uri', (text) => {
    try {
      return Boolean(new URL(text));
    } catch {
      return false;
    }
  });
  ajv.addFormat('ipv4', /^(\d{1,3}\.){3}\d{1,3}$/);
  ajv.addFormat('ipv6', /^[0-9a-f:.]+$/i);
  for (const schema of Object.values(harSchemas)) ajv.addSchema(schema);
  return ajv.getSchema('har.json#');
}

const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/** The checks of Chrome DevTools' HAR importer (HARFormat.ts, Importer.ts) on our entries. */
export function assertChromeImports(har) {
  const { log } = har;
  assert.equal(typeof log.version, 'string');
  assert.ok(Array.isArray(log.entries), 'log.entries is expected to be an array');
  for (const page of log.pages) {
    assert.ok(!Number.isNaN(new Date(page.startedDateTime).getTime()), page.startedDateTime);
    for (const timing of Object.values(page.pageTimings)) assert.ok(isNumber(timing), `pageTimings ${timing}`);
  }
  log.entries.forEach((entry, i) => {
    const where = `log.entries[${i}]`;
    assert.ok(!Number.isNaN(new Date(entry.startedDateTime).getTime()), `${where}.startedDateTime ${entry.startedDateTime}`);
    assert.ok(isNumber(entry.time) && entry.time >= 0, `${where}.time ${entry.time}`);
    for (const [name, value] of Object.entries(entry.timings)) {
      assert.ok(isNumber(value) && value >= -1, `${where}.timings.${name} ${value}`);
    }
    for (const name of ['send', 'wait', 'receive']) assert.ok(entry.timings[name] >= 0, `${where}.timings.${name}`);
    for (const [part, fields] of [['request', ['headersSize', 'bodySize']], ['response', ['status', 'headersSize', 'bodySize']]]) {
      for (const field of fields) assert.ok(isNumber(entry[part][field]), `${where}.${part}.${field}`);
    }
    assert.ok(isNumber(entry.response.content.size), `${where}.response.content.size`);
    assert.equal(entry._resourceType, 'websocket', where);
    assert.equal(entry.response.status, 101, where);
    assert.ok(Array.isArray(entry._webSocketMessages) && entry._webSocketMessages.length > 0, where);
    entry._webSocketMessages.forEach((message, j) => {
      const at = `${where}._webSocketMessages[${j}]`;
      assert.ok(['send', 'receive'].includes(message.type), `${at}.type ${message.type}`);
      assert.ok(isNumber(message.time), `${at}.time ${message.time}`);
      assert.ok(isNumber(message.opcode), `${at}.opcode ${message.opcode}`);
      assert.equal(typeof message.data, 'string', `${at}.data`);
      // Epoch seconds, as Chrome writes WebSocket message times.
      assert.ok(message.time > 1e9 && message.time < 1e11, `${at}.time ${message.time} is not epoch seconds`);
      assert.deepEqual(JSON.parse(message.data), message._scapi.record.raw, `${at}.data is the record's data`);
    });
  });
}
