// Presence cost of a connection burst, measured on the server process (CPU from
// /proc/PID/stat, VmRSS), with the clients file written by setup.mjs:
//   node presence_burst.mjs PORT SERVER_PID clients.txt 0|1
// 0: everyone connects at once, nobody subscribes (presence frames must be 0).
// 1: same, then every client subscribes to the members of its channel
//    (presence.subscribe) and every client reports idle at once.
import fs from 'node:fs';
import WebSocket from 'ws';
const [port, pid, file, sub] = process.argv.slice(2);
const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' '));
const cpu = () => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
// group members: lines sharing a conversation id; ids from hello
const t0 = cpu(), r0 = rss();
let presenceFrames = 0;
const socks = [];
const byConv = new Map();
const start = Date.now();
await Promise.all(lines.map(([token, conv], i) => new Promise((resolve, reject) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['meridian.v1', `bearer.${token}`]);
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.type === 'hello') { ws.uid = m.user.id; if (!byConv.has(conv)) byConv.set(conv, []); byConv.get(conv).push(ws); resolve(); }
    if (m.type === 'presence') presenceFrames++;
  });
  ws.on('error', reject);
  socks.push(ws);
})));
if (sub === '1') {
  // every client follows the members of its channel (as the web client does for the open conversation)
  for (const members of byConv.values()) { const ids = members.map((w) => w.uid); for (const w of members) w.send(JSON.stringify({ type: 'presence.subscribe', user_ids: ids })); }
}
const connected = Date.now() - start;
await new Promise((r) => setTimeout(r, 4000));
const r1 = rss();
console.log(JSON.stringify({ phase: 'connect burst', clients: lines.length, subscribe: sub === '1', connect_ms: connected, server_cpu_s: +(cpu() - t0).toFixed(2), rss_before_mb: +r0.toFixed(0), rss_after_mb: +r1.toFixed(0), presence_frames: presenceFrames }));
if (sub === '1') {
  // everyone goes idle at once: N changes, each followed by the 100 members of a channel
  const t1 = cpu(); presenceFrames = 0; let entries = 0;
  for (const w of socks) w.on('message', (d) => { const m = JSON.parse(d.toString()); if (m.type === 'presence') entries += m.users.length; });
  for (const w of socks) w.send(JSON.stringify({ type: 'presence.set', idle: true }));
  await new Promise((r) => setTimeout(r, 4000));
  console.log(JSON.stringify({ phase: 'all idle at once', server_cpu_s: +(cpu() - t1).toFixed(2), presence_frames: presenceFrames, presence_entries: entries, rss_mb: +rss().toFixed(0) }));
}
// second burst: everyone reconnects at once is heavier; just close
for (const w of socks) w.terminate();
