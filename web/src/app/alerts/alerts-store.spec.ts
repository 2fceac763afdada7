import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { AlertsStore } from './alerts-store';
import { Alert, AlertReceipt, AlertView } from './alerts-api';
import { BROWSER_NOTIFICATIONS } from '../core/browser-notifications';
import { describeAudience, receiptsCsv, titleWithCount } from './alert-format';

const flushAll = () => new Promise((r) => setTimeout(r, 0));

function alert(id: number, extra: Partial<Alert> = {}): Alert {
  return {
    id, title: `Alert ${id}`, body: 'Body', priority: 'info', category: 'announcement', status: 'open', interrupts: false,
    sender: { id: 1, name: 'Admin' }, require_ack: false, quorum: null, dedup_key: null, repeat_count: 1,
    recipient_count: 3, ack_count: 0, created_at: id * 1000, updated_at: id * 1000, expires_at: null,
    acknowledged_at: null, resolved_at: null, ...extra,
  };
}

function receipt(extra: Partial<AlertReceipt> = {}): AlertReceipt {
  return { user_id: 7, display_name: 'Ana', country: 'DE', delivered_at: null, read_at: null, acknowledged_at: null, comment: '', ...extra };
}

const view = (id: number, extra: Partial<Alert> = {}, me: Partial<AlertReceipt> = {}): AlertView => ({ ...alert(id, extra), me: receipt(me) });

function setup({ visible = true, permission = 'default' as NotificationPermission, connected = true } = {}) {
  const incoming = new Subject<ServerMessage>();
  const notified: { type: string; body: unknown }[] = [];
  const shown: { title: string; options: unknown }[] = [];
  const link = { up: true };
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: PAGE_VISIBLE, useValue: () => visible },
      { provide: SessionStore, useValue: { user: signal({ id: 7, display_name: 'Ana', country: 'DE' }), isAdmin: signal(false) } },
      {
        provide: BROWSER_NOTIFICATIONS,
        useValue: {
          permission: () => permission,
          request: async () => 'granted',
          show: (title: string, options: unknown) => shown.push({ title, options }),
        },
      },
      {
        provide: RealtimeService,
        useValue: {
          status: signal(connected ? 'connected' : 'connecting'),
          messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
          notify: (type: string, body: unknown) => {
            if (!link.up) return false;
            notified.push({ type, body });
            return true;
          },
        },
      },
    ],
  });
  const store = TestBed.inject(AlertsStore);
  return { store, http: TestBed.inject(HttpTestingController), incoming, notified, shown, link };
}

async function started(items: AlertView[], options = {}) {
  const ctx = setup(options);
  ctx.store.start();
  ctx.http.expectOne('/api/v1/alerts').flush({ items });
  await flushAll();
  return ctx;
}

