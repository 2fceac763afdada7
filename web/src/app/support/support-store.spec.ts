import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { SupportStore } from './support-store';

const flushAll = () => new Promise((r) => setTimeout(r, 0));

function setup(kind: string, admin = false, visible = true) {
  const incoming = new Subject<ServerMessage>();
  const notified: { type: string; body: unknown }[] = [];
  TestBed.configureTestingModule({
    providers: [
      SupportStore,
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: PAGE_VISIBLE, useValue: () => visible },
      { provide: SessionStore, useValue: { user: signal({ id: 5, kind }), isAdmin: signal(admin) } },
      {
        provide: RealtimeService,
        useValue: {
          status: signal('connected'),
          messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
          notify: (type: string, body: unknown) => {
            notified.push({ type, body });
            return true;
          },
        },
      },
    ],
  });
  return { store: TestBed.inject(SupportStore), http: TestBed.inject(HttpTestingController), incoming, notified };
}

const member = (user_id: number, display_name: string, last_read_seq: number) => ({ user_id, display_name, role: 'member', last_read_seq });
const conversationView = (id: number, members: unknown[], last_read_seq: number) => ({
  id, kind: 'support', name: 's', topic: '', last_seq: 1, my_role: 'member', last_read_seq, unread: 0, members,
});
const msg = (id: number, seq: number, authorId: number, text: string, extra: object = {}) => ({
  id, conversation_id: 3, seq, change_seq: seq, author: { id: authorId, display_name: authorId === 5 ? 'Carl' : 'Ada' }, client_id: `c${id}`, text, created_at: seq, edited_at: null, deleted: false, ...extra,
});

/** A customer (id 5) with conversation 3 open: the agent Ada (7) has read up to `agentRead`. */
async function opened(messages: { seq: number }[], agentRead: number, visible = true) {
  const mine = Math.max(0, ...messages.map((m) => m.seq)); // I had read everything shown
  const ctx = setup('customer', false, visible);
  const loaded = ctx.store.load();
  ctx.http.expectOne('/api/v1/support/conversations').flush({
    items: [{ id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 1 }],
  });
  await loaded;
  const selected = ctx.store.select(3);
  ctx.http.expectOne((r) => r.url === '/api/v1/conversations/3/messages').flush({ items: messages, has_more: false });
  ctx.http.expectOne('/api/v1/conversations/3').flush(conversationView(3, [member(7, 'Ada', agentRead), member(5, 'Carl', mine)], mine));
  await selected;
  return ctx;
}

