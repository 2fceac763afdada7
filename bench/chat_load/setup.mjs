// Sets up users and channels for chat_load over Meridian's REST API and writes the client
// file chat_load reads: one line per client, `<token> <conversation_id>`.
//
//   node setup.mjs --url http://127.0.0.1:PORT --admin-email E --admin-password P
//        --groups 100 --size 100 --prefix fan --out clients.txt [--concurrency 16]
//
// The administrator creates --groups x --size users (kind employee; run the server with
// MERIDIAN_PASSWORD_COST=minimum or this spends minutes in Argon2id), each signs in once,
// and the first user of every group creates a private channel with the other --size - 1
// as members, so every channel has exactly --size members, all of them load clients.
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-password': { type: 'string' },
    groups: { type: 'string', default: '1' },
    size: { type: 'string', default: '10' },
    prefix: { type: 'string', default: 'load' },
    out: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
  },
});
if (!opt.url || !opt.out || !opt['admin-email'] || !opt['admin-password']) {
  console.error('usage: node setup.mjs --url URL --admin-email E --admin-password P --groups G --size S --out FILE');
  process.exit(2);
}
const groups = Number(opt.groups);
const size = Number(opt.size);
const concurrency = Number(opt.concurrency);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function call(method, path, token, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (data !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(data);
    }
    const req = http.request(`${opt.url}${path}`, { method, headers, agent, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

// Runs fn(i) for i in [0, n) with `concurrency` calls in flight.
async function pool(n, fn) {
  const out = new Array(n);
  let next = 0;
  async function lane() {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return out;
}

const t0 = Date.now();
const admin = (await call('POST', '/api/v1/auth/login', null, { email: opt['admin-email'], password: opt['admin-password'] })).token;
const total = groups * size;
const password = 'Load-password-2024';
const users = await pool(total, async (i) => {
  const email = `${opt.prefix}-${i}@bench.example`;
  const u = await call('POST', '/api/v1/admin/users', admin, {
    email,
    password,
    display_name: `${opt.prefix} ${i}`,
    kind: 'employee',
    country: 'PT',
    time_zone: 'Europe/Lisbon',
  });
  const { token } = await call('POST', '/api/v1/auth/login', null, { email, password });
  return { id: u.id, token };
});
const conversations = await pool(groups, async (g) => {
  const members = users.slice(g * size, (g + 1) * size);
  // At most 500 members at creation; owners add the rest one by one.
  const c = await call('POST', '/api/v1/conversations', members[0].token, {
    kind: 'channel',
    name: `${opt.prefix} ${g}`,
    member_ids: members.slice(1, 500).map((m) => m.id),
  });
  return c.id;
});
const extra = [];
for (let g = 0; g < groups; g++)
  for (let k = 500; k < size; k++) extra.push([g, users[g * size + k].id]);
await pool(extra.length, (i) => {
  const [g, id] = extra[i];
  return call('PUT', `/api/v1/conversations/${conversations[g]}/members/${id}`, users[g * size].token);
});
const lines = users.map((u, i) => `${u.token} ${conversations[Math.floor(i / size)]}`);
fs.writeFileSync(opt.out, `${lines.join('\n')}\n`);
agent.destroy();
console.error(`[setup] ${total} users in ${groups} channels of ${size} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
