import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { AlertComposerPage } from './alert-composer-page';
import { AlertTrackingPage } from './alert-tracking-page';
import { Alert, AlertReceipt } from './alerts-api';

const settle = async (fixture: { whenStable(): Promise<unknown> }, ms = 0) => {
  for (let i = 0; i < 3; i++) {
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, ms));
  }
};

const alert = (extra: Partial<Alert> = {}): Alert => ({
  id: 12, title: 'Office closed', body: 'Stay home', priority: 'critical', category: 'emergency', status: 'open', interrupts: true,
  sender: { id: 1, name: 'Admin' }, require_ack: true, quorum: null, dedup_key: null, repeat_count: 1, recipient_count: 3,
  ack_count: 0, created_at: 1000, updated_at: 1000, expires_at: null, acknowledged_at: null, resolved_at: null, ...extra,
});
const receipt = (user_id: number, country: string, extra: Partial<AlertReceipt> = {}): AlertReceipt => ({
  user_id, display_name: `Person ${user_id}`, country, delivered_at: null, read_at: null, acknowledged_at: null, comment: '', ...extra,
});

function setup(session: { user: unknown; isAdmin: boolean } = { user: { id: 1, display_name: 'Admin', country: 'PT', time_zone: 'UTC' }, isAdmin: true }) {
  const incoming = new Subject<ServerMessage>();
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter([]),
      { provide: SessionStore, useValue: { user: signal(session.user), isAdmin: signal(session.isAdmin) } },
      { provide: RealtimeService, useValue: { status: signal('connected'), messages: (t: string) => incoming.pipe(filter((m) => m.type === t)), notify: () => true } },
    ],
  });
  return { http: TestBed.inject(HttpTestingController), incoming };
}

describe('AlertTrackingPage', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists recipients, filters by country and state, and shows receipts live', async () => {
    const { http, incoming } = setup();
    const fixture = TestBed.createComponent(AlertTrackingPage);
    fixture.componentRef.setInput('id', '12');
    await settle(fixture);
    http.expectOne('/api/v1/alerts/12').flush({ ...alert(), me: null });
    http.expectOne((r) => r.url === '/api/v1/alerts/12/recipients').flush({
      items: [receipt(2, 'DE', { delivered_at: 5 }), receipt(3, 'DE'), receipt(4, 'AT', { delivered_at: 5, read_at: 6 })],
    });
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    const states = () => [...el.querySelectorAll('[data-testid="recipient-state"]')].map((b) => b.textContent!.trim());
    expect(states()).toEqual(['Delivered', 'Not delivered', 'Read']);

    const country = el.querySelector('[data-testid="tracking-country"]') as HTMLSelectElement;
    country.value = 'DE';
    country.dispatchEvent(new Event('change'));
    await settle(fixture);
    expect(states()).toEqual(['Delivered', 'Not delivered']);

    incoming.next({ type: 'alert.receipt', alert_id: 12, kind: 'acknowledged', status: 'open', ack_count: 1, receipt: receipt(2, 'DE', { delivered_at: 5, read_at: 7, acknowledged_at: 7, comment: 'ok' }) });
    await settle(fixture);
    expect(states()).toEqual(['Acknowledged', 'Not delivered']);
    expect(el.querySelector('[data-testid="stat-acknowledged"]')!.textContent!.trim()).toBe('1');

    const state = el.querySelector('[data-testid="tracking-state"]') as HTMLSelectElement;
    state.value = 'not-acknowledged';
    state.dispatchEvent(new Event('change'));
    await settle(fixture);
    expect(states()).toEqual(['Not delivered']);

    // Delivered and read receipts arrive live too.
    incoming.next({ type: 'alert.receipt', alert_id: 12, kind: 'delivered', status: 'open', ack_count: 1, receipt: receipt(3, 'DE', { delivered_at: 9 }) });
    await settle(fixture);
    expect(states()).toEqual(['Delivered']);
    incoming.next({ type: 'alert.receipt', alert_id: 12, kind: 'read', status: 'open', ack_count: 1, receipt: receipt(3, 'DE', { delivered_at: 9, read_at: 10 }) });
    await settle(fixture);
    expect(states()).toEqual(['Read']);

    incoming.next({ type: 'alert.updated', alert: alert({ status: 'resolved', resolved_at: 9 }) });
    await settle(fixture);
    expect(el.querySelector('[data-testid="tracking-status"]')!.textContent!.trim()).toBe('Resolved');
    expect(el.querySelector('[data-testid="tracking-resolve"]')).toBeNull();
  });
});

