import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { IDLE_AFTER_MS, PresenceInfo, PresenceStore, cityOf, describeLocalTime } from './presence-store';

const LISBON: PresenceInfo = {
  user_id: 8,
  status: 'online',
  status_text: '',
  country: 'PT',
  time_zone: 'Europe/Lisbon',
  working_hours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
};

describe('describeLocalTime', () => {
  it('says the local time, the city and whether it is inside working hours', () => {
    // Tuesday 2025-03-04 22:14 UTC = 22:14 in Lisbon (WET).
    expect(describeLocalTime(LISBON, Date.UTC(2025, 2, 4, 22, 14))).toBe('22:14 in Lisbon, outside working hours');
    expect(describeLocalTime(LISBON, Date.UTC(2025, 2, 4, 10, 5))).toBe('10:05 in Lisbon, inside working hours');
    // Saturday is not a working day.
    expect(describeLocalTime(LISBON, Date.UTC(2025, 2, 8, 10, 5))).toBe('10:05 in Lisbon, outside working hours');
    expect(describeLocalTime({ ...LISBON, time_zone: 'Nowhere/Else' }, 0)).toBe('');
    expect(describeLocalTime(undefined, 0)).toBe('');
    expect(cityOf('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
  });

  it("prefers the server's working_now (a holiday, a day off, per-weekday hours) while it is fresh", () => {
    const at = Date.UTC(2025, 2, 4, 10, 5); // a Tuesday inside the weekly band
    const onHoliday = { ...LISBON, working_now: false, checked_at: at - 60_000 };
    expect(describeLocalTime(onHoliday, at)).toBe('10:05 in Lisbon, outside working hours');
    // Long after it was asked, the band decides again.
    expect(describeLocalTime(onHoliday, at + 60 * 60_000)).toBe('11:05 in Lisbon, inside working hours');
    expect(describeLocalTime({ ...LISBON, working_hours: undefined, working_now: true, checked_at: at }, at)).toBe('10:05 in Lisbon, inside working hours');
  });
});

describe('PresenceStore', () => {
  let incoming: Subject<ServerMessage>;
  let notify: ReturnType<typeof vi.fn>;
  let request: ReturnType<typeof vi.fn>;
  let http: HttpTestingController;
  let store: PresenceStore;

  beforeEach(() => {
    vi.useFakeTimers();
    incoming = new Subject<ServerMessage>();
    notify = vi.fn().mockReturnValue(true);
    request = vi.fn().mockResolvedValue({ type: 'presence.subscribed', users: [] });
    TestBed.configureTestingModule({
      providers: [
        PresenceStore,
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: IDLE_AFTER_MS, useValue: 1_000 },
        {
          provide: RealtimeService,
          useValue: {
            status: signal('connected'),
            notify,
            request,
            messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
          },
        },
      ],
    });
    store = TestBed.inject(PresenceStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => vi.useRealTimers());

  it('asks the server once per person, then follows presence batches', async () => {
    const first = store.want([8, 9, 8]);
    const req = http.expectOne((r) => r.url === '/api/v1/presence');
    expect(req.request.params.get('user_ids')).toBe('8,9');
    req.flush({ items: [LISBON] });
    await first;
    await store.want([8, 9]);
    http.expectNone('/api/v1/presence');
    expect(store.get(8)?.status).toBe('online');
    expect(store.get(9)).toBeUndefined(); // not visible to me: the server left it out

    incoming.next({ type: 'presence', users: [{ user_id: 8, status: 'dnd', status_text: 'Focus' }] });
    expect(store.get(8)).toMatchObject({ status: 'dnd', status_text: 'Focus', time_zone: 'Europe/Lisbon' });
  });

  it('subscribes the socket to the people it shows, once per tick, and again after a reconnect', async () => {
    request.mockResolvedValueOnce({ type: 'presence.subscribed', users: [{ user_id: 8, status: 'away', status_text: '' }] });
    const a = store.want([8, 9]);
    const b = store.want([10]);
    await Promise.resolve();
    expect(request).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith('presence.subscribe', { user_ids: [8, 9, 10] });
    await Promise.resolve();
    expect(store.get(8)?.status).toBe('away'); // the answer carries the current presence
    for (const r of http.match((r) => r.url === '/api/v1/presence')) r.flush({ items: [] });
    await Promise.all([a, b]);

    request.mockClear();
    incoming.next({ type: 'hello', seq: 2, user: { id: 1, display_name: 'Me' }, server_time: 0 });
    expect(request).toHaveBeenCalledWith('presence.subscribe', { user_ids: [8, 9, 10] });
    http.expectOne((r) => r.url === '/api/v1/presence').flush({ items: [] });
  });

  it('follows at most the 500 most recently shown people', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => i + 1);
    void store.want(ids);
    await Promise.resolve();
    const followed = store.subscribed();
    expect(followed.length).toBe(500);
    expect(followed[0]).toBe(101);
    expect(followed.at(-1)).toBe(600);
    expect(request).toHaveBeenLastCalledWith('presence.subscribe', { user_ids: followed });
  });

  it('reports this tab idle after a quiet while and active again on input', () => {
    vi.advanceTimersByTime(1_100);
    expect(notify).toHaveBeenLastCalledWith('presence.set', { idle: true });
    document.dispatchEvent(new Event('keydown'));
    expect(notify).toHaveBeenLastCalledWith('presence.set', { idle: false });
    expect(notify).toHaveBeenCalledTimes(2);
  });
});
