import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { Observable, Subject, filter } from 'rxjs';
import { BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { SessionStore } from './session.store';

/**
 * Messages the server sends, keyed by `type`: the transport's own here; each feature adds
 * its types beside it (`declare module '../core/realtime.service'`, e.g. chat/chat-events.ts).
 */
export interface ServerMessageMap {
  hello: { type: 'hello'; seq: number; user?: { id: number; display_name: string }; server_time: number };
  pong: { type: 'pong'; id: string };
  error: { type: 'error'; id?: string; error: { code: string; message: string } };
}

export type ServerMessageType = keyof ServerMessageMap;
export type ServerMessage = ServerMessageMap[ServerMessageType];

/** Messages the client sends, keyed by `type`; features add theirs as for ServerMessageMap. */
export interface ClientMessageMap {
  ping: Record<never, never>;
}

export type RealtimeStatus = 'offline' | 'connecting' | 'connected' | 'reconnecting';

/** The part of the browser WebSocket the service uses, so tests can fake it. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export const SOCKET_FACTORY = new InjectionToken<SocketFactory>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url, protocols) => new WebSocket(url, protocols),
});

export interface RealtimeOptions {
  backoff: BackoffPolicy;
  /** A connection that stays up this long resets the backoff. */
  stableAfterMs: number;
  /** How often to ping an idle connection, to notice dead links. */
  pingEveryMs: number;
  /** A request without an answer in this time fails. */
  requestTimeoutMs: number;
  random: () => number;
}

export const REALTIME_OPTIONS = new InjectionToken<RealtimeOptions>('REALTIME_OPTIONS', {
  providedIn: 'root',
  factory: () => ({
    backoff: DEFAULT_BACKOFF,
    stableAfterMs: 10_000,
    pingEveryMs: 25_000,
    requestTimeoutMs: 10_000,
    random: Math.random,
  }),
});

/**
 * The bearer token the link authenticates with: the signed-in session's by default. A page
 * used without an account (a meeting guest) gives its own instance a scoped pass instead.
 */
export const REALTIME_TOKEN = new InjectionToken<() => string | null>('REALTIME_TOKEN', {
  providedIn: 'root',
  factory: () => {
    const session = inject(SessionStore);
    return () => session.token();
  },
});

export const SUBPROTOCOL = 'meridian.v1';
const OPEN = 1;

export class RealtimeError extends Error {
  override readonly name = 'RealtimeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface PendingRequest {
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

function socketUrl(): string {
  return `${location.origin.replace(/^http/, 'ws')}/ws`;
}

function isServerMessage(value: unknown): value is ServerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * The one WebSocket of the app. Every feature listens with `messages(type)`
 * and asks with `request(type, body)`; this service keeps the link alive.
 */
/** Close code 1008 with one of these reasons means the token no longer works. */
const POLICY_VIOLATION = 1008;
const SESSION_OVER_REASONS = new Set(['signed out', 'account deactivated', 'password reset']);

@Injectable({ providedIn: 'root' })
export class RealtimeService {
  private readonly token = inject(REALTIME_TOKEN);
  private readonly createSocket = inject(SOCKET_FACTORY);
  private readonly options = inject(REALTIME_OPTIONS);

  private readonly statusState = signal<RealtimeStatus>('offline');
  private readonly statusSubject = new Subject<RealtimeStatus>();
  private readonly incoming = new Subject<ServerMessage>();
  private readonly pending = new Map<string, PendingRequest>();

  private socket: SocketLike | null = null;
  private wanted = false;
  private attempt = 0;
  private nextId = 1;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stableTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;

  readonly status = this.statusState.asReadonly();
  /** Every change of `status`, as it happens (for code outside a reactive context). */
  readonly statusChanges: Observable<RealtimeStatus> = this.statusSubject.asObservable();
  /**
   * Emits the server's reason when it closed the link because this session is over
   * (signed out elsewhere, account deactivated, password reset). Reconnecting with the
   * same token would only be refused, so the service stops instead.
   */
  readonly sessionEnded = new Subject<string>();
  /** How many reconnects in a row have failed; 0 after a stable connection. */
  get failedAttempts(): number {
    return this.attempt;
  }

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Every message of one type, typed. */
  messages<K extends ServerMessageType>(type: K): Observable<ServerMessageMap[K]> {
    return this.incoming.pipe(filter((message): message is ServerMessageMap[K] => message.type === type));
  }

