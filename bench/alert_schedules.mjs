// Scheduler CPU with 10,000 active scheduled alerts (issue 11): the real server (SQLite,
// the default 1 s scheduler poll) is measured twice for WINDOW seconds, first with no
// schedule, then with SCHEDULES daily schedules whose times are spread evenly over the day
// in five zones (so some come due during the window and are sent). The server's own CPU
// time (utime + stime from /proc) over each window, scaled to an hour; the difference is
// what the schedules cost.
//   MERIDIAN_BIN=build/server/src/app/meridian node bench/alert_schedules.mjs [--schedules 10000] [--window 120]
// Prints `SCHEDULES_RESULT {json}`. Starts one server on a free loopback port in a temp
// folder and stops it however the run ends.
import { readFileSync } from 'node:fs';
import { startServer, api, login, createUser } from '../server/tests/integration/lib/server.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith('--') ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
);
const schedules = Number(args.schedules ?? 10000);
const windowSeconds = Number(args.window ?? 120);
const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Europe/Lisbon', 'UTC'];
const ticks = 100; // USER_HZ, the unit of /proc/<pid>/stat's times, is 100 on Linux

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(server) {
  const before = cpuSeconds(server.child.pid);
  await sleep(windowSeconds * 1000);
  return cpuSeconds(server.child.pid) - before;
}

const pad = (n) => String(n).padStart(2, '0');

const server = await startServer({ webRoot: false });
try {
  const admin = await login(server, server.adminEmail, server.adminPassword);
  const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };
  const ada = await createUser(server, admin, { ...allDay, email: 'ada.bench@example.test', display_name: 'Ada' });
  const idle = await measure(server);

  // Starting yesterday, a time every 86400/SCHEDULES seconds, daily: every schedule's next
  // occurrence falls in the coming 24 hours, evenly, so some are sent in the window.
  const day = new Date(Date.now() - 36 * 3600_000).toISOString().slice(0, 10);
  const created = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < schedules; i = next++) {
      const second = Math.floor((i * 86400) / schedules);
      const at = `${day}T${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)}`;
      const r = await api(server, 'POST', '/api/v1/alerts/schedules', {
        token: admin,
        body: { alert: { title: `Reminder ${i}`, priority: 'info', audience: { user_ids: [ada.user.id] } }, at, time_zone: zones[i % zones.length], rrule: 'FREQ=DAILY' },
      });
      if (r.status !== 201) throw new Error(`schedule ${i}: ${r.status} ${r.text}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const createSeconds = (Date.now() - created) / 1000;

  const from = Date.now();
  const active = await measure(server);
  const sent = await api(server, 'GET', '/api/v1/alerts?sent=true&limit=200', { token: admin });
  const fired = sent.json.items.filter((a) => a.created_at >= from).length;
  const result = {
    schedules,
    window_s: windowSeconds,
    create_s: Number(createSeconds.toFixed(1)),
    cpu_idle_s: Number(idle.toFixed(2)),
    cpu_with_schedules_s: Number(active.toFixed(2)),
    cpu_per_hour_idle_s: Number(((idle / windowSeconds) * 3600).toFixed(1)),
    cpu_per_hour_with_schedules_s: Number(((active / windowSeconds) * 3600).toFixed(1)),
    sent_in_window: fired,
  };
  console.log('SCHEDULES_RESULT ' + JSON.stringify(result));
} finally {
  await server.stop();
}
