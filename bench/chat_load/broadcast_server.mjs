// The comparison point for chat_load's peak mode: a minimal Node.js broadcast server on npm
// `ws`, no storage, no authentication, no conversations. It speaks the subset of Meridian's
// /ws protocol chat_load uses: `hello` on open; `message.send` is answered with `message.ack`
// and the same `message.new` (serialised once) goes to every open socket, the sender included.
//
//   node broadcast_server.mjs --port PORT     (prints `listening PORT` once ready)
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values: opt } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(opt.port), path: '/ws', perMessageDeflate: false });
let nextId = 1;
let seq = 0;
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'hello', seq: 1, user: { id: 0, display_name: 'bench' }, server_time: Date.now() }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let m;
    try {
      m = JSON.parse(data.toString('utf8'));
    } catch {
      ws.send(JSON.stringify({ type: 'error', error: { code: 'invalid_argument', message: 'not JSON' } }));
      return;
    }
    if (m.type !== 'message.send') return;
    const message = {
      id: nextId++,
      conversation_id: m.conversation_id,
      seq: ++seq,
      author: { id: 0, display_name: 'bench' },
      client_id: m.client_id,
      text: m.text,
      created_at: Date.now(),
    };
    const ack = { type: 'message.ack', duplicate: false, message };
    if (m.id !== undefined) ack.id = m.id;
    ws.send(JSON.stringify(ack));
    const out = JSON.stringify({ type: 'message.new', conversation_id: m.conversation_id, message });
    for (const client of wss.clients) if (client.readyState === 1) client.send(out);
  });
});
wss.on('listening', () => console.log(`listening ${wss.address().port}`));
