// Priority alerts against the real server: an admin sends to a country, the recipients'
// sockets get alert.new, they acknowledge, the sender's tracking view hears it live; and
// every refusal (not an admin, not a recipient, malformed bodies).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

// Working around the clock: info and warning alerts reach them at once at any hour (quiet hours
// are tested in alerts_quiet_hours.test.mjs).
const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

describe('alerts', () => {
  let server, admin, dora, dirk, uma, carl;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    const berlin = { country: 'DE', time_zone: 'Europe/Berlin' };
    dora = await createUser(server, admin, { ...allDay, email: 'dora.alerts@example.test', display_name: 'Dora', ...berlin });
    dirk = await createUser(server, admin, { ...allDay, email: 'dirk.alerts@example.test', display_name: 'Dirk', kind: 'agent', ...berlin });
    uma = await createUser(server, admin, { ...allDay, email: 'uma.alerts@example.test', display_name: 'Uma', country: 'US', time_zone: 'America/New_York' });
    carl = await createUser(server, admin, { ...allDay, email: 'carl.alerts@example.test', display_name: 'Carl', kind: 'customer', ...berlin });
  });
  after(async () => server?.stop());

  it('sends a critical alert to a country: its staff hear it live, nobody else does', async () => {
    const [wdora, wuma, wcarl, wadmin] = [live(server, dora.token), live(server, uma.token), live(server, carl.token), live(server, admin)];
    await Promise.all([wdora.opened, wuma.opened, wcarl.opened, wadmin.opened]);
    const preview = await api(server, 'POST', '/api/v1/alerts/preview', { token: admin, body: { audience: { countries: ['DE'] } } });
    assert.equal(preview.status, 200, preview.text);
    assert.deepEqual(preview.json, { recipient_count: 2, by_country: { DE: 2 } });
    const sent = await api(server, 'POST', '/api/v1/alerts', {
      token: admin,
      body: { title: 'Office closed', body: 'Storm: stay home.', priority: 'critical', audience: { countries: ['DE'] }, require_ack: true },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.json.recipient_count, 2);
    assert.equal(sent.json.interrupts, true);
    const heard = await wdora.next((m) => m.type === 'alert.new');
    assert.equal(heard.id, sent.json.id);
    assert.equal(heard.priority, 'critical');
    assert.equal(heard.title, 'Office closed');
    await pause(200);
    assert.equal(wuma.inbox.filter((m) => m.type === 'alert.new').length, 0, 'another country got it');
    assert.equal(wcarl.inbox.filter((m) => m.type === 'alert.new').length, 0, 'a customer got an internal alert');

    // The delivered receipt over the socket, then the acknowledgement over REST.
    wdora.send(JSON.stringify({ type: 'alert.received', alert_id: sent.json.id }));
    // The sender hears it live (before the acknowledgement, which would set it too).
    const delivered = await wadmin.next((m) => m.type === 'alert.receipt' && m.kind === 'delivered');
    assert.equal(delivered.receipt.user_id, dora.user.id);
    const ack = await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/ack`, { token: dora.token, body: { comment: 'safe at home' } });
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.json.me.comment, 'safe at home');
    assert.equal(ack.json.status, 'open', 'Dirk has not acknowledged yet');
    const receipt = await wadmin.next((m) => m.type === 'alert.receipt' && m.kind === 'acknowledged');
    assert.equal(receipt.alert_id, sent.json.id);
    assert.equal(receipt.receipt.user_id, dora.user.id);
    assert.equal(receipt.ack_count, 1);

    const tracking = await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/recipients?limit=1`, { token: admin });
    assert.equal(tracking.status, 200, tracking.text);
    assert.equal(tracking.json.items.length, 1);
    assert.equal(tracking.json.items[0].user_id, dora.user.id);
    assert.ok(tracking.json.items[0].delivered_at, 'the socket receipt was stored');
    assert.ok(tracking.json.next);
    const rest = await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/recipients?after=${tracking.json.next}`, { token: admin });
    assert.deepEqual(rest.json.items.map((r) => [r.user_id, r.acknowledged_at]), [[dirk.user.id, null]]);

    const mine = await api(server, 'GET', '/api/v1/alerts', { token: dirk.token });
    assert.deepEqual(mine.json.items.map((a) => a.id), [sent.json.id]);
    assert.equal((await api(server, 'GET', '/api/v1/alerts', { token: uma.token })).json.items.length, 0);
    const mySent = await api(server, 'GET', '/api/v1/alerts?sent=true', { token: admin });
    assert.deepEqual(mySent.json.items.map((a) => a.id), [sent.json.id]);

    const resolved = await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/resolve`, { token: admin });
    assert.equal(resolved.status, 200, resolved.text);
    assert.equal(resolved.json.status, 'resolved');
    const closed = await wdora.next((m) => m.type === 'alert.updated');
    assert.equal(closed.alert.status, 'resolved');
    for (const w of [wdora, wuma, wcarl, wadmin]) w.close();
  });

  it('refuses senders without the right, non-recipients and malformed bodies, and loses nothing', async () => {
    const body = { title: 'Hi', priority: 'info', audience: { countries: ['DE'] } };
    assert.equal((await api(server, 'POST', '/api/v1/alerts', { token: dora.token, body })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/alerts', { token: carl.token, body })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/alerts', { body })).status, 401);
    for (const bad of [
      { ...body, priority: 'urgent' },
      { ...body, audience: {} },
      { ...body, audience: { countries: ['Germany'] } },
      { ...body, audience: { user_ids: ['7'] } },
      { ...body, titel: 'typo' },
      { ...body, audience: { countries: ['FR'] } },
    ]) {
      const r = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: bad });
      assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.text}`);
      assert.ok(r.json.error.message.length > 5);
    }
    const malformed = await api(server, 'POST', '/api/v1/alerts', { token: admin, raw: '{"title":', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 400);

    const sent = await api(server, 'POST', '/api/v1/alerts', { token: admin, body });
    assert.equal(sent.status, 201, sent.text);
    // Someone it was not sent to learns nothing about it; the sender may not acknowledge it.
    assert.equal((await api(server, 'GET', `/api/v1/alerts/${sent.json.id}`, { token: uma.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/ack`, { token: uma.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/ack`, { token: carl.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/ack`, { token: admin })).status, 403);
    assert.equal((await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/recipients`, { token: dora.token })).status, 403);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/resolve`, { token: dirk.token })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/alerts/999999', { token: admin })).status, 404);
    assert.equal((await api(server, 'GET', '/api/v1/alerts/abc', { token: admin })).status, 404, 'not an id: no such alert');
    // A WebSocket receipt for someone else's alert is an error frame; the socket stays up.
    const w = live(server, uma.token);
    await w.opened;
    const refused = await w.request({ type: 'alert.received', id: 'r1', alert_id: sent.json.id });
    assert.equal(refused.type, 'error');
    assert.equal(refused.error.code, 'not_found');
    const malformedFrame = await w.request({ type: 'alert.received', id: 'r2', alert_id: 'x' });
    assert.equal(malformedFrame.error.code, 'invalid_argument');
    w.close();
    // Nothing stored was lost: the recipient still sees it, unacknowledged.
    const view = await api(server, 'GET', `/api/v1/alerts/${sent.json.id}`, { token: dora.token });
    assert.equal(view.status, 200);
    assert.equal(view.json.me.acknowledged_at, null);
  });
  it('pushes what was sent while a person was away when their socket connects, and never twice', async () => {
    const wadmin = live(server, admin);
    await wadmin.opened;
    const sent = await api(server, 'POST', '/api/v1/alerts', {
      token: admin,
      body: { title: 'Badge readers down', priority: 'warning', audience: { user_ids: [dirk.user.id] } },
    });
    assert.equal(sent.status, 201, sent.text);
    // Dirk was offline; his first socket gets it without asking.
    const first = live(server, dirk.token);
    const pushed = await first.next((m) => m.type === 'alert.new' && m.id === sent.json.id);
    assert.equal(pushed.pending, true);
    assert.equal(pushed.alert.title, 'Badge readers down');
    first.send(JSON.stringify({ type: 'alert.received', alert_id: sent.json.id }));
    // The sender's tracking view hears the delivered receipt live.
    const delivered = await wadmin.next((m) => m.type === 'alert.receipt' && m.alert_id === sent.json.id);
    assert.equal(delivered.kind, 'delivered');
    assert.equal(delivered.receipt.user_id, dirk.user.id);
    assert.ok(delivered.receipt.delivered_at);
    // A second device connecting later is not paged again for it.
    const second = live(server, dirk.token);
    await second.opened;
    const ping = await second.request({ type: 'ping', id: 'p1' });
    assert.equal(ping.type, 'pong');
    assert.equal(second.inbox.filter((m) => m.type === 'alert.new' && m.id === sent.json.id).length, 0, 'pushed twice');
    // Reading it is a receipt the sender hears too; reading again is not news.
    const read = await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/read`, { token: dirk.token });
    assert.equal(read.status, 200, read.text);
    const heard = await wadmin.next((m) => m.type === 'alert.receipt' && m.alert_id === sent.json.id);
    assert.equal(heard.kind, 'read');
    assert.ok(heard.receipt.read_at);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/read`, { token: dirk.token })).status, 200);
    const ack = await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/ack`, { token: dirk.token, body: {} });
    assert.equal(ack.status, 200, ack.text);
    const acked = await wadmin.next((m) => m.type === 'alert.receipt' && m.alert_id === sent.json.id);
    assert.equal(acked.kind, 'acknowledged', 'the second read sent no receipt event');
    for (const w of [wadmin, first, second]) w.close();
  });

  it('counts a repeat of an open alert by its dedup_key and tells its people without paging them', async () => {
    const body = { title: 'Disk 91% on db1', priority: 'warning', audience: { countries: ['DE'] }, dedup_key: 'disk:db1' };
    const sent = await api(server, 'POST', '/api/v1/alerts', { token: admin, body });
    assert.equal(sent.status, 201, sent.text);
    const wdora = live(server, dora.token);
    await wdora.opened;
    const again = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { ...body, title: 'Disk 97% on db1' } });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.deduplicated, true);
    assert.equal(again.json.id, sent.json.id);
    assert.equal(again.json.repeat_count, 2);
    const updated = await wdora.next((m) => m.type === 'alert.updated' && m.alert.id === sent.json.id);
    assert.equal(updated.alert.repeat_count, 2);
    assert.equal(updated.alert.title, 'Disk 97% on db1');
    const ping = await wdora.request({ type: 'ping', id: 'p2' });
    assert.equal(ping.type, 'pong');
    assert.equal(wdora.inbox.filter((m) => m.type === 'alert.new' && m.id === sent.json.id && !m.pending).length, 0, 'paged again');
    // Resolved, the same key opens a new alert that pages.
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${sent.json.id}/resolve`, { token: admin })).status, 200);
    const fresh = await api(server, 'POST', '/api/v1/alerts', { token: admin, body });
    assert.equal(fresh.status, 201, fresh.text);
    assert.notEqual(fresh.json.id, sent.json.id);
    const paged = await wdora.next((m) => m.type === 'alert.new' && m.id === fresh.json.id);
    assert.equal(paged.title, 'Disk 91% on db1');
    wdora.close();
  });
});