describe('AlertsStore', () => {
  afterEach(() => TestBed.inject(AlertsStore).stop());

  it('lists on start and sends alert.received only for alerts without delivered_at, once', async () => {
    const { store, notified, incoming, http } = await started([
      view(3),
      view(2, {}, { delivered_at: 5 }),
      view(1, { status: 'resolved' }),
    ]);
    expect(store.alerts().map((a) => a.id)).toEqual([3, 2, 1]);
    expect(notified).toEqual([
      { type: 'alert.received', body: { alert_id: 3 } },
      { type: 'alert.received', body: { alert_id: 1 } },
    ]);
    expect(store.alerts()[0].me?.delivered_at).not.toBeNull();

    // A reconnect lists again; the server now has the receipts: nothing is sent twice.
    incoming.next({ type: 'hello', seq: 1, server_time: 1 });
    http.expectOne('/api/v1/alerts').flush({
      items: [view(3, {}, { delivered_at: 9 }), view(2, {}, { delivered_at: 5 }), view(1, { status: 'resolved' }, { delivered_at: 9 })],
    });
    await flushAll();
    expect(notified.length).toBe(2);
  });

  it('waits for hello when the link is not up yet, and retries the receipt on the next connect', async () => {
    const { store, http, incoming, notified, link } = setup({ connected: false });
    store.start();
    http.expectNone('/api/v1/alerts');
    link.up = false;
    incoming.next({ type: 'hello', seq: 1, server_time: 1 });
    http.expectOne('/api/v1/alerts').flush({ items: [view(4)] });
    await flushAll();
    expect(notified).toEqual([]);
    expect(store.alerts()[0].me?.delivered_at).toBeNull();
    link.up = true;
    incoming.next({ type: 'hello', seq: 2, server_time: 2 });
    http.expectOne('/api/v1/alerts').flush({ items: [view(4)] });
    await flushAll();
    expect(notified).toEqual([{ type: 'alert.received', body: { alert_id: 4 } }]);
  });

  it('counts unread: no read receipt and not resolved', async () => {
    const { store } = await started([
      view(4),
      view(3, {}, { read_at: 10 }),
      view(2, { status: 'resolved' }),
      view(1, { status: 'acknowledged' }),
    ]);
    expect(store.unreadCount()).toBe(2);
    expect(store.unread().map((a) => a.id)).toEqual([4, 1]);
  });

  it('adds alert.new at the top, sends its delivered receipt and counts it unread', async () => {
    const { store, incoming, notified } = await started([view(1, {}, { delivered_at: 1, read_at: 1 })]);
    expect(store.unreadCount()).toBe(0);
    incoming.next({ type: 'alert.new', id: 2, priority: 'warning', title: 'Alert 2', alert: alert(2, { priority: 'warning' }) });
    expect(store.alerts().map((a) => a.id)).toEqual([2, 1]);
    expect(store.unreadCount()).toBe(1);
    expect(notified).toEqual([{ type: 'alert.received', body: { alert_id: 2 } }]);
    expect(store.alerts()[0].me?.user_id).toBe(7);
  });

  it('an alert arriving live while the list loads is kept', async () => {
    const { store, http, incoming } = setup();
    store.start();
    const req = http.expectOne('/api/v1/alerts');
    incoming.next({ type: 'alert.new', id: 9, priority: 'info', title: 'Alert 9', alert: alert(9) });
    req.flush({ items: [view(1)] });
    await flushAll();
    expect(store.alerts().map((a) => a.id)).toEqual([9, 1]);
  });

  it('marks read once per alert and skips those already read', async () => {
    const { store, http } = await started([view(2), view(1, {}, { read_at: 3 })]);
    const done = store.markRead([1, 2]);
    void store.markRead([2]); // a second call while the first is on its way adds nothing
    const req = http.expectOne('/api/v1/alerts/2/read');
    expect(req.request.method).toBe('POST');
    req.flush(view(2, {}, { delivered_at: 4, read_at: 4 }));
    http.expectNone('/api/v1/alerts/1/read');
    await done;
    expect(store.unreadCount()).toBe(0);
  });

  it('acknowledges with a comment and the alert leaves "to acknowledge"', async () => {
    const { store, http } = await started([view(2), view(1, {}, { acknowledged_at: 2 })]);
    expect(store.toAcknowledge().map((a) => a.id)).toEqual([2]);
    expect(store.needsAckCount()).toBe(1);
    const done = store.acknowledge(2, '  on it  ');
    const req = http.expectOne('/api/v1/alerts/2/ack');
    expect(req.request.body).toEqual({ comment: 'on it' });
    req.flush(view(2, { status: 'acknowledged', ack_count: 1 }, { delivered_at: 5, read_at: 5, acknowledged_at: 5, comment: 'on it' }));
    await done;
    expect(store.toAcknowledge()).toEqual([]);
    expect(store.needsAckCount()).toBe(0);
  });

  it('an acknowledgement the server refuses rejects with its message', async () => {
    const { store, http } = await started([view(2)]);
    const done = store.acknowledge(2);
    http.expectOne('/api/v1/alerts/2/ack').flush({ error: { code: 'forbidden', message: 'only recipients acknowledge' } }, { status: 403, statusText: 'Forbidden' });
    await expect(done).rejects.toThrow();
    expect(store.toAcknowledge().length).toBe(1);
  });

  describe('the critical modal', () => {
    it('shows the oldest interrupting alert I have not acknowledged, then the next', async () => {
      const { store, http, incoming } = await started([
        view(3, { priority: 'critical', interrupts: true }),
        view(2, { category: 'emergency', interrupts: true }),
        view(1, { priority: 'warning' }),
      ]);
      expect(store.modalAlert()?.id).toBe(2);
      expect(store.modalQueue().map((a) => a.id)).toEqual([2, 3]);

      const acked = store.acknowledge(2);
      http.expectOne('/api/v1/alerts/2/ack').flush(view(2, { category: 'emergency', interrupts: true, status: 'acknowledged' }, { acknowledged_at: 9 }));
      await acked;
      expect(store.modalAlert()?.id).toBe(3);

      // Resolved by the sender: it closes although nobody acknowledged it.
      incoming.next({ type: 'alert.updated', alert: alert(3, { priority: 'critical', interrupts: true, status: 'resolved', resolved_at: 10 }) });
      expect(store.modalAlert()).toBeNull();
      expect(store.alerts().find((a) => a.id === 3)?.me).not.toBeNull(); // my receipt is kept
      expect(store.toAcknowledge().map((a) => a.id)).toEqual([1]); // the warning still waits, without a modal
    });

    it('opens for a live critical alert, and stays when someone else acknowledged it', async () => {
      const { store, incoming } = await started([]);
      expect(store.modalAlert()).toBeNull();
      incoming.next({ type: 'alert.new', id: 5, priority: 'critical', title: 'Fire drill', alert: alert(5, { priority: 'critical', interrupts: true, title: 'Fire drill' }) });
      expect(store.modalAlert()?.title).toBe('Fire drill');
      store['replace']({ ...store.alerts()[0], status: 'acknowledged' });
      expect(store.modalAlert()?.id).toBe(5);
    });

    it('does not open for info and warning alerts', async () => {
      const { store, incoming } = await started([]);
      incoming.next({ type: 'alert.new', id: 6, priority: 'warning', title: 'w', alert: alert(6, { priority: 'warning' }) });
      expect(store.modalAlert()).toBeNull();
      expect(store.needsAckCount()).toBe(1);
    });

    it('alert.updated for an alert I only sent adds nothing', async () => {
      const { store, incoming } = await started([]);
      incoming.next({ type: 'alert.updated', alert: alert(8, { status: 'resolved' }) });
      expect(store.alerts()).toEqual([]);
    });
  });

  it('shows a browser notification only when the tab is hidden and permission was granted', async () => {
    const hidden = await started([], { visible: false, permission: 'granted' });
    hidden.incoming.next({ type: 'alert.new', id: 5, priority: 'critical', title: 'Fire drill', alert: alert(5, { priority: 'critical', interrupts: true, title: 'Fire drill' }) });
    expect(hidden.shown).toEqual([{ title: 'Critical: Fire drill', options: { body: 'Body', tag: 'alert-5', requireInteraction: true } }]);
    hidden.store.stop();
    TestBed.resetTestingModule();

    const visible = await started([], { visible: true, permission: 'granted' });
    visible.incoming.next({ type: 'alert.new', id: 6, priority: 'info', title: 'x', alert: alert(6) });
    expect(visible.shown).toEqual([]);
    visible.store.stop();
    TestBed.resetTestingModule();

    const notAllowed = await started([], { visible: false, permission: 'default' });
    notAllowed.incoming.next({ type: 'alert.new', id: 7, priority: 'info', title: 'x', alert: alert(7) });
    expect(notAllowed.shown).toEqual([]);
  });

  it('stop forgets everything (the next person starts empty) and ignores a late answer', async () => {
    const { store, http } = await started([view(1)]);
    store.stop();
    expect(store.alerts()).toEqual([]);
    store.start();
    const late = http.expectOne('/api/v1/alerts');
    store.stop();
    late.flush({ items: [view(2)] });
    await flushAll();
    expect(store.alerts()).toEqual([]);
  });
});