describe('SupportStore', () => {
  it('a customer loads only their own list, never the queue, and talks in the selected one', async () => {
    const { store, http, incoming } = setup('customer');
    const loaded = store.load();
    http.expectOne('/api/v1/support/conversations').flush({
      items: [{ id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 1 }],
    });
    http.expectNone('/api/v1/support/queue');
    await loaded;
    expect(store.isCustomer()).toBe(true);
    expect(store.conversations().map((c) => c.id)).toEqual([3]);

    const selected = store.select(3);
    http.expectOne((r) => r.url === '/api/v1/conversations/3/messages').flush({
      items: [{ id: 10, conversation_id: 3, seq: 1, author: { id: 5, display_name: 'Carl' }, client_id: 'a', text: 'help', created_at: 1 }],
      has_more: false,
    });
    http.expectOne('/api/v1/conversations/3').flush(conversationView(3, [member(7, 'Ada', 0), member(5, 'Carl', 1)], 1));
    await selected;
    // Already read up to seq 1: nothing to tell the server.
    http.expectNone('/api/v1/conversations/3/read');
    expect(store.agents().map((a) => a.display_name)).toEqual(['Ada']);
    // Live messages of the open conversation are added once; others are ignored.
    const reply = { id: 11, conversation_id: 3, seq: 2, author: { id: 7, display_name: 'Ada' }, client_id: 'b', text: 'hi', created_at: 2 };
    incoming.next({ type: 'message.new', conversation_id: 3, message: reply });
    incoming.next({ type: 'message.new', conversation_id: 3, message: reply });
    incoming.next({ type: 'message.new', conversation_id: 4, message: { ...reply, id: 12, conversation_id: 4 } });
    expect(store.messages().map((m) => m.id)).toEqual([10, 11]);
    // The agent's message moves my read marker (I am looking at it).
    expect(http.expectOne('/api/v1/conversations/3/read').request.body).toEqual({ seq: 2 });

    const sent = store.send('thanks');
    const post = http.expectOne('/api/v1/conversations/3/messages');
    expect(post.request.body.text).toBe('thanks');
    expect(post.request.body.client_id).toBeTruthy();
    post.flush({ ...reply, id: 13, seq: 3, text: 'thanks' });
    expect(await sent).toBe(true);
    expect(store.messages().map((m) => m.id)).toEqual([10, 11, 13]);
    expect(post.request.body.attachments).toBeUndefined();

    // A file alone is a message; the ids go with it.
    const withFile = store.send('', [41]);
    const filePost = http.expectOne('/api/v1/conversations/3/messages');
    expect(filePost.request.body.attachments).toEqual([41]);
    filePost.flush({ ...reply, id: 14, seq: 4, text: '', attachments: [{ id: 41, name: 'shot.png', size: 9, content_type: 'image/png' }] });
    expect(await withFile).toBe(true);
    expect(await store.send('  ')).toBe(false);
  });

  it('reopens a closed conversation and shows its new status', async () => {
    const { store, http } = setup('customer');
    const loaded = store.load();
    http.expectOne('/api/v1/support/conversations').flush({
      items: [{ id: 3, subject: 'invoice', status: 'closed', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 2 }],
    });
    await loaded;
    const reopened = store.reopen(3);
    const req = http.expectOne('/api/v1/support/conversations/3/reopen');
    expect(req.request.method).toBe('POST');
    req.flush({ id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 2, last_seq: 2 });
    expect(await reopened).toBe(true);
    expect(store.conversations()[0].status).toBe('assigned');
  });

  it('the customer closes their request and the list shows it closed', async () => {
    const { store, http } = setup('customer');
    const loaded = store.load();
    http.expectOne('/api/v1/support/conversations').flush({
      items: [{ id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 2 }],
    });
    await loaded;
    const closing = store.close(3);
    const req = http.expectOne('/api/v1/support/conversations/3/close');
    expect(req.request.method).toBe('POST');
    req.flush({ id: 3, subject: 'invoice', status: 'closed', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 3, last_seq: 2 });
    expect(await closing).toBe(true);
    expect(store.conversations()[0].status).toBe('closed');
  });

  it('opening a request selects it with its first message', async () => {
    const { store, http } = setup('customer');
    const opened = store.open('  refund ', 'order 77');
    const req = http.expectOne('/api/v1/support/conversations');
    expect(req.request.body.subject).toBe('refund');
    req.flush({
      id: 9, subject: 'refund', status: 'queued', agent: null, created_at: 1, updated_at: 1, last_seq: 1,
      message: { id: 1, conversation_id: 9, seq: 1, author: { id: 5, display_name: 'Carl' }, client_id: 'x', text: 'order 77', created_at: 1 },
    });
    expect(await opened).toBe(true);
    expect(store.selectedId()).toBe(9);
    expect(store.messages()[0].text).toBe('order 77');
    http.expectOne('/api/v1/conversations/9').flush(conversationView(9, [member(5, 'Carl', 1)], 1));
    await flushAll();
    expect(store.agents()).toEqual([]);
  });

  it('an agent loads the queue and claims; a support.updated reloads', async () => {
    const { store, http, incoming } = setup('agent');
    const loaded = store.load();
    http.expectOne('/api/v1/support/conversations').flush({ items: [] });
    http.expectOne('/api/v1/support/queue').flush({
      items: [{ id: 4, subject: 'help', status: 'queued', team: { id: 1, name: 'T' }, customer: { id: 8, display_name: 'Dora', country: 'DE', region: 'EU' }, assignee: null, created_at: 1, updated_at: 1, last_seq: 1 }],
    });
    await loaded;
    expect(store.queue().map((c) => c.id)).toEqual([4]);
    const claimed = store.claim(4);
    http.expectOne('/api/v1/support/conversations/4/claim').flush({});
    await flushAll();
    http.expectOne('/api/v1/support/conversations').flush({ items: [] });
    http.expectOne('/api/v1/support/queue').flush({ items: [] });
    expect(await claimed).toBe(true);
    expect(store.queue()).toEqual([]);
    incoming.next({ type: 'support.updated', conversation: { id: 4, status: 'assigned' } });
    http.expectOne('/api/v1/support/conversations').flush({ items: [] });
    http.expectOne('/api/v1/support/queue').flush({ items: [] });
  });

  it('shows the server\'s refusal', async () => {
    const { store, http } = setup('customer');
    const opened = store.open('x', 'y');
    http.expectOne('/api/v1/support/conversations').flush(
      { error: { code: 'conflict', message: 'support is not set up yet' } },
      { status: 409, statusText: 'Conflict' },
    );
    expect(await opened).toBe(false);
    expect(store.error()).not.toBe('');
  });
});