describe('AlertComposerPage', () => {
  afterEach(() => document.body.replaceChildren());

  it('counts the audience once the choice settles, then sends and opens the tracking view', async () => {
    const { http } = setup();
    const fixture = TestBed.createComponent(AlertComposerPage);
    await settle(fixture);
    http.expectOne('/api/v1/admin/teams').flush({ items: [{ id: 3, name: 'Ops', region: 'EU', member_count: 4 }] });
    const el: HTMLElement = fixture.nativeElement;
    const send = el.querySelector('[data-testid="alert-send"]') as HTMLButtonElement;
    expect(el.textContent).toContain('Give the alert a title.');

    const title = el.querySelector('[data-testid="alert-title"]') as HTMLInputElement;
    title.value = 'Office closed';
    title.dispatchEvent(new Event('input'));
    const country = el.querySelector('[data-testid="alert-country"]') as HTMLSelectElement;
    for (const code of ['DE', 'AT']) {
      country.value = code;
      country.dispatchEvent(new Event('change'));
      await settle(fixture);
    }
    await settle(fixture, 150);
    // The count shown is for the audience as chosen last. A slow machine may let a count
    // for the first choice start before the second (the debounce is a delay, not a rule):
    // its late answer must not replace the newer one.
    const previews = http.match('/api/v1/alerts/preview');
    const latest = previews.at(-1)!;
    expect(latest.request.body).toEqual({ audience: { countries: ['DE', 'AT'] } });
    latest.flush({ recipient_count: 412, by_country: { DE: 300, AT: 80, CH: 32 } });
    for (const stale of previews.slice(0, -1)) stale.flush({ recipient_count: 300, by_country: { DE: 300 } });
    await settle(fixture);
    expect(el.querySelector('[data-testid="alert-recipient-count"]')!.textContent!.trim()).toBe('412 people: 300 in DE, 80 in AT, 32 in CH');

    // Escalation: two steps added, the first set to 10 minutes, one added and removed again.
    for (let i = 0; i < 3; i++) (el.querySelector('[data-testid="alert-step-add"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(el.querySelectorAll('[data-testid="alert-step"]').length).toBe(3);
    (el.querySelectorAll('[data-testid="alert-step-remove"]')[2] as HTMLButtonElement).click();
    const minutes = el.querySelector('[data-testid="alert-step-minutes"]') as HTMLInputElement;
    minutes.value = '10';
    minutes.dispatchEvent(new Event('input'));
    await settle(fixture);
    const notify = [...el.querySelectorAll('[data-testid="alert-step-notify"]')].map((s) => (s as HTMLSelectElement).value);
    expect(notify).toEqual(['again', 'leads']);

    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    send.click();
    await settle(fixture);
    const sent = http.expectOne('/api/v1/alerts');
    expect(sent.request.body).toEqual({
      title: 'Office closed', body: '', priority: 'info', category: 'announcement', audience: { countries: ['DE', 'AT'] },
      escalation: [{ after_minutes: 10, notify: 'again' }, { after_minutes: 30, notify: 'leads' }],
    });
    sent.flush({ ...alert({ priority: 'info', category: 'announcement', interrupts: false, recipient_count: 412 }), deduplicated: false });
    await settle(fixture);
    expect(navigate).toHaveBeenCalledWith(['/alerts', 12]);
  });
});

describe('AlertComposerPage for a team lead', () => {
  afterEach(() => document.body.replaceChildren());

  it('offers only the teams they lead, from the directory, and no countries, roles or people', async () => {
    const lead = { id: 5, display_name: 'Lina', country: 'DE', time_zone: 'Europe/Berlin', teams: [{ id: 7, name: 'Support', role: 'lead' }, { id: 8, name: 'Sales', role: 'member' }] };
    const { http } = setup({ user: lead, isAdmin: false });
    const fixture = TestBed.createComponent(AlertComposerPage);
    await settle(fixture);
    http.expectOne('/api/v1/teams').flush({
      items: [{ id: 7, name: 'Support', region: '', member_count: 2 }, { id: 8, name: 'Sales', region: '', member_count: 4 }, { id: 9, name: 'Ops', region: '', member_count: 1 }],
    });
    http.expectNone('/api/v1/admin/teams');
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    expect([...el.querySelectorAll('[data-testid="alert-team"]')].length).toBe(1);
    expect(el.textContent).toContain('Support');
    expect(el.textContent).not.toContain('Sales');
    expect(el.querySelector('[data-testid="alert-country"]')).toBeNull();
    expect(el.querySelector('[data-testid="alert-role-employee"]')).toBeNull();
    expect(el.querySelector('[data-testid="alert-lead-hint"]')).not.toBeNull();
  });
});
