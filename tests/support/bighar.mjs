// Large HAR files for the import tests and benchmark, written as a stream (never held whole): a
// WebSocket HAR as Chrome DevTools saves one, its messages a Workspace client's traffic —
// requests, their answers, interaction events with user data — about 190 bytes each.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const T0 = 1_732_467_255.123;

/** The `i`th message of the generated traffic. */
function message(i) {
  const reference = Math.floor(i / 3);
  const interaction = reference % 5000;
  const time = T0 + i * 0.00125;
  let data;
  let type = 'receive';
  switch (i % 3) {
    case 0:
      type = 'send';
      data = reference % 4 === 0
        ? { request: 'interaction.setUserData', parameters: [String(interaction), { CustomerId: `C-${interaction}` }], referenceId: String(reference), userAgent: 'WWE Client', protocolVersion: 2 }
        : { request: 'agent.getState', referenceId: String(reference), userAgent: 'WWE Client', protocolVersion: 2 };
      break;
    case 1:
      data = { referenceId: String(reference), data: { state: 'Ready' }, userAgent: 'WWE Server', protocolVersion: 2 };
      break;
    default:
      data = { event: 'interaction', data: { eventType: 'ATTACHED_DATA_CHANGED', interaction: { interactionId: String(interaction), userData: { CustomerId: `C-${interaction}` } } }, userAgent: 'WWE Server', protocolVersion: 2 };
  }
  return JSON.stringify({ type, time, opcode: 1, data: JSON.stringify(data) });
}

/**
 * Writes a HAR of `count` messages to `file`; `padding` bytes of a comment no reader keeps make
 * it as large as wanted. Resolves to the file's size in bytes.
 */
export async function writeWebSocketHar(file, count, { padding = 0 } = {}) {
  const out = createWriteStream(file);
  let size = 0;
  const write = async (text) => {
    size += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"log":{"version":"1.2","creator":{"name":"bighar","version":"1"},');
  if (padding > 0) {
    const piece = 'x'.repeat(1 << 20);
    await write('"comment":"');
    for (let left = padding; left > 0; left -= piece.length) await write(left >= piece.length ? piece : piece.slice(0, left));
    await write('",');
  }
  await write('"pages":[],"entries":[{"request":{"method":"GET","url":"wss://crm.example/softphone"},"_webSocketMessages":[');
  let chunk = [];
  for (let i = 0; i < count; i++) {
    chunk.push(message(i));
    if (chunk.length === 10_000 || i === count - 1) {
      await write((i >= chunk.length ? ',' : '') + chunk.join(','));
      chunk = [];
    }
  }
  await write(']}]}}');
  out.end();
  await once(out, 'finish');
  return size;
}

/** Writes a HAR of the given SCAPI messages (data objects, sent from the app in turn). */
export async function writeMessagesHar(file, datas) {
  const out = createWriteStream(file);
  const write = async (text) => { if (!out.write(text)) await once(out, 'drain'); };
  await write('{"log":{"version":"1.2","creator":{"name":"bighar","version":"1"},"pages":[],"entries":[{"request":{"method":"GET","url":"wss://crm.example/softphone"},"_webSocketMessages":[');
  for (const [i, data] of datas.entries()) {
    await write((i > 0 ? ',' : '') + JSON.stringify({ type: i % 2 === 0 ? 'send' : 'receive', time: T0 + i, opcode: 1, data: JSON.stringify(data) }));
  }
  await write(']}]}}');
  out.end();
  await once(out, 'finish');
}
