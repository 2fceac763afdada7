import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { makeMe } from '../../testing/fixtures';
import { ChatMessage, ConversationView } from './chat-types';
import { ApiError } from '../core/api-error';
import { RealtimeError, RealtimeService, RealtimeStatus, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat-api';
import { MAX_LOADED } from './chat-messages';
import { ChatStore, provideChatStore } from './chat-store';
import { NEW_CLIENT_ID, PAGE_VISIBLE } from './chat-tokens';

const ME = 7;
const BIA = 8;

function message(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: 100 + seq,
    conversation_id: 1,
    seq,
    author: { id: BIA, display_name: 'Bia Costa' },
    client_id: `c-${seq}`,
    text: `message ${seq}`,
    created_at: 1_700_000_000_000 + seq * 1000,
    ...overrides,
  };
}

function conversation(id: number, overrides: Partial<ConversationView> = {}): ConversationView {
  return {
    id,
    kind: 'direct',
    name: '',
    topic: '',
    visibility: 'private',
    region: 'EU',
    created_by: ME,
    created_at: 0,
    last_seq: 0,
    my_role: 'owner',
    last_read_seq: 0,
    unread: 0,
    members: [
      { user_id: ME, display_name: 'Ana Silva', role: 'owner' },
      { user_id: BIA + id, display_name: `Person ${id}`, role: 'member' },
    ],
    ...overrides,
  };
}

