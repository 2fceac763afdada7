import { computed, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { LoginResponse, Me, Role } from './api-types';

/** Where the session survives a reload; a token so tests can swap it. */
export const SESSION_STORAGE = new InjectionToken<Storage | null>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return globalThis.localStorage ?? null;
    } catch {
      return null; // storage disabled by the browser: keep the session in memory only
    }
  },
});

/** Unix milliseconds; a token so tests can pin the time. */
export const NOW = new InjectionToken<() => number>('NOW', {
  providedIn: 'root',
  factory: () => () => Date.now(),
});

const STORAGE_KEY = 'meridian.session';

interface StoredSession {
  token: string;
  expiresAt: number;
}

function readStored(storage: Storage | null): StoredSession | null {
  const raw = storage?.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.token === 'string' && parsed.token && typeof parsed.expiresAt === 'number') {
      return { token: parsed.token, expiresAt: parsed.expiresAt };
    }
  } catch {
    // corrupt entry: treat as signed out
  }
  storage?.removeItem(STORAGE_KEY);
  return null;
}

/** The signed-in user's token and profile. */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly now = inject(NOW);

  private readonly session = signal<StoredSession | null>(readStored(this.storage));
  private readonly profile = signal<Me | null>(null);

  readonly token = computed(() => this.session()?.token ?? null);
  readonly expiresAt = computed(() => this.session()?.expiresAt ?? null);
  readonly user = this.profile.asReadonly();
  readonly roles = computed<readonly Role[]>(() => this.profile()?.roles ?? []);
  readonly isAdmin = computed(() => this.roles().includes('admin'));

  /** True when a token exists and has not expired yet. */
  hasValidToken(): boolean {
    const session = this.session();
    if (!session) return false;
    if (session.expiresAt <= this.now()) {
      this.clear();
      return false;
    }
    return true;
  }

  start(login: LoginResponse): void {
    const session = { token: login.token, expiresAt: login.expires_at };
    this.session.set(session);
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(session));
    // The login answer has no feature flags; /me fills them in.
    this.profile.set(null);
  }

  setProfile(me: Me): void {
    this.profile.set(me);
  }

  clear(): void {
    this.session.set(null);
    this.profile.set(null);
    this.storage?.removeItem(STORAGE_KEY);
  }
}
