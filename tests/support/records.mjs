// What the panel must show for what the test pages' frames received: an oracle independent of the
// extension's decoder, shared by the Chromium and Firefox suites.

const DIRECTION = {
  request: 'to-workspace',
  subscribe: 'to-workspace',
  unsubscribe: 'to-workspace',
  response: 'to-app',
  event: 'to-app',
  'frame-id': 'to-app',
};
// Kinds whose data-name the contract does not fix.
const UNNAMED = new Set(['foreign', 'legacy', 'malformed']);

/** What the panel must show for one message a frame recorded (an independent oracle). */
export function expectedRecord(m) {
  const d = m.data;
  let kind = 'foreign';
  let name = '*';
  let ref = null;
  if (typeof d === 'string') {
    kind = d.startsWith('wwe') ? 'legacy' : 'foreign';
  } else if (d && typeof d === 'object' && String(d.userAgent ?? '').includes('WWE')) {
    ref = d.referenceId ?? null;
    if (d.event === 'subscribe' || d.event === 'unsubscribe') {
      kind = name = d.event;
    } else if (typeof d.event === 'string') {
      kind = 'event';
      name = d.data?.eventType ? `${d.event}:${d.data.eventType}` : d.event;
    } else if ('errorMessage' in d || (ref !== null && typeof d.request !== 'string')) {
      // The documented failure also carries a "request" field: still a response.
      kind = 'response';
      name = 'response';
    } else if (typeof d.request === 'string') {
      kind = 'request';
      name = d.request;
    } else if (d.frameId !== undefined) {
      kind = 'frame-id';
      name = 'frameId';
    }
  }
  return {
    frameUrl: m.receiverUrl,
    frameOrigin: m.receiverOrigin,
    key: recordKey({ kind, name, ref, direction: DIRECTION[kind] ?? 'unknown', source: m.source.split(':')[0] }),
  };
}

export function recordKey({ kind, name, ref, direction, source }) {
  return `${kind} ${UNNAMED.has(kind) ? '*' : name} ref=${ref ?? '-'} ${direction} src=${source}`;
}

export function rowKey(r) {
  return recordKey({
    kind: r.kind,
    name: r.name,
    ref: r['reference-id'] ?? null,
    direction: r.direction,
    source: r.source,
  });
}

/** Multiset difference a - b, as a list. */
export function minus(a, b) {
  const left = [...b];
  const out = [];
  for (const x of a) {
    const i = left.indexOf(x);
    if (i >= 0) left.splice(i, 1);
    else out.push(x);
  }
  return out;
}

/**
 * Per receiving frame, the rows that are missing or extra against the expected records (the
 * multiset of kind, name, referenceId, direction and source), and rows of frames that received
 * nothing. An empty list when the panel shows every delivered message exactly once.
 */
export function mismatches(expected, rows) {
  const frameUrls = [...new Set(expected.map((e) => e.frameUrl))];
  const problems = [];
  for (const url of frameUrls) {
    const want = expected.filter((e) => e.frameUrl === url).map((e) => e.key);
    const got = rows.filter((r) => r['frame-url'] === url).map(rowKey);
    for (const k of minus(want, got)) problems.push(`missing in ${url}: ${k}`);
    for (const k of minus(got, want)) problems.push(`extra in ${url}: ${k}`);
  }
  for (const r of rows) {
    if (!frameUrls.includes(r['frame-url'])) problems.push(`row for an unexpected frame: ${r['frame-url']} ${rowKey(r)}`);
  }
  return problems;
}