describe('ChatStore', () => {
  let api: {
    listConversations: ReturnType<typeof vi.fn>;
    getConversation: ReturnType<typeof vi.fn>;
    listMessages: ReturnType<typeof vi.fn>;
    postMessage: ReturnType<typeof vi.fn>;
    markRead: ReturnType<typeof vi.fn>;
    listChanges: ReturnType<typeof vi.fn>;
    editMessage: ReturnType<typeof vi.fn>;
    deleteMessage: ReturnType<typeof vi.fn>;
    listThread: ReturnType<typeof vi.fn>;
    followThread: ReturnType<typeof vi.fn>;
    markThreadRead: ReturnType<typeof vi.fn>;
  };
  let notify: ReturnType<typeof vi.fn>;
  let incoming: Subject<ServerMessage>;
  let status: ReturnType<typeof signal<RealtimeStatus>>;
  let request: ReturnType<typeof vi.fn>;
  let visible: boolean;
  let nextClientId: number;
  let store: ChatStore;

  beforeEach(async () => {
    api = {
      listConversations: vi.fn().mockResolvedValue({ items: [conversation(1, { last_seq: 2 }), conversation(2, { last_seq: 5 })] }),
      getConversation: vi.fn().mockImplementation((id: number) => Promise.resolve(conversation(id))),
      listMessages: vi.fn().mockResolvedValue({ items: [message(1), message(2)], has_more: true }),
      postMessage: vi.fn(),
      markRead: vi.fn().mockResolvedValue(undefined),
      listChanges: vi.fn().mockResolvedValue({ items: [], has_more: false }),
      editMessage: vi.fn(),
      deleteMessage: vi.fn(),
      listThread: vi.fn(),
      followThread: vi.fn().mockResolvedValue(undefined),
      markThreadRead: vi.fn().mockResolvedValue(undefined),
    };
    notify = vi.fn().mockReturnValue(true);
    incoming = new Subject<ServerMessage>();
    status = signal<RealtimeStatus>('connected');
    request = vi.fn();
    visible = true;
    nextClientId = 1;
    const realtime = {
      status,
      request,
      notify,
      messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
    };
    TestBed.configureTestingModule({
      providers: [
        provideChatStore(),
        { provide: ChatApi, useValue: api },
        { provide: RealtimeService, useValue: realtime },
        { provide: PAGE_VISIBLE, useValue: () => visible },
        { provide: NEW_CLIENT_ID, useValue: () => `client-${nextClientId++}` },
      ],
    });
    TestBed.inject(SessionStore).setProfile(makeMe({ id: ME }));
    store = TestBed.inject(ChatStore);
    await store.load();
  });

  function live(m: ChatMessage): void {
    incoming.next({ type: 'message.new', conversation_id: m.conversation_id, message: m });
  }

  it('names a direct message after the other person and sorts it into its section', () => {
    expect(store.directs().map((c) => c.label)).toEqual(['Person 1', 'Person 2']);
    expect(store.channels()).toEqual([]);
  });

  it('opens the newest page, then marks it read up to the last seq', async () => {
    await store.open(1);
    expect(api.listMessages).toHaveBeenCalledWith(1, { limit: 50 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2]);
    expect(api.markRead).toHaveBeenCalledWith(1, 2);
  });

  it('loads older messages before the first seq and merges them in order', async () => {
    await store.open(1);
    api.listMessages.mockResolvedValueOnce({ items: [message(0, { id: 99 })], has_more: false });
    await store.loadOlder();
    expect(api.listMessages).toHaveBeenLastCalledWith(1, { before: 1, limit: 50 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([0, 1, 2]);
    expect(store.activeHasMore()).toBe(false);
  });

  it('appends a live message once, even when history and the live stream both carry it', async () => {
    await store.open(1);
    live(message(3));
    live(message(3));
    live(message(2));
    expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('counts a live message in another conversation as unread, not in the open one', async () => {
    await store.open(1);
    live(message(6, { conversation_id: 2 }));
    live(message(3));
    expect(store.directs().find((c) => c.id === 2)?.unread).toBe(1);
    expect(store.directs().find((c) => c.id === 1)?.unread).toBe(0);
    expect(api.markRead).toHaveBeenLastCalledWith(1, 3);
  });

  it('counts a message as unread in the open conversation when the page is hidden', async () => {
    await store.open(1);
    visible = false;
    live(message(3));
    expect(store.directs().find((c) => c.id === 1)?.unread).toBe(1);
  });

  it('does not count my own messages (from another tab) as unread', () => {
    live(message(6, { conversation_id: 2, author: { id: ME, display_name: 'Ana Silva' } }));
    expect(store.totalUnread()).toBe(0);
  });

  it('reloads the list when a message arrives in a conversation it does not know yet', () => {
    api.listConversations.mockClear();
    live(message(1, { conversation_id: 9 }));
    expect(api.listConversations).toHaveBeenCalled();
  });

  it('shows a sent message at once as "sending", then replaces it with the acked one', async () => {
    await store.open(1);
    let ack!: (m: ServerMessage) => void;
    request.mockReturnValue(new Promise((resolve) => (ack = resolve)));
    const sending = store.send('hello');
    expect(request).toHaveBeenCalledWith('message.send', { conversation_id: 1, text: 'hello', client_id: 'client-1' });
    expect(store.activeMessages().at(-1)).toMatchObject({ text: 'hello', state: 'sending', client_id: 'client-1' });

    const stored = message(3, { author: { id: ME, display_name: 'Ana Silva' }, client_id: 'client-1', text: 'hello' });
    ack({ type: 'message.ack', id: 'c1', message: stored, duplicate: false });
    await sending;
    live(stored); // the echo to every tab of the sender
    const rows = store.activeMessages();
    expect(rows.map((m) => [m.seq, m.state])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
      [3, 'sent'],
    ]);
  });

  it('an echo that arrives before the ack also replaces the pending copy', async () => {
    await store.open(1);
    let ack!: (m: ServerMessage) => void;
    request.mockReturnValue(new Promise((resolve) => (ack = resolve)));
    const sending = store.send('hi');
    const stored = message(3, { author: { id: ME, display_name: 'Ana Silva' }, client_id: 'client-1', text: 'hi' });
    live(stored);
    expect(store.activeMessages().filter((m) => m.text === 'hi')).toHaveLength(1);
    ack({ type: 'message.ack', id: 'c1', message: stored, duplicate: false });
    await sending;
    expect(store.activeMessages().filter((m) => m.text === 'hi')).toHaveLength(1);
  });

  it('marks a failed send and retries with the same client_id', async () => {
    await store.open(1);
    request.mockRejectedValueOnce(new RealtimeError('disconnected', 'The live connection dropped.'));
    await store.send('again');
    expect(store.activeMessages().at(-1)).toMatchObject({ state: 'failed', client_id: 'client-1' });

    const stored = message(3, { author: { id: ME, display_name: 'Ana Silva' }, client_id: 'client-1', text: 'again' });
    request.mockResolvedValueOnce({ type: 'message.ack', id: 'c2', message: stored, duplicate: true });
    await store.retry('client-1');
    expect(request).toHaveBeenLastCalledWith('message.send', { conversation_id: 1, text: 'again', client_id: 'client-1' });
    expect(store.activeMessages().filter((m) => m.text === 'again')).toEqual([
      expect.objectContaining({ seq: 3, state: 'sent' }),
    ]);
  });

  it('sends over REST with the client_id when the live connection is down', async () => {
    await store.open(1);
    status.set('reconnecting');
    const stored = message(3, { author: { id: ME, display_name: 'Ana Silva' }, client_id: 'client-1', text: 'rest' });
    api.postMessage.mockResolvedValue(stored);
    await store.send('rest');
    expect(api.postMessage).toHaveBeenCalledWith(1, { text: 'rest', client_id: 'client-1' });
    expect(store.activeMessages().at(-1)).toMatchObject({ seq: 3, state: 'sent' });
  });

  describe('re-sending after a reconnect', () => {
    const hello = () => incoming.next({ type: 'hello', seq: 0, user: { id: ME, display_name: 'Ana' }, server_time: 0 });
    const mine = (seq: number, clientId: string, text: string) =>
      message(seq, { author: { id: ME, display_name: 'Ana Silva' }, client_id: clientId, text });
    const ack = (m: ChatMessage, duplicate = false): ServerMessage => ({ type: 'message.ack', id: 'r', message: m, duplicate });
    const rows = () => store.activeMessages().map((m) => [m.text, m.state, m.client_id]);

    it('sends failed messages again once, in order, with the same client_id; each is shown once', async () => {
      await store.open(1);
      // The socket dropped with the first on its way (its ack lost); the second went over REST while offline.
      request.mockRejectedValueOnce(new RealtimeError('disconnected', 'The live connection dropped.'));
      await store.send('first');
      status.set('reconnecting');
      api.postMessage.mockRejectedValueOnce(new ApiError(0, 'network_error', "Can't reach the Meridian server."));
      await store.send('second');
      expect(rows().slice(2)).toEqual([
        ['first', 'failed', 'client-1'],
        ['second', 'failed', 'client-2'],
      ]);

      status.set('connected');
      let answerFirst!: (m: ServerMessage) => void;
      request.mockReturnValueOnce(new Promise((resolve) => (answerFirst = resolve))).mockResolvedValueOnce(ack(mine(4, 'client-2', 'second')));
      hello();
      // Both show as on their way; the second waits for the first (the server keeps the order).
      expect(rows().slice(2).map((r) => r[1])).toEqual(['sending', 'sending']);
      await vi.waitFor(() => expect(request).toHaveBeenCalledTimes(2));
      await Promise.resolve();
      expect(request).toHaveBeenCalledTimes(2);
      expect(request).toHaveBeenLastCalledWith('message.send', { conversation_id: 1, text: 'first', client_id: 'client-1' });
      answerFirst(ack(mine(3, 'client-1', 'first'), true)); // it had been stored before the cut
      await vi.waitFor(() => expect(request).toHaveBeenCalledTimes(3));
      expect(request).toHaveBeenLastCalledWith('message.send', { conversation_id: 1, text: 'second', client_id: 'client-2' });
      await vi.waitFor(() => expect(store.activeMessages().every((m) => m.state === 'sent')).toBe(true));
      live(mine(3, 'client-1', 'first')); // echoes change nothing
      live(mine(4, 'client-2', 'second'));
      expect(store.activeMessages().map((m) => [m.seq, m.text])).toEqual([
        [1, 'message 1'],
        [2, 'message 2'],
        [3, 'first'],
        [4, 'second'],
      ]);
      hello(); // nothing left to send
      expect(request).toHaveBeenCalledTimes(3);
    });

    it('a message typed while the failed ones are being sent again goes after them', async () => {
      await store.open(1);
      status.set('reconnecting');
      api.postMessage.mockRejectedValueOnce(new ApiError(0, 'network_error', "Can't reach the Meridian server."));
      await store.send('offline');
      expect(store.activeMessages().at(-1)).toMatchObject({ state: 'failed', resendsOnReconnect: true });
      status.set('connected');
      let answer!: (m: ServerMessage) => void;
      request.mockReturnValueOnce(new Promise((resolve) => (answer = resolve))).mockResolvedValueOnce(ack(mine(4, 'client-2', 'new')));
      hello();
      const typed = store.send('new');
      await Promise.resolve();
      expect(request).toHaveBeenCalledTimes(1); // 'new' waits
      expect(rows().slice(2)).toEqual([
        ['offline', 'sending', 'client-1'],
        ['new', 'sending', 'client-2'],
      ]);
      answer(ack(mine(3, 'client-1', 'offline')));
      await typed;
      expect(request.mock.calls.map((c) => c[1].client_id)).toEqual(['client-1', 'client-2']);
      expect(store.activeMessages().map((m) => [m.seq, m.state])).toEqual([
        [1, 'sent'],
        [2, 'sent'],
        [3, 'sent'],
        [4, 'sent'],
      ]);
    });

    it('a message that fails again stays failed with Retry; the ones after it wait for the next connection', async () => {
      await store.open(1);
      request.mockRejectedValueOnce(new RealtimeError('disconnected', 'dropped')).mockRejectedValueOnce(new RealtimeError('disconnected', 'dropped'));
      await store.send('one');
      await store.send('two');
      request.mockRejectedValueOnce(new RealtimeError('disconnected', 'The live connection dropped.'));
      hello();
      await vi.waitFor(() => expect(rows().slice(2).map((r) => r[1])).toEqual(['failed', 'failed']));
      expect(request).toHaveBeenCalledTimes(3); // 'two' was not tried on a dead connection
      expect(store.activeMessages().at(-2)).toMatchObject({ text: 'one', error: 'The live connection dropped.' });

      // The next connection tries both again; the person may also press Retry.
      request.mockResolvedValueOnce(ack(mine(3, 'client-1', 'one'))).mockResolvedValueOnce(ack(mine(4, 'client-2', 'two')));
      hello();
      await vi.waitFor(() => expect(store.activeMessages().map((m) => [m.seq, m.state])).toEqual([
        [1, 'sent'],
        [2, 'sent'],
        [3, 'sent'],
        [4, 'sent'],
      ]));
      expect(request.mock.calls.slice(3).map((c) => c[1].client_id)).toEqual(['client-1', 'client-2']);
    });

    it('does not send a refused message again by itself, nor one the replay already brought', async () => {
      await store.open(1);
      request.mockRejectedValueOnce(new RealtimeError('forbidden', 'only owners and moderators post here'));
      await store.send('refused');
      request.mockRejectedValueOnce(new RealtimeError('disconnected', 'dropped'));
      await store.send('stored before the cut');
      live(mine(3, 'client-2', 'stored before the cut')); // the resume replay carries it
      hello();
      await Promise.resolve();
      expect(request).toHaveBeenCalledTimes(2);
      expect(rows().slice(2)).toEqual([
        ['stored before the cut', 'sent', 'client-2'],
        ['refused', 'failed', 'client-1'],
      ]);
      expect(store.activeMessages().at(-1)?.resendsOnReconnect).toBe(false);
    });
  });

  describe('edits, deletes, catching up, typing', () => {
    it('replaces a message on message.updated: edited marker, then tombstone', async () => {
      await store.open(1);
      incoming.next({ type: 'message.updated', conversation_id: 1, message: message(2, { text: 'fixed', edited_at: 5, change_seq: 4 }) });
      expect(store.activeMessages()[1]).toMatchObject({ text: 'fixed', edited: true, deleted: false });
      incoming.next({ type: 'message.updated', conversation_id: 1, message: message(2, { text: '', deleted: true, edited_at: 5, change_seq: 5 }) });
      expect(store.activeMessages()[1]).toMatchObject({ deleted: true, edited: false });
      // An older copy arriving late does not undo the delete.
      incoming.next({ type: 'message.updated', conversation_id: 1, message: message(2, { text: 'fixed', edited_at: 5, change_seq: 4 }) });
      expect(store.activeMessages()[1].deleted).toBe(true);
      expect(store.activeMessages().length).toBe(2);
    });

    it('ignores a change to a message older than the loaded pages', async () => {
      await store.open(1);
      incoming.next({ type: 'message.updated', conversation_id: 1, message: message(-5, { change_seq: 9 }) });
      expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2]);
    });

    it('edits and deletes through the API and shows the answer at once', async () => {
      await store.open(1);
      api.editMessage.mockResolvedValue(message(1, { text: 'new', edited_at: 9, change_seq: 3 }));
      await store.edit(101, 'new');
      expect(api.editMessage).toHaveBeenCalledWith(1, 101, 'new');
      expect(store.activeMessages()[0]).toMatchObject({ text: 'new', edited: true });
      api.deleteMessage.mockResolvedValue(message(1, { text: '', deleted: true, change_seq: 4 }));
      await store.remove(101);
      expect(store.activeMessages()[0].deleted).toBe(true);
    });

    it('after a reconnect resumes with sync: replayed changes apply, sync.done moves the cursor', async () => {
      api.listMessages.mockResolvedValueOnce({ items: [message(1, { change_seq: 1 }), message(2, { change_seq: 2 })], has_more: false });
      await store.open(1);
      const hello = () => incoming.next({ type: 'hello', seq: 0, user: { id: ME, display_name: 'Ana' }, server_time: 0 });
      hello();
      hello();
      expect(notify).toHaveBeenLastCalledWith('sync', { id: 'sync2', cursors: { '1': 2 } });
      incoming.next({ type: 'sync.replay', id: 'sync2', conversation_id: 1, from: 2, to: 9, complete: true });
      incoming.next({ type: 'message.updated', conversation_id: 1, message: message(1, { text: 'edited', edited_at: 1, change_seq: 8 }) });
      incoming.next({ type: 'message.new', conversation_id: 1, message: message(3, { change_seq: 9 }) });
      incoming.next({ type: 'sync.done', id: 'sync2' });
      expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(store.activeMessages()[0].text).toBe('edited');
      hello();
      expect(notify).toHaveBeenLastCalledWith('sync', { id: 'sync3', cursors: { '1': 9 } });
      // Cut short (more than 200 missed): the rest is read over REST.
      incoming.next({ type: 'sync.replay', id: 'sync3', conversation_id: 1, from: 9, to: 300, complete: false });
      await vi.waitFor(() => expect(api.listChanges).toHaveBeenCalledWith(1, 9, 200));
      expect(api.listChanges).toHaveBeenCalledTimes(1);
    });

    it('after a reconnect without a usable socket reads /changes from the last change seen in storage, page by page', async () => {
      notify.mockReturnValue(false);
      api.listMessages.mockResolvedValueOnce({ items: [message(1, { change_seq: 1 }), message(2, { change_seq: 2 })], has_more: false });
      await store.open(1);
      // A live event while connected does not move the catch-up point.
      live(message(5, { change_seq: 5 }));
      api.listChanges
        .mockResolvedValueOnce({ items: [message(1, { text: 'edited', edited_at: 1, change_seq: 3 }), message(3, { change_seq: 4 })], has_more: true })
        .mockResolvedValueOnce({ items: [message(4, { change_seq: 6 })], has_more: false });
      incoming.next({ type: 'hello', seq: 0, user: { id: ME, display_name: 'Ana' }, server_time: 0 });
      incoming.next({ type: 'hello', seq: 0, user: { id: ME, display_name: 'Ana' }, server_time: 0 });
      await vi.waitFor(() => expect(api.listChanges).toHaveBeenCalledTimes(2));
      expect(api.listChanges.mock.calls[0]).toEqual([1, 2, 200]);
      expect(api.listChanges.mock.calls[1]).toEqual([1, 4, 200]);
      await vi.waitFor(() => expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]));
      expect(store.activeMessages()[0].text).toBe('edited');
    });

    it('shows who is typing for a few seconds, never me, and throttles my own signal', async () => {
      vi.useFakeTimers();
      try {
        await store.open(1);
        incoming.next({ type: 'typing', conversation_id: 1, user: { id: BIA + 1 } });
        incoming.next({ type: 'typing', conversation_id: 1, user: { id: ME } });
        incoming.next({ type: 'typing', conversation_id: 2, user: { id: BIA + 2 } });
        expect(store.activeTyping()).toEqual(['Person 1']);
        vi.advanceTimersByTime(6_000);
        expect(store.activeTyping()).toEqual([]);
        store.sendTyping();
        store.sendTyping();
        expect(notify).toHaveBeenCalledTimes(1);
        expect(notify).toHaveBeenCalledWith('typing', { conversation_id: 1 });
        vi.advanceTimersByTime(2_100);
        store.sendTyping();
        expect(notify).toHaveBeenCalledTimes(2);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe('jumping to a message', () => {
    it('loads one page around an old message, then newer pages; live messages wait until the newest page', async () => {
      api.listMessages.mockResolvedValueOnce({ items: [message(900), message(901)], has_more: true });
      await store.open(1);
      api.listMessages
        .mockResolvedValueOnce({ items: [message(10), message(11)], has_more: true })
        .mockResolvedValueOnce({ items: [message(12), message(13)], has_more: true });
      expect(await store.jumpTo(11)).toBe(true);
      expect(api.listMessages).toHaveBeenCalledWith(1, { before: 12, limit: 25 });
      expect(api.listMessages).toHaveBeenCalledWith(1, { after: 11, limit: 25 });
      expect(store.activeMessages().map((m) => m.seq)).toEqual([10, 11, 12, 13]);
      expect(store.activeHasNewer()).toBe(true);
      live(message(902));
      expect(store.activeMessages().map((m) => m.seq)).toEqual([10, 11, 12, 13]);
      api.listMessages.mockResolvedValueOnce({ items: [message(14)], has_more: false });
      await store.loadNewer();
      expect(api.listMessages).toHaveBeenLastCalledWith(1, { after: 13, limit: 50 });
      expect(store.activeHasNewer()).toBe(false);
      // Inside the loaded range nothing is fetched.
      const calls = api.listMessages.mock.calls.length;
      expect(await store.jumpTo(12)).toBe(true);
      expect(api.listMessages.mock.calls.length).toBe(calls);
    });
  });

  describe('reactions, threads, mentions', () => {
    it('applies reaction.updated (even a partial message) and toggles through reaction.toggle', async () => {
      await store.open(1);
      incoming.next({
        type: 'reaction.updated', conversation_id: 1, message_id: 102, emoji: '👍', on: true,
        message: { id: 102, change_seq: 7, reactions: [{ emoji: '👍', count: 1, me: false }] } as unknown as ChatMessage,
      });
      expect(store.activeMessages()[1]).toMatchObject({ text: 'message 2', reactions: [{ emoji: '👍', count: 1, me: false }] });
      request.mockResolvedValue({ type: 'reaction.ack', id: 'c1', changed: true, on: true, message: message(2, { change_seq: 8, reactions: [{ emoji: '👍', count: 2, me: true }] }) });
      await store.toggleReaction(102, '👍');
      expect(request).toHaveBeenCalledWith('reaction.toggle', { conversation_id: 1, message_id: 102, emoji: '👍' });
      expect(store.activeMessages()[1].reactions).toEqual([{ emoji: '👍', count: 2, me: true }]);
    });

    it('keeps thread replies out of the timeline and unread count, in the open thread panel', async () => {
      await store.open(1);
      live(message(7, { conversation_id: 2, thread_root_id: 500 }));
      expect(store.directs().find((c) => c.id === 2)?.unread).toBe(0);
      api.listThread.mockResolvedValue({ root: message(2, { reply_count: 1 }), items: [message(3, { id: 300, thread_root_id: 102 })], has_more: false, following: true });
      await store.openThread(102);
      expect(api.listThread).toHaveBeenCalledWith(1, 102, { limit: 50 });
      await vi.waitFor(() => expect(api.markThreadRead).toHaveBeenCalledWith(1, 102, 3));
      expect(store.threadReplies().map((m) => m.id)).toEqual([300]);
      live(message(4, { id: 301, thread_root_id: 102 }));
      incoming.next({ type: 'message.updated', conversation_id: 1, message: message(2, { reply_count: 2, change_seq: 5 }) });
      expect(store.threadReplies().map((m) => m.id)).toEqual([300, 301]);
      expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2]);
      expect(store.activeMessages()[1].replyCount).toBe(2);
      request.mockResolvedValue({ type: 'message.ack', id: 'c1', duplicate: false, message: message(5, { id: 302, thread_root_id: 102, author: { id: ME, display_name: 'Ana' } }) });
      await store.replyInThread('me too');
      expect(request).toHaveBeenCalledWith('message.send', expect.objectContaining({ conversation_id: 1, text: 'me too', thread_root_id: 102 }));
      expect(store.threadReplies().map((m) => m.id)).toEqual([300, 301, 302]);
      await store.setFollowing(false);
      expect(api.followThread).toHaveBeenCalledWith(1, 102, false);
      expect(store.threadPanel()?.following).toBe(false);
    });

    it('counts mentions elsewhere and clears them on reading', async () => {
      await store.open(1);
      incoming.next({ type: 'mention', conversation_id: 2, kind: 'user', message: message(9, { conversation_id: 2 }) });
      incoming.next({ type: 'mention', conversation_id: 1, kind: 'user', message: message(9) });
      expect(store.directs().find((c) => c.id === 2)?.mentions).toBe(1);
      expect(store.directs().find((c) => c.id === 1)?.mentions).toBe(0);
      await store.open(2);
      expect(store.directs().find((c) => c.id === 2)?.mentions).toBe(0);
    });
  });

  it('follows read.updated in a direct conversation for "seen" receipts', async () => {
    await store.open(1);
    expect(store.activeSeenSeq()).toBeNull();
    incoming.next({ type: 'read.updated', conversation_id: 1, user_id: BIA + 1, last_read_seq: 2 });
    expect(store.activeSeenSeq()).toBe(2);
    incoming.next({ type: 'read.updated', conversation_id: 1, user_id: BIA + 1, last_read_seq: 1 });
    expect(store.activeSeenSeq()).toBe(2);
  });

  it('shows agents how far the customer has read in a support conversation (not other agents)', async () => {
    const CUSTOMER = 900;
    const support = conversation(3, {
      kind: 'support',
      created_by: CUSTOMER,
      my_role: 'member',
      members: [
        { user_id: CUSTOMER, display_name: 'Carl', role: 'member', last_read_seq: 1 },
        { user_id: ME, display_name: 'Ana Silva', role: 'member', last_read_seq: 4 },
        { user_id: BIA, display_name: 'Bia Costa', role: 'member', last_read_seq: 9 },
      ],
    });
    api.listConversations.mockResolvedValueOnce({ items: [support] });
    api.getConversation.mockResolvedValueOnce(support);
    await store.load();
    await store.open(3);
    expect(store.activeSeenSeq()).toBe(1);
    incoming.next({ type: 'read.updated', conversation_id: 3, user_id: BIA, last_read_seq: 12 });
    expect(store.activeSeenSeq()).toBe(1);
    incoming.next({ type: 'read.updated', conversation_id: 3, user_id: CUSTOMER, last_read_seq: 4 });
    expect(store.activeSeenSeq()).toBe(4);
  });

  describe('a long conversation (bounded window in memory)', () => {
    const page = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

    beforeEach(async () => {
      // 100,000 messages on the server; the newest page first.
      api.listMessages.mockImplementation((_id: number, q: { before?: number; after?: number; limit: number }) => {
        const total = 100_000;
        if (q.before !== undefined) {
          const to = q.before - 1;
          const from = Math.max(1, to - q.limit + 1);
          return Promise.resolve({ items: page(from, to), has_more: from > 1 });
        }
        if (q.after !== undefined) {
          const from = q.after + 1;
          const to = Math.min(total, from + q.limit - 1);
          return Promise.resolve({ items: page(from, to), has_more: to < total });
        }
        return Promise.resolve({ items: page(total - q.limit + 1, total), has_more: true });
      });
      await store.open(1);
    });

    it('keeps at most MAX_LOADED messages while scrolling up 100 pages, and can come back down', async () => {
      for (let i = 0; i < 100; i++) {
        const seqs = store.activeMessages();
        // The page draws the oldest 150 loaded (scrolled to the top).
        store.setViewport(1, seqs[0].seq, seqs[Math.min(149, seqs.length - 1)].seq);
        await store.loadOlder();
      }
      const seqs = store.activeMessages().map((m) => m.seq as number);
      expect(seqs.length).toBe(MAX_LOADED);
      expect(seqs[0]).toBe(100_000 - 101 * 50 + 1);
      expect(store.activeHasNewer()).toBe(true);
      expect(store.activeHasMore()).toBe(true);
      // Down again: newer pages load, the oldest are dropped.
      for (let i = 0; i < 20; i++) {
        const all = store.activeMessages();
        store.setViewport(1, all[all.length - 150].seq, all[all.length - 1].seq);
        await store.loadNewer();
      }
      expect(store.activeMessages().length).toBe(MAX_LOADED);
      expect(store.activeMessages().at(-1)?.seq).toBe(100_000 - 101 * 50 + 20 * 50 + MAX_LOADED);
    });

    it('drops the oldest when live messages arrive while the newest are on screen', async () => {
      store.setViewport(1, 99_901, 100_000);
      for (let i = 0; i < 3; i++) {
        await store.loadOlder();
      }
      for (let seq = 100_001; seq <= 100_600; seq++) {
        store.setViewport(1, seq - 150, seq - 1);
        live(message(seq));
      }
      const seqs = store.activeMessages().map((m) => m.seq);
      expect(seqs.length).toBe(MAX_LOADED);
      expect(seqs.at(-1)).toBe(100_600);
      expect(store.activeHasNewer()).toBe(false);
      expect(store.activeHasMore()).toBe(true);
    });

    it('keeps what is on screen when live messages arrive while reading older ones; they load later', async () => {
      for (let i = 0; i < 11; i++) await store.loadOlder(); // 600 loaded: 99,401 .. 100,000
      store.setViewport(1, 99_401, 99_550);
      live(message(100_001));
      expect(store.activeMessages()[0].seq).toBe(99_401);
      expect(store.activeHasNewer()).toBe(true);
      expect(store.activeMessages().length).toBe(MAX_LOADED);
    });

    // Speed is measured in bench/chat_scroll.mjs (Chromium), not asserted here.
    it('a thousand live messages with 100,000 behind the window keep the window bounded and in order', () => {
      for (let seq = 100_001; seq <= 101_000; seq++) live(message(seq));
      const seqs = store.activeMessages().map((m) => m.seq);
      expect(seqs.length).toBeLessThanOrEqual(MAX_LOADED);
      expect(seqs.at(-1)).toBe(101_000);
      expect(seqs.every((s, i) => i === 0 || s === (seqs[i - 1] ?? 0) + 1)).toBe(true);
    });
  });

  it('loads older replies in the thread panel before the first one shown', async () => {
    await store.open(1);
    api.listThread.mockResolvedValueOnce({
      root: message(2, { reply_count: 60 }),
      items: Array.from({ length: 50 }, (_, i) => message(20 + i, { id: 500 + i, thread_root_id: 102 })),
      has_more: true,
      following: false,
    });
    await store.openThread(102);
    expect(store.threadPanel()?.hasMore).toBe(true);
    api.listThread.mockResolvedValueOnce({
      root: message(2, { reply_count: 60 }),
      items: Array.from({ length: 10 }, (_, i) => message(10 + i, { id: 400 + i, thread_root_id: 102 })),
      has_more: false,
      following: false,
    });
    await store.loadOlderReplies();
    expect(api.listThread).toHaveBeenLastCalledWith(1, 102, { before: 20, limit: 50 });
    expect(store.threadReplies().length).toBe(60);
    expect(store.threadReplies()[0].seq).toBe(10);
    expect(store.threadPanel()?.hasMore).toBe(false);
  });

  it('lists a conversation I was added to at once, and drops one I was removed from (issue 15, defect 4)', async () => {
    await store.open(1);
    expect(store.conversations().map((c) => c.id)).toEqual([1, 2]);
    incoming.next({ type: 'conversation.added', conversation_id: 7, by: 5 });
    await vi.waitFor(() => expect(store.conversations().map((c) => c.id)).toContain(7));
    expect(api.getConversation).toHaveBeenCalledWith(7);
    // Removed from the one I have open: it leaves the sidebar and the page says I am out of it.
    incoming.next({ type: 'conversation.removed', conversation_id: 1, by: 5 });
    expect(store.conversations().map((c) => c.id)).toEqual([2, 7]);
    expect(store.openMissing()).toBe(true);
    expect(store.openRemoved()).toBe(true);
  });

  it('reads the open conversation again when its members change, and no other', async () => {
    await store.open(1);
    api.getConversation.mockClear();
    incoming.next({ type: 'conversation.members', conversation_id: 2, added: [9], removed: [], by: 5 });
    incoming.next({ type: 'conversation.members', conversation_id: 1, added: [9], removed: [], by: 5 });
    await vi.waitFor(() => expect(api.getConversation).toHaveBeenCalledTimes(1));
    expect(api.getConversation).toHaveBeenCalledWith(1);
  });

  it('applies conversation.updated: new name and topic, my new role', async () => {
    await store.open(1);
    api.getConversation.mockReturnValue(new Promise(() => undefined)); // the re-read does not answer here
    incoming.next({
      type: 'conversation.updated',
      conversation_id: 1,
      change: 'details',
      conversation: { id: 1, name: 'Renamed', topic: 'New topic' },
    });
    expect(store.active()?.name).toBe('Renamed');
    expect(store.active()?.topic).toBe('New topic');
    // A member change moves the member only: its conversation may be older than the rename.
    incoming.next({
      type: 'conversation.updated',
      conversation_id: 1,
      change: 'member',
      conversation: { id: 1, name: 'Old name', topic: '' },
      member: { user_id: ME, role: 'read_only', can_post: true },
    });
    expect(store.active()?.name).toBe('Renamed');
    expect(store.active()?.my_role).toBe('read_only');
    expect(store.active()?.members.find((m) => m.user_id === ME)?.role).toBe('read_only');
    await Promise.resolve();
    expect(api.getConversation).toHaveBeenLastCalledWith(1);
  });

  it('catching up over REST applies purges and renames from /changes and continues from `to`', async () => {
    notify.mockReturnValue(false);
    api.listMessages.mockResolvedValueOnce({ items: [message(1, { change_seq: 1 }), message(2, { change_seq: 2 })], has_more: false });
    await store.open(1);
    api.getConversation.mockReturnValue(new Promise(() => undefined));
    api.listChanges
      .mockResolvedValueOnce({
        items: [],
        events: [{ type: 'messages.purged', conversation_id: 1, change_seq: 3, message_ids: [101] }],
        has_more: true,
        to: 3,
      })
      .mockResolvedValueOnce({
        items: [message(3, { change_seq: 5 })],
        events: [{ type: 'conversation.updated', conversation_id: 1, change_seq: 6, change: 'details', conversation: { id: 1, name: 'While away' } }],
        has_more: false,
        to: 6,
      });
    incoming.next({ type: 'hello', seq: 0, user: { id: ME, display_name: 'Ana' }, server_time: 0 });
    incoming.next({ type: 'hello', seq: 0, user: { id: ME, display_name: 'Ana' }, server_time: 0 });
    await vi.waitFor(() => expect(api.listChanges).toHaveBeenCalledTimes(2));
    expect(api.listChanges.mock.calls[1]).toEqual([1, 3, 200]);
    await vi.waitFor(() => expect(store.activeMessages().map((m) => m.seq)).toEqual([2, 3]));
    expect(store.active()?.name).toBe('While away');
  });

  it('drops purged messages from the timeline and the thread panel', async () => {
    await store.open(1);
    api.listThread.mockResolvedValueOnce({ root: message(2), items: [message(3, { id: 300, thread_root_id: 102 })], has_more: false, following: false });
    await store.openThread(102);
    incoming.next({ type: 'messages.purged', conversation_id: 1, message_ids: [101, 300] });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([2]);
    expect(store.threadReplies()).toEqual([]);
    incoming.next({ type: 'messages.purged', conversation_id: 1, message_ids: [102] });
    expect(store.threadPanel()).toBeNull();
  });
});
