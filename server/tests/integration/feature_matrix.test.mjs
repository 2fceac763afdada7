// The per-country feature matrix, walked from the one toggle table: for every key the server
// lists (GET /api/v1/admin/feature-toggles), a person in a country where it is off (DE) is
// refused by the server with the reason naming the country, and the same action by a person
// in a country where it is on (PT) goes through. A key without a probe here fails the test:
// a new toggle is not done until its module enforces it and this file proves it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { connected } from './lib/live.mjs';
import { startFakeOpenAi, openAiConfig } from './lib/fake-openai.mjs';

const OFF = 'DE';
const ON = 'PT';
const ZONES = { DE: 'Europe/Berlin', PT: 'Europe/Lisbon' };
let nextId = 0;
const rid = () => `m${++nextId}`;

// The refusal's reason names the country the feature is off in.
function assertReason(message, country) {
  assert.ok(typeof message === 'string' && message.length > 0, 'no reason given');
  assert.match(message, new RegExp(`(not available in ${country}\\b|\\b${country}\\b.*(turned|switched) off|(turned|switched) off.*\\b${country}\\b)`), message);
}

describe('per-country feature toggles: every key enforced on the server', () => {
  let server, fake, admin, team;
  const sockets = [];
  const people = {};
  const open = (token) => connected(server, token, sockets);

  before(async () => {
    fake = await startFakeOpenAi();
    server = await startServer({
      webRoot: false,
      args: ['--config', openAiConfig(fake.url)],
      env: { MERIDIAN_AI_OPENAI_API_KEY: 'test-key', MERIDIAN_AUTH_CACHE_MS: '0' },
    });
    admin = await login(server, server.adminEmail, server.adminPassword);
    team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support desk' } })).json;
    const agent = await createUser(server, admin, { email: 'agent.fm@example.test', display_name: 'Ada Agent', kind: 'agent', country: ON, time_zone: ZONES[ON] });
    assert.equal((await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${agent.user.id}`, { token: admin })).status, 204);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: admin, body: { team_id: team.id } })).status, 200);
    people.agent = agent;
    for (const c of [OFF, ON]) {
      const lc = c.toLowerCase();
      people[c] = {
        employee: await createUser(server, admin, { email: `emp.${lc}.fm@example.test`, display_name: `Emp ${c}`, country: c, time_zone: ZONES[c] }),
        customer: await createUser(server, admin, { email: `cust.${lc}.fm@example.test`, display_name: `Cust ${c}`, kind: 'customer', country: c, time_zone: ZONES[c] }),
      };
    }
    people.host = await createUser(server, admin, { email: 'host.fm@example.test', display_name: 'Host', country: ON, time_zone: ZONES[ON] });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
    await fake?.stop();
  });

  const setToggle = async (feature, countries) => {
    const r = await api(server, 'PUT', `/api/v1/admin/feature-toggles/${encodeURIComponent(feature)}`, { token: admin, body: { countries } });
    assert.equal(r.status, 200, r.text);
  };

  // A meeting hosted by `host` with `invitees`, everyone in it (no lobby).
  const meeting = async (host, invitees = []) => {
    const m = await api(server, 'POST', '/api/v1/meetings', {
      token: host.token,
      body: { title: 'Matrix', user_ids: invitees.map((p) => p.user.id), lobby_for_external: false },
    });
    assert.equal(m.status, 201, m.text);
    return m.json;
  };
  const join = async (person, m) => {
    const ws = await open(person.token);
    const j = await ws.request({ type: 'meet.join', id: rid(), code: m.code });
    assert.ok(j.you, JSON.stringify(j));
    return { ws, peer: j.you.peer_id };
  };
  // { ok, status, message } of a REST call.
  const rest = (r) => ({ ok: r.status >= 200 && r.status < 300, status: r.status, message: r.json?.error?.message, json: r.json });
  // ... of a WebSocket request.
  const ws = (m) => ({ ok: m.type !== 'error', status: m.error?.code, message: m.error?.message, json: m });

  // For each key: the action, done by (or for) a person of `country`. It answers the
  // server's verdict; extra checks for the refused side go in `refused`.
  const probes = {
    'chat.support': {
      async act(country) {
        const who = people[country].customer;
        return rest(await api(server, 'POST', '/api/v1/support/conversations', { token: who.token, body: { subject: 'Invoice', text: 'Help', client_id: `s-${country}-${rid()}` } }));
      },
    },
    'meet.recording': {
      async act(country) {
        const m = await meeting(people.host, [people[country].employee]);
        const h = await join(people.host, m);
        await join(people[country].employee, m);
        const r = ws(await h.ws.request({ type: 'meet.recording.start', id: rid(), meeting_id: m.id }));
        if (r.ok) await h.ws.request({ type: 'meet.end', id: rid(), meeting_id: m.id });
        return r;
      },
    },
    'meet.guests': {
      async act(country) {
        const m = await meeting(people[country].employee);
        return rest(await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gina Guest' } }));
      },
    },
    'meet.screen_share': {
      async act(country) {
        const m = await meeting(people.host, [people[country].employee]);
        const h = await join(people.host, m);
        const p = await join(people[country].employee, m);
        const r = ws(await p.ws.request({ type: 'meet.media', id: rid(), meeting_id: m.id, screen_sharing: true }));
        // The screen's second video track is not relayed either.
        const sdp = 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\n';
        const signal = ws(await p.ws.request({ type: 'meet.signal', id: rid(), meeting_id: m.id, to: h.peer, signal: { description: { type: 'offer', sdp } } }));
        if (r.ok) assert.ok(signal.ok, JSON.stringify(signal.json));
        else {
          assert.equal(signal.ok, false, 'the screen-share offer was relayed');
          assertReason(signal.message, country);
        }
        await h.ws.request({ type: 'meet.end', id: rid(), meeting_id: m.id });
        return r;
      },
    },
    'files.external_links': {
      async act(country) {
        const who = people[country].employee;
        const space = (await api(server, 'GET', '/api/v1/spaces', { token: who.token })).json.items.find((s) => s.kind === 'personal');
        const q = new URLSearchParams({ name: `linked-${rid()}.txt`, parent_id: '0' });
        const file = await api(server, 'POST', `/api/v1/spaces/${space.id}/files?${q}`, { token: who.token, raw: Buffer.from('for outsiders'), headers: { 'content-type': 'application/octet-stream' } });
        assert.equal(file.status, 201, file.text);
        return rest(await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, { token: who.token, body: {} }));
      },
    },
    'ai.copilot': {
      async act(country) {
        const who = people[country].employee;
        const c = await api(server, 'POST', '/api/v1/conversations', { token: who.token, body: { kind: 'group', name: `AI ${rid()}`, member_ids: [people.host.user.id] } });
        assert.equal(c.status, 201, c.text);
        await api(server, 'POST', `/api/v1/conversations/${c.json.id}/messages`, { token: who.token, body: { text: 'We decided to ship on Friday.', client_id: rid() } });
        return rest(await api(server, 'POST', '/api/v1/ai/summaries', { token: who.token, body: { conversation_id: c.json.id } }));
      },
    },
    'ai.external': {
      // Off: nothing goes to the external provider; the built-in one answers and says why.
      // On: the status names the external provider (nothing is asked of it here).
      async act(country) {
        const who = people[country].employee;
        const status = await api(server, 'GET', '/api/v1/ai/status', { token: who.token });
        assert.equal(status.status, 200, status.text);
        if (Object.values(status.json.providers).includes('openai')) return { ok: true };
        const before = fake.requests.length;
        const c = await api(server, 'POST', '/api/v1/conversations', { token: who.token, body: { kind: 'group', name: `AI ${rid()}`, member_ids: [people.host.user.id] } });
        await api(server, 'POST', `/api/v1/conversations/${c.json.id}/messages`, { token: who.token, body: { text: 'Ship on Friday.', client_id: rid() } });
        const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: who.token, body: { conversation_id: c.json.id } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.provider, 'builtin');
        assert.equal(fake.requests.length, before, 'a prompt left the server');
        return { ok: false, message: r.json.note };
      },
    },
    'remote_support.screen_share': {
      async act(country) {
        const s = await api(server, 'POST', '/api/v1/remote-support/sessions', { token: people.agent.token, body: {} });
        assert.equal(s.status, 201, s.text);
        const pass = await api(server, 'POST', '/api/v1/remote-support/redeem', { body: { code: s.json.code, name: 'Walter', email: 'walter@example.test', topic: 'printer', country } });
        assert.equal(pass.status, 200, pass.text);
        const agent = await open(people.agent.token);
        const customer = await open(pass.json.token);
        const sid = s.json.id;
        await agent.request({ type: 'remote_support.join', id: rid(), session_id: sid });
        await customer.request({ type: 'remote_support.join', id: rid(), session_id: sid });
        await agent.request({ type: 'remote_support.ask', id: rid(), session_id: sid, step: 'chat' });
        await customer.request({ type: 'remote_support.answer', id: rid(), session_id: sid, step: 'chat', grant: true });
        return ws(await agent.request({ type: 'remote_support.ask', id: rid(), session_id: sid, step: 'view' }));
      },
    },
  };
  // alerts.<category>: a recipient in a country where the category is off does not receive
  // it; an alert that would reach only such people is refused with the reason.
  for (const category of ['system', 'announcement', 'compliance', 'emergency']) {
    probes[`alerts.${category}`] = {
      async act(country) {
        const to = people[country].employee;
        const r = rest(await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { title: `Matrix ${category}`, body: 'Read me.', priority: 'info', category, audience: { user_ids: [to.user.id] } } }));
        if (!r.ok) {
          // Sent to both countries, it reaches only the one where the category is on.
          const both = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { title: `Both ${category}`, body: 'x', priority: 'info', category, audience: { user_ids: [to.user.id, people[ON].employee.user.id] } } });
          assert.equal(both.status, 201, both.text);
          assert.equal(both.json.recipient_count, 1);
          const mine = await api(server, 'GET', `/api/v1/alerts/${both.json.id}`, { token: to.token });
          assert.notEqual(mine.status, 200, 'a recipient in a country where the category is off can read it');
        }
        return r;
      },
    };
  }

  it('refuses every feature, with its reason, in a country where it is off, and allows it where it is on', async (t) => {
    const table = await api(server, 'GET', '/api/v1/admin/feature-toggles', { token: admin });
    assert.equal(table.status, 200, table.text);
    const keys = table.json.items.map((i) => i.feature);
    assert.ok(keys.length >= 12, keys.join(', '));
    for (const feature of keys) {
      await t.test(feature, async () => {
        const probe = probes[feature];
        assert.ok(probe, `toggle ${feature} has no probe in feature_matrix.test.mjs: enforce it in its module and add one`);
        await setToggle(feature, { [OFF]: false, [ON]: true });
        try {
          const refused = await probe.act(OFF);
          assert.equal(refused.ok, false, `${feature} went through in ${OFF}: ${JSON.stringify(refused.json)}`);
          if (refused.status !== undefined) assert.ok(refused.status === 403 || refused.status === 'forbidden', `${feature}: ${refused.status}`);
          assertReason(refused.message, OFF);
          const allowed = await probe.act(ON);
          assert.equal(allowed.ok, true, `${feature} refused in ${ON}: ${JSON.stringify(allowed)}`);
        } finally {
          await setToggle(feature, { [OFF]: null, [ON]: null });
        }
      });
    }
  });

  it('a guest pass given before meet.guests was turned off for the host\'s country no longer lets its holder in', async () => {
    const m = await meeting(people[OFF].employee);
    const pass = await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Early Guest' } });
    assert.equal(pass.status, 201, pass.text);
    await setToggle('meet.guests', { [OFF]: false });
    try {
      const g = await open(pass.json.token);
      const j = await g.request({ type: 'meet.join', id: rid(), code: m.code });
      assert.equal(j.type, 'error', JSON.stringify(j));
      assert.equal(j.error.code, 'forbidden');
      assertReason(j.error.message, OFF);
    } finally {
      await setToggle('meet.guests', { [OFF]: null });
    }
  });

  it('refuses a customer writing in an open support conversation once chat.support is off for them', async () => {
    const who = people[OFF].customer;
    const opened = await api(server, 'POST', '/api/v1/support/conversations', { token: who.token, body: { subject: 'Before', text: 'Hello', client_id: 'before-off' } });
    assert.equal(opened.status, 201, opened.text);
    const conv = opened.json.conversation_id ?? opened.json.id;
    await setToggle('chat.support', { [OFF]: false });
    try {
      const r = await api(server, 'POST', `/api/v1/conversations/${conv}/messages`, { token: who.token, body: { text: 'Still there?', client_id: 'after-off' } });
      assert.equal(r.status, 403, r.text);
      assertReason(r.json.error.message, OFF);
    } finally {
      await setToggle('chat.support', { [OFF]: null });
    }
    const back = await api(server, 'POST', `/api/v1/conversations/${conv}/messages`, { token: who.token, body: { text: 'Still there?', client_id: 'after-on' } });
    assert.equal(back.status, 201, back.text);
  });
});