  /** Opens the link (if not already) and keeps it open until stop(). */
  start(): void {
    this.wanted = true;
    if (this.socket || this.retryTimer) return;
    this.open();
  }

  /** Closes the link and stops reconnecting; pending requests fail. */
  stop(): void {
    this.wanted = false;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      socket.close(1000, 'signed out');
    }
    this.failPending(new RealtimeError('closed', 'The live connection was closed.'));
    this.attempt = 0;
    this.setStatus('offline');
  }

  /** Sends {type, id, ...body} and resolves with the answer carrying the same id. */
  request<K extends keyof ClientMessageMap>(type: K, body?: ClientMessageMap[K]): Promise<ServerMessage> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new RealtimeError('not_connected', 'Not connected to the server right now.'));
    }
    const id = `c${this.nextId++}`;
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RealtimeError('timeout', 'The server did not answer in time.'));
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...body, type, id }));
    });
  }

  /** Sends {type, ...body} without waiting for an answer; false when not connected. */
  notify<K extends keyof ClientMessageMap>(type: K, body?: ClientMessageMap[K]): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify({ ...body, type }));
    return true;
  }

  private open(): void {
    this.retryTimer = null;
    const token = this.token();
    if (!this.wanted || !token) {
      this.setStatus('offline');
      return;
    }
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(socketUrl(), [SUBPROTOCOL, `bearer.${token}`]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.onOpen();
    socket.onmessage = (event) => this.onMessage(event);
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = (event) => this.onClose(socket, event);
  }

  private onOpen(): void {
    // Not 'connected' yet: the server registers the connection for its fan-out after the
    // handshake answer has gone out, and says so with `hello`. Until then an event meant
    // for this user may miss the socket, so features that catch up or subscribe on
    // 'connected' (and tests that wait for it) would act too early.
    this.stableTimer = setTimeout(() => {
      this.stableTimer = null;
      this.attempt = 0;
    }, this.options.stableAfterMs);
    this.pingTimer = setInterval(() => {
      this.request('ping').catch(() => {
        // No pong: the link is dead even if the socket hasn't noticed.
        this.socket?.close(4000, 'ping timeout');
      });
    }, this.options.pingEveryMs);
  }

  private onMessage(event: MessageEvent): void {
    let message: unknown;
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return; // not ours to interpret
    }
    if (!isServerMessage(message)) return;
    // Before the listeners run, so that what they do on hello sees 'connected'.
    if (message.type === 'hello') this.setStatus('connected');
    const id = (message as { id?: unknown }).id;
    if (typeof id === 'string') {
      const waiting = this.pending.get(id);
      if (waiting) {
        this.pending.delete(id);
        clearTimeout(waiting.timer);
        if (message.type === 'error') {
          const { code, message: text } = (message as ServerMessageMap['error']).error;
          waiting.reject(new RealtimeError(code, text));
        } else {
          waiting.resolve(message);
        }
      }
    }
    this.incoming.next(message);
  }

  private onClose(socket: SocketLike, event?: CloseEvent): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.clearTimers();
    this.failPending(new RealtimeError('disconnected', 'The live connection dropped.'));
    if (event?.code === POLICY_VIOLATION && SESSION_OVER_REASONS.has(event.reason)) {
      this.stop();
      this.sessionEnded.next(event.reason);
      return;
    }
    if (!this.wanted) {
      this.setStatus('offline');
      return;
    }
    this.scheduleReconnect();
  }

  private setStatus(status: RealtimeStatus): void {
    if (this.statusState() === status) return;
    this.statusState.set(status);
    this.statusSubject.next(status);
  }

  private scheduleReconnect(): void {
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt, this.options.backoff, this.options.random);
    this.attempt++;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = this.stableTimer = this.pingTimer = null;
  }

  private failPending(error: Error): void {
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
  }
}
