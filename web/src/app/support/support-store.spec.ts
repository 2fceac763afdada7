import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { SupportStore } from './support-store';

const flushAll = () => new Promise((r) => setTimeout(r, 0));

function setup(kind: string, admin = false) {
  const incoming = new Subject<ServerMessage>();
  TestBed.configureTestingModule({
    providers: [
      SupportStore,
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: SessionStore, useValue: { user: signal({ id: 5, kind }), isAdmin: signal(admin) } },
      {
        provide: RealtimeService,
        useValue: {
          status: signal('connected'),
          messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
        },
      },
    ],
  });
  return { store: TestBed.inject(SupportStore), http: TestBed.inject(HttpTestingController), incoming };
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
    await selected;
    // Live messages of the open conversation are added once; others are ignored.
    const reply = { id: 11, conversation_id: 3, seq: 2, author: { id: 7, display_name: 'Ada' }, client_id: 'b', text: 'hi', created_at: 2 };
    incoming.next({ type: 'message.new', conversation_id: 3, message: reply });
    incoming.next({ type: 'message.new', conversation_id: 3, message: reply });
    incoming.next({ type: 'message.new', conversation_id: 4, message: { ...reply, id: 12, conversation_id: 4 } });
    expect(store.messages().map((m) => m.id)).toEqual([10, 11]);

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
