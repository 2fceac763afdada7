import { TestBed } from '@angular/core/testing';
import { makeMe } from '../../testing/fixtures';
import { Injector } from '@angular/core';
import { REALTIME_OPTIONS, REALTIME_TOKEN, RealtimeError, RealtimeService, SOCKET_FACTORY, ServerMessageMap, SocketLike } from './realtime.service';
import { SESSION_STORAGE, SessionStore } from './session.store';

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number): void {
    this.closedWith = code ?? 1000;
    this.readyState = 3;
  }
  // --- driven by the test ---
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(message: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: typeof message === 'string' ? message : JSON.stringify(message) }));
  }
  drop(): void {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.(new CloseEvent('close', { code: 1006 }));
  }
  closedByServer(code: number, reason: string): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }
}

describe('RealtimeService', () => {
  let sockets: FakeSocket[];
  let service: RealtimeService;
  let session: SessionStore;
  const latest = () => sockets[sockets.length - 1];

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: SESSION_STORAGE, useValue: null },
        {
          provide: SOCKET_FACTORY,
          useValue: (url: string, protocols: string[]) => {
            const socket = new FakeSocket(url, protocols);
            sockets.push(socket);
            return socket;
          },
        },
        {
          provide: REALTIME_OPTIONS,
          // random() = 1 - tiny: every delay sits at its ceiling, so the test can predict it.
          useValue: {
            backoff: { baseMs: 1_000, capMs: 30_000 },
            stableAfterMs: 10_000,
            pingEveryMs: 25_000,
            requestTimeoutMs: 5_000,
            random: () => 0.999999,
          },
        },
      ],
    });
    session = TestBed.inject(SessionStore);
    session.start({ token: 'tok123', expires_at: Date.now() + 3_600_000, user: makeMe() });
    service = TestBed.inject(RealtimeService);
  });

  afterEach(() => {
    service.stop();
    vi.useRealTimers();
  });

  it('connects to /ws with the meridian and bearer subprotocols', () => {
    service.start();
    expect(sockets).toHaveLength(1);
    expect(latest().url).toBe(`${location.origin.replace(/^http/, 'ws')}/ws`);
    expect(latest().protocols).toEqual(['meridian.v1', 'bearer.tok123']);
    expect(service.status()).toBe('connecting');
    latest().open();
    // Open is not enough: the server has registered the connection once it says hello.
    expect(service.status()).toBe('connecting');
    latest().receive({ type: 'hello', seq: 1, user: { id: 1, display_name: 'Ana' }, server_time: 0 });
    expect(service.status()).toBe('connected');
  });

  it('is connected for the hello listeners already', () => {
    const seen: string[] = [];
    service.messages('hello').subscribe(() => seen.push(service.status()));
    service.start();
    latest().open();
    latest().receive({ type: 'hello', seq: 1, user: { id: 1, display_name: 'Ana' }, server_time: 0 });
    expect(seen).toEqual(['connected']);
  });

  it('stops and reports the end of the session when the server closes with 1008 for it', () => {
    const ended: string[] = [];
    service.sessionEnded.subscribe((reason) => ended.push(reason));
    service.start();
    latest().open();
    latest().closedByServer(1008, 'account deactivated');
    expect(ended).toEqual(['account deactivated']);
    expect(service.status()).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1); // no reconnect with a token that no longer works
  });

  it('reconnects after a 1008 that is not about the session (slow consumer)', () => {
    service.start();
    latest().open();
    latest().closedByServer(1008, 'send queue overflow');
    expect(service.status()).toBe('reconnecting');
    vi.advanceTimersByTime(1_000);
    expect(sockets).toHaveLength(2);
  });

  it('does not connect without a token', () => {
    session.clear();
    service.start();
    expect(sockets).toHaveLength(0);
    expect(service.status()).toBe('offline');
  });

  it('routes messages to the stream of their type', () => {
    const hellos: ServerMessageMap['hello'][] = [];
    const errors: ServerMessageMap['error'][] = [];
    service.messages('hello').subscribe((m) => hellos.push(m));
    service.messages('error').subscribe((m) => errors.push(m));
    service.start();
    latest().open();
    latest().receive({ type: 'hello', seq: 1, user: { id: 7, display_name: 'Ana' }, server_time: 123 });
    latest().receive({ type: 'error', error: { code: 'bad', message: 'Bad frame' } });
    latest().receive('not json');
    latest().receive({ no: 'type' });
    expect(hellos).toEqual([{ type: 'hello', seq: 1, user: { id: 7, display_name: 'Ana' }, server_time: 123 }]);
    expect(errors.map((e) => e.error.code)).toEqual(['bad']);
  });

  it('answers a request with the reply carrying its id', async () => {
    service.start();
    latest().open();
    const reply = service.request('ping');
    const sent = latest().sent[0];
    expect(sent['type']).toBe('ping');
    expect(typeof sent['id']).toBe('string');
    latest().receive({ type: 'pong', id: sent['id'] });
    await expect(reply).resolves.toEqual({ type: 'pong', id: sent['id'] });
  });

  it('rejects a request answered with an error', async () => {
    service.start();
    latest().open();
    const reply = service.request('ping');
    latest().receive({ type: 'error', id: latest().sent[0]['id'], error: { code: 'forbidden', message: 'No.' } });
    await expect(reply).rejects.toEqual(expect.objectContaining({ code: 'forbidden', message: 'No.' }));
  });

  it('rejects a request while disconnected', async () => {
    await expect(service.request('ping')).rejects.toBeInstanceOf(RealtimeError);
  });

  it('reconnects with growing delays while the server stays away', () => {
    service.start();
    latest().drop(); // attempt 0 failed: next try within 1 s
    expect(service.status()).toBe('reconnecting');
    vi.advanceTimersByTime(998);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);

    latest().drop(); // then within 2 s
    vi.advanceTimersByTime(1_998);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    latest().drop(); // then within 4 s
    vi.advanceTimersByTime(3_999);
    expect(sockets).toHaveLength(4);
    expect(service.status()).toBe('reconnecting');
  });

  it('caps the delay', () => {
    service.start();
    for (let i = 0; i < 12; i++) {
      latest().drop();
      vi.advanceTimersByTime(30_000);
    }
    expect(sockets).toHaveLength(13);
    latest().drop();
    vi.advanceTimersByTime(29_999);
    expect(sockets).toHaveLength(14);
  });

  it('a connection that drops right after opening keeps backing off', () => {
    service.start();
    latest().drop();
    vi.advanceTimersByTime(1_000);
    latest().open();
    vi.advanceTimersByTime(500); // not yet stable
    latest().drop();
    expect(service.failedAttempts).toBe(2);
  });

  it('resets the backoff after a stable connection', () => {
    service.start();
    latest().drop();
    vi.advanceTimersByTime(1_000);
    latest().drop();
    vi.advanceTimersByTime(2_000);
    expect(service.failedAttempts).toBe(2);
    latest().open();
    vi.advanceTimersByTime(10_000);
    expect(service.failedAttempts).toBe(0);
    latest().drop();
    vi.advanceTimersByTime(999); // back to the first, short delay
    expect(sockets).toHaveLength(4);
  });

  it('closes a link that stops answering pings', async () => {
    service.start();
    latest().open();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(latest().sent.map((m) => m['type'])).toEqual(['ping']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(latest().closedWith).toBe(4000);
  });

  it('stop() closes the socket, fails pending requests and stops reconnecting', async () => {
    service.start();
    latest().open();
    const reply = service.request('ping');
    service.stop();
    await expect(reply).rejects.toBeInstanceOf(RealtimeError);
    expect(latest().closedWith).toBe(1000);
    expect(service.status()).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('stops retrying once the session is gone', () => {
    service.start();
    latest().drop();
    session.clear();
    vi.advanceTimersByTime(1_000);
    expect(sockets).toHaveLength(1);
    expect(service.status()).toBe('offline');
  });

  it('reports every status change on statusChanges, in order', () => {
    const seen: string[] = [];
    service.statusChanges.subscribe((status) => seen.push(status));
    service.start();
    latest().open();
    latest().receive({ type: 'hello', seq: 1, server_time: 0 });
    latest().drop();
    expect(seen).toEqual(['connecting', 'connected', 'reconnecting']);
  });

  it('an instance of its own authenticates with the token it is given (a meeting guest pass)', () => {
    const guest = Injector.create({
      providers: [RealtimeService, { provide: REALTIME_TOKEN, useValue: () => 'mg_pass' }],
      parent: TestBed.inject(Injector),
    });
    guest.get(RealtimeService).start();
    expect(latest().protocols).toEqual(['meridian.v1', 'bearer.mg_pass']);
    guest.destroy();
    expect(latest().closedWith).toBe(1000);
  });
});