describe('SupportStore: seen, edits, deletes, purges', () => {
  it('shows "Seen" under my newest message once the agent read it (read.updated or their reply)', async () => {
    const { store, incoming } = await opened([msg(1, 1, 5, 'help'), msg(2, 2, 7, 'on it'), msg(3, 3, 5, 'thanks')], 2);
    expect(store.seenMessageId()).toBeNull();
    // Other conversations and other people do not count; a marker never moves back.
    incoming.next({ type: 'read.updated', conversation_id: 4, user_id: 7, last_read_seq: 3 });
    expect(store.seenMessageId()).toBeNull();
    incoming.next({ type: 'read.updated', conversation_id: 3, user_id: 7, last_read_seq: 3 });
    expect(store.seenMessageId()).toBe(3);
    incoming.next({ type: 'read.updated', conversation_id: 3, user_id: 7, last_read_seq: 1 });
    expect(store.seenMessageId()).toBe(3);
    // My next message is not seen yet; the agent answering means they read it.
    incoming.next({ type: 'message.new', conversation_id: 3, message: msg(4, 4, 5, 'one more') });
    expect(store.seenMessageId()).toBeNull();
    incoming.next({ type: 'message.new', conversation_id: 3, message: msg(5, 5, 7, 'sure') });
    expect(store.seenMessageId()).toBe(4);
  });

  it('a read.updated from someone not yet listed (a new agent) reads the members again', async () => {
    const { store, http, incoming } = await opened([msg(1, 1, 5, 'help')], 0);
    incoming.next({ type: 'read.updated', conversation_id: 3, user_id: 8, last_read_seq: 1 });
    http.expectOne('/api/v1/conversations/3').flush(conversationView(3, [member(8, 'Bo', 1), member(5, 'Carl', 1)], 1));
    await flushAll();
    expect(store.agents().map((a) => a.display_name)).toEqual(['Bo']);
    expect(store.seenMessageId()).toBe(1);
  });

  it('edits and deletes my own message; a refusal shows and changes nothing', async () => {
    const { store, http } = await opened([msg(1, 1, 5, 'help'), msg(2, 2, 7, 'on it')], 2);
    expect(store.lastEditable()?.id).toBe(1);

    const edited = store.edit(1, 'help please');
    const patch = http.expectOne('/api/v1/conversations/3/messages/1');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ text: 'help please' });
    patch.flush(msg(1, 1, 5, 'help please', { change_seq: 3, edited_at: 5 }));
    expect(await edited).toBe(true);
    expect(store.messages()[0].text).toBe('help please');
    expect(store.messages()[0].edited_at).toBe(5);

    // Unchanged or empty text sends nothing.
    expect(await store.edit(1, 'help please')).toBe(true);
    expect(await store.edit(1, '  ')).toBe(false);
    http.expectNone('/api/v1/conversations/3/messages/1');

    const refused = store.edit(2, 'not mine');
    http.expectOne('/api/v1/conversations/3/messages/2').flush(
      { error: { code: 'forbidden', message: 'you can only edit your own messages' } },
      { status: 403, statusText: 'Forbidden' },
    );
    expect(await refused).toBe(false);
    expect(store.error()).not.toBe('');
    expect(store.messages()[1].text).toBe('on it');

    const removed = store.remove(1);
    const del = http.expectOne('/api/v1/conversations/3/messages/1');
    expect(del.request.method).toBe('DELETE');
    del.flush(msg(1, 1, 5, '', { change_seq: 4, edited_at: 5, deleted: true }));
    expect(await removed).toBe(true);
    expect(store.messages()[0].deleted).toBe(true);
    expect(store.error()).toBe('');
    expect(store.lastEditable()).toBeNull();
  });

  it("applies the agent's live edits and deletes in change order, and drops purged ids", async () => {
    const { store, incoming } = await opened([msg(1, 1, 5, 'help'), msg(2, 2, 7, 'on it'), msg(3, 3, 7, 'typo')], 3);
    incoming.next({ type: 'message.updated', conversation_id: 3, message: msg(2, 2, 7, 'on it now', { change_seq: 5, edited_at: 9 }) });
    // An older state arriving late does not win; another conversation's change is ignored.
    incoming.next({ type: 'message.updated', conversation_id: 3, message: msg(2, 2, 7, 'stale', { change_seq: 4 }) });
    incoming.next({ type: 'message.updated', conversation_id: 4, message: msg(3, 3, 7, 'elsewhere', { change_seq: 9 }) });
    incoming.next({ type: 'message.updated', conversation_id: 3, message: msg(3, 3, 7, '', { change_seq: 6, deleted: true }) });
    expect(store.messages().map((m) => [m.id, m.text, m.deleted])).toEqual([
      [1, 'help', false],
      [2, 'on it now', false],
      [3, '', true],
    ]);
    incoming.next({ type: 'messages.purged', conversation_id: 4, message_ids: [1] });
    incoming.next({ type: 'messages.purged', conversation_id: 3, message_ids: [1, 3] });
    expect(store.messages().map((m) => m.id)).toEqual([2]);
  });

  it('marks read only while the page is visible', async () => {
    const { http, incoming } = await opened([msg(1, 1, 5, 'help')], 1, false);
    incoming.next({ type: 'message.new', conversation_id: 3, message: msg(100, 100, 7, 'hello?') });
    http.expectNone('/api/v1/conversations/3/read');
  });

  it('after a reconnect replays the changes since the last one read from storage, and the read markers', async () => {
    const { store, http, incoming } = await opened([msg(1, 1, 5, 'help'), msg(2, 2, 7, 'old')], 1);
    incoming.next({ type: 'hello', seq: 1, user: { id: 5, display_name: 'Carl' }, server_time: 1 });
    const first = http.expectOne((r) => r.url === '/api/v1/conversations/3/changes');
    expect(first.request.params.get('after')).toBe('2');
    first.flush({
      items: [msg(2, 2, 7, 'old, edited', { change_seq: 4, edited_at: 9 }), msg(3, 3, 7, 'missed'), msg(5, 5, 7, 'in a thread', { thread_root_id: 3 })],
      events: [{ type: 'messages.purged', conversation_id: 3, change_seq: 6, message_ids: [1] }],
      has_more: true,
      to: 6,
    });
    await flushAll();
    const second = http.expectOne((r) => r.url === '/api/v1/conversations/3/changes');
    expect(second.request.params.get('after')).toBe('6');
    second.flush({ items: [], events: [], has_more: false, to: 6 });
    await flushAll();
    http.expectOne('/api/v1/conversations/3').flush(conversationView(3, [member(7, 'Ada', 3), member(5, 'Carl', 2)], 2));
    await flushAll();
    expect(store.messages().map((m) => m.text)).toEqual(['old, edited', 'missed']);
    expect(http.expectOne('/api/v1/conversations/3/read').request.body).toEqual({ seq: 3 });
  });

  it('shows who is typing until their message arrives, and tells the agent I type at most every 2 s', async () => {
    const { store, incoming, notified } = await opened([msg(1, 1, 5, 'help')], 1);
    incoming.next({ type: 'typing', conversation_id: 3, user: { id: 5 } }); // me: never shown
    incoming.next({ type: 'typing', conversation_id: 4, user: { id: 7 } }); // elsewhere
    expect(store.typing()).toBe('');
    incoming.next({ type: 'typing', conversation_id: 3, user: { id: 7 } });
    expect(store.typing()).toBe('Ada is typing…');
    incoming.next({ type: 'message.new', conversation_id: 3, message: msg(2, 2, 7, 'here') });
    expect(store.typing()).toBe('');

    store.sendTyping();
    store.sendTyping();
    expect(notified).toEqual([{ type: 'typing', body: { conversation_id: 3 } }]);
  });

  it("counts the agent's new messages in the conversations not open, and clears them on opening", async () => {
    const { store, http, incoming } = setup('customer');
    const loaded = store.load();
    http.expectOne('/api/v1/support/conversations').flush({
      items: [
        { id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 1 },
        { id: 4, subject: 'refund', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 3 },
      ],
    });
    await loaded;
    http.expectOne('/api/v1/conversations').flush({ items: [{ id: 3, kind: 'support', unread: 0 }, { id: 4, kind: 'support', unread: 2 }] });
    await flushAll();
    expect([store.unread(3), store.unread(4)]).toEqual([0, 2]);
    incoming.next({ type: 'message.new', conversation_id: 4, message: { ...msg(9, 4, 7, 'and?'), conversation_id: 4 } });
    incoming.next({ type: 'message.new', conversation_id: 3, message: msg(10, 2, 5, 'mine') }); // my own (other tab)
    expect([store.unread(3), store.unread(4)]).toEqual([0, 3]);
    void store.select(4);
    expect(store.unread(4)).toBe(0);
  });

  it('loads earlier pages before the oldest message shown, and keeps them over a reconnect', async () => {
    const ctx = setup('customer');
    const loaded = ctx.store.load();
    ctx.http.expectOne('/api/v1/support/conversations').flush({
      items: [{ id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 500 }],
    });
    await loaded;
    const selected = ctx.store.select(3);
    ctx.http.expectOne((r) => r.url === '/api/v1/conversations/3/messages').flush({ items: [msg(300, 300, 7, 'late')], has_more: true });
    ctx.http.expectOne('/api/v1/conversations/3').flush(conversationView(3, [member(7, 'Ada', 300), member(5, 'Carl', 300)], 300));
    await selected;
    expect(ctx.store.hasEarlier()).toBe(true);
    const earlier = ctx.store.loadEarlier();
    const req = ctx.http.expectOne((r) => r.url === '/api/v1/conversations/3/messages');
    expect(req.request.params.get('before')).toBe('300');
    req.flush({ items: [msg(1, 1, 5, 'first'), msg(2, 2, 7, 'second')], has_more: false });
    await earlier;
    expect(ctx.store.messages().map((m) => m.seq)).toEqual([1, 2, 300]);
    expect(ctx.store.hasEarlier()).toBe(false);

    ctx.incoming.next({ type: 'hello', seq: 1, user: { id: 5, display_name: 'Carl' }, server_time: 1 });
    // An edit of a message older than what is shown is not added; a new one is.
    ctx.http.expectOne((r) => r.url === '/api/v1/conversations/3/changes').flush({ items: [msg(301, 301, 7, 'new')], events: [], has_more: false, to: 301 });
    await flushAll();
    ctx.http.expectOne('/api/v1/conversations/3').flush(conversationView(3, [member(7, 'Ada', 301), member(5, 'Carl', 300)], 300));
    await flushAll();
    expect(ctx.store.messages().map((m) => m.seq)).toEqual([1, 2, 300, 301]);
    expect(ctx.store.hasEarlier()).toBe(false);
  });
});
