// Team leads (issue 11): "lead" is a role of a team member, set by an admin in Admin -> Teams
// (PUT /admin/teams/{id}/members/{user_id} {role}), shown in the teams API; a lead sends alerts
// to their own team, and is refused (403, with the reason) for another team, for a country,
// and once they no longer lead it. A member who is not a lead is refused too.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

describe('alerts from team leads', () => {
  let server, admin, lena, mats, otto, cleo, support, sales;
  const role = (team, user, body) =>
    api(server, 'PUT', `/api/v1/admin/teams/${team}/members/${user.user.id}`, { token: admin, body });

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    const berlin = { ...allDay, country: 'DE', time_zone: 'Europe/Berlin' };
    lena = await createUser(server, admin, { ...berlin, email: 'lena.lead@example.test', display_name: 'Lena' });
    mats = await createUser(server, admin, { ...berlin, email: 'mats.member@example.test', display_name: 'Mats', kind: 'agent' });
    otto = await createUser(server, admin, { ...berlin, email: 'otto.other@example.test', display_name: 'Otto' });
    cleo = await createUser(server, admin, { ...berlin, email: 'cleo.customer@example.test', display_name: 'Cleo', kind: 'customer' });
    support = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support' } })).json;
    sales = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Sales' } })).json;
    for (const [team, who] of [[support, lena], [support, mats], [sales, otto]])
      assert.equal((await role(team.id, who)).status, 204);
  });
  after(async () => server?.stop());

  it('an admin makes a member the lead; the teams API shows it; bad roles and customers are refused', async () => {
    assert.equal((await role(support.id, lena, { role: 'lead' })).status, 204);
    const detail = await api(server, 'GET', `/api/v1/admin/teams/${support.id}`, { token: admin });
    assert.deepEqual(detail.json.lead_ids, [lena.user.id]);
    assert.deepEqual(
      detail.json.members.map((m) => [m.display_name, m.team_role]).sort(),
      [['Lena', 'lead'], ['Mats', 'member']],
    );
    const list = await api(server, 'GET', '/api/v1/teams', { token: mats.token });
    assert.deepEqual(list.json.items.find((t) => t.id === support.id).lead_ids, [lena.user.id]);
    const me = await api(server, 'GET', '/api/v1/me', { token: lena.token });
    assert.deepEqual(me.json.teams, [{ id: support.id, name: 'Support', role: 'lead' }]);
    // PUT without a body keeps the role of one already there.
    assert.equal((await role(support.id, lena)).status, 204);
    assert.deepEqual((await api(server, 'GET', `/api/v1/admin/teams/${support.id}`, { token: admin })).json.lead_ids, [lena.user.id]);

    const bad = await role(support.id, mats, { role: 'boss' });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.json.error.message, /role must be 'member' or 'lead'/);
    const customer = await role(support.id, cleo, { role: 'lead' });
    assert.equal(customer.status, 400, customer.text);
    assert.match(customer.json.error.message, /only employees and agents can lead a team/);
    const notAdmin = await api(server, 'PUT', `/api/v1/admin/teams/${support.id}/members/${mats.user.id}`, {
      token: lena.token, body: { role: 'lead' },
    });
    assert.equal(notAdmin.status, 403, 'a lead does not manage teams');

    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=admin.team.member_role', { token: admin });
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.items.some((e) => e.target === `team:${support.id}` && e.detail.role === 'lead' && e.detail.user_id === lena.user.id), audit.text);
  });

  it('a lead sends to their own team: its members hear it; other teams and countries are refused', async () => {
    const [wmats, wotto] = [live(server, mats.token), live(server, otto.token)];
    await Promise.all([wmats.opened, wotto.opened]);
    const preview = await api(server, 'POST', '/api/v1/alerts/preview', { token: lena.token, body: { audience: { team_ids: [support.id] } } });
    assert.equal(preview.status, 200, preview.text);
    assert.equal(preview.json.recipient_count, 2);
    const sent = await api(server, 'POST', '/api/v1/alerts', {
      token: lena.token,
      body: { title: 'Queue is long', body: 'All hands on the queue.', priority: 'warning', audience: { team_ids: [support.id] } },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.json.recipient_count, 2);
    const heard = await wmats.next((m) => m.type === 'alert.new');
    assert.equal(heard.id, sent.json.id);
    // The lead tracks what they sent.
    const tracking = await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/recipients`, { token: lena.token });
    assert.equal(tracking.status, 200, tracking.text);
    assert.deepEqual(tracking.json.items.map((r) => r.user_id).sort((a, b) => a - b), [lena.user.id, mats.user.id].sort((a, b) => a - b));

    const other = await api(server, 'POST', '/api/v1/alerts', {
      token: lena.token, body: { title: 'Hi sales', priority: 'info', audience: { team_ids: [sales.id] } },
    });
    assert.equal(other.status, 403, other.text);
    assert.equal(other.json.error.code, 'forbidden');
    assert.match(other.json.error.message, new RegExp(`team ${sales.id}: you do not lead it`));
    const mixed = await api(server, 'POST', '/api/v1/alerts', {
      token: lena.token, body: { title: 'Both', priority: 'info', audience: { team_ids: [support.id, sales.id] } },
    });
    assert.equal(mixed.status, 403, mixed.text);
    const country = await api(server, 'POST', '/api/v1/alerts', {
      token: lena.token, body: { title: 'All DE', priority: 'info', audience: { team_ids: [support.id], countries: ['DE'] } },
    });
    assert.equal(country.status, 403, country.text);
    assert.match(country.json.error.message, /team lead sends alerts to the teams they lead/);
    const escalateOut = await api(server, 'POST', '/api/v1/alerts', {
      token: lena.token,
      body: {
        title: 'Sneaky', priority: 'critical', audience: { team_ids: [support.id] }, require_ack: true,
        escalation: [{ after_seconds: 60, notify: 'audience', audience: { team_ids: [sales.id] } }],
      },
    });
    assert.equal(escalateOut.status, 403, escalateOut.text);
    const previewOther = await api(server, 'POST', '/api/v1/alerts/preview', { token: lena.token, body: { audience: { team_ids: [sales.id] } } });
    assert.equal(previewOther.status, 403, previewOther.text);
    assert.equal(wotto.inbox.filter((m) => m.type === 'alert.new').length, 0, 'another team got an alert');
    wmats.close();
    wotto.close();
  });

  it('a member who is not a lead is refused, and so is a lead once demoted', async () => {
    const member = await api(server, 'POST', '/api/v1/alerts', {
      token: mats.token, body: { title: 'Me too', priority: 'info', audience: { team_ids: [support.id] } },
    });
    assert.equal(member.status, 403, member.text);
    assert.equal(member.json.error.message, 'you are not allowed to send alerts');
    assert.equal((await role(support.id, lena, { role: 'member' })).status, 204);
    const demoted = await api(server, 'POST', '/api/v1/alerts', {
      token: lena.token, body: { title: 'Again', priority: 'info', audience: { team_ids: [support.id] } },
    });
    assert.equal(demoted.status, 403, demoted.text);
    assert.deepEqual((await api(server, 'GET', `/api/v1/admin/teams/${support.id}`, { token: admin })).json.lead_ids, []);
  });
});