describe('alert formatting', () => {
  it('describes the audience count by country, largest first', () => {
    expect(describeAudience({ recipient_count: 412, by_country: { AT: 80, CH: 32, DE: 300 } })).toBe('412 people: 300 in DE, 80 in AT, 32 in CH');
    expect(describeAudience({ recipient_count: 1, by_country: { PT: 1 } })).toBe('1 person in PT');
    expect(describeAudience({ recipient_count: 0, by_country: {} })).toBe('Nobody matches this audience');
  });

  it('puts the count in front of the tab title and takes it away again', () => {
    expect(titleWithCount('Chat · Meridian', 1)).toBe('(1) Chat · Meridian');
    expect(titleWithCount('(1) Chat · Meridian', 3)).toBe('(3) Chat · Meridian');
    expect(titleWithCount('(3) Chat · Meridian', 0)).toBe('Chat · Meridian');
  });

  it('exports receipts as CSV with quoting and no spreadsheet formulas', () => {
    const csv = receiptsCsv([receipt({ display_name: 'Doe, "J"', acknowledged_at: 0, read_at: Date.UTC(2026, 0, 2), comment: '=cmd' })]);
    expect(csv).toBe(
      'user_id,name,country,state,delivered_at,read_at,acknowledged_at,comment\r\n' +
        `7,"Doe, ""J""",DE,read,,2026-01-02T00:00:00.000Z,,'=cmd\r\n`,
    );
  });
});
