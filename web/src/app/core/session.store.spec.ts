import { TestBed } from '@angular/core/testing';
import { makeMe } from '../../testing/fixtures';
import { NOW, SESSION_STORAGE, SessionStore } from './session.store';

class MemoryStorage implements Storage {
  private readonly data = new Map<string, string>();
  get length(): number {
    return this.data.size;
  }
  clear(): void {
    this.data.clear();
  }
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.data.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

describe('SessionStore', () => {
  let storage: MemoryStorage;
  let now: number;

  function create(): SessionStore {
    TestBed.configureTestingModule({
      providers: [
        { provide: SESSION_STORAGE, useValue: storage },
        { provide: NOW, useValue: () => now },
      ],
    });
    return TestBed.inject(SessionStore);
  }

  beforeEach(() => {
    storage = new MemoryStorage();
    now = 1_000_000;
  });

  it('starts signed out', () => {
    const store = create();
    expect(store.token()).toBeNull();
    expect(store.hasValidToken()).toBe(false);
    expect(store.isAdmin()).toBe(false);
  });

  it('keeps the token after login and persists it', () => {
    const store = create();
    store.start({ token: 'tok', expires_at: now + 60_000, user: makeMe() });
    expect(store.token()).toBe('tok');
    expect(store.hasValidToken()).toBe(true);
    expect(JSON.parse(storage.getItem('meridian.session')!)).toEqual({ token: 'tok', expiresAt: now + 60_000 });
  });

  it('restores a saved session on start-up', () => {
    storage.setItem('meridian.session', JSON.stringify({ token: 'saved', expiresAt: now + 5_000 }));
    expect(create().token()).toBe('saved');
  });

  it('drops an expired token', () => {
    const store = create();
    store.start({ token: 'tok', expires_at: now + 1_000, user: makeMe() });
    now += 1_000;
    expect(store.hasValidToken()).toBe(false);
    expect(store.token()).toBeNull();
    expect(storage.getItem('meridian.session')).toBeNull();
  });

  it('ignores a corrupt saved entry', () => {
    storage.setItem('meridian.session', '{not json');
    expect(create().token()).toBeNull();
    expect(storage.getItem('meridian.session')).toBeNull();
  });

  it('knows admins by role', () => {
    const store = create();
    store.setProfile(makeMe({ roles: ['admin', 'employee'] }));
    expect(store.isAdmin()).toBe(true);
  });

  it('clear() forgets token and profile', () => {
    const store = create();
    store.start({ token: 'tok', expires_at: now + 60_000, user: makeMe() });
    store.setProfile(makeMe());
    store.clear();
    expect(store.token()).toBeNull();
    expect(store.user()).toBeNull();
    expect(storage.length).toBe(0);
  });
});
