import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { AlertBell } from './alert-bell';
import { Alert, AlertView } from './alerts-api';
import { BROWSER_NOTIFICATIONS } from '../core/browser-notifications';

const settle = async (fixture: { whenStable(): Promise<unknown> }) => {
  for (let i = 0; i < 3; i++) {
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
  }
};

function alert(id: number, extra: Partial<Alert> = {}): Alert {
  return {
    id, title: `Alert ${id}`, body: 'Leave the building by the east stairs.', priority: 'info', category: 'announcement', status: 'open',
    interrupts: false, sender: { id: 1, name: 'Admin' }, require_ack: false, quorum: null, dedup_key: null, repeat_count: 1,
    recipient_count: 3, ack_count: 0, created_at: id * 1000, updated_at: id * 1000, expires_at: null, acknowledged_at: null,
    resolved_at: null, ...extra,
  };
}
const view = (id: number, extra: Partial<Alert> = {}, read = false): AlertView => ({
  ...alert(id, extra),
  me: { user_id: 7, display_name: 'Ana', country: 'DE', delivered_at: 1, read_at: read ? 2 : null, acknowledged_at: null, comment: '' },
});

function setup(admin = false) {
  const incoming = new Subject<ServerMessage>();
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter([]),
      { provide: PAGE_VISIBLE, useValue: () => true },
      { provide: SessionStore, useValue: { user: signal({ id: 7, display_name: 'Ana', country: 'DE', time_zone: 'Europe/Berlin' }), isAdmin: signal(admin) } },
      { provide: BROWSER_NOTIFICATIONS, useValue: { permission: () => 'default', request: async () => 'granted', show: () => undefined } },
      {
        provide: RealtimeService,
        useValue: {
          status: signal('connected'),
          messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
          notify: () => true,
        },
      },
    ],
  });
  const fixture = TestBed.createComponent(AlertBell);
  document.body.appendChild(fixture.nativeElement);
  return { fixture, http: TestBed.inject(HttpTestingController), incoming };
}

describe('AlertBell', () => {
  beforeEach(() => (document.title = 'Meridian'));
  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
    document.body.replaceChildren();
    document.title = 'Meridian';
  });

  it('shows the unread count, opens the panel, and opening it marks what it shows read', async () => {
    const { fixture, http } = setup(true);
    http.expectOne('/api/v1/alerts').flush({ items: [view(2, { priority: 'warning' }), view(1, {}, true)] });
    await settle(fixture);
    const bell = fixture.nativeElement.querySelector('[data-testid="alert-bell"]') as HTMLButtonElement;
    expect(bell.getAttribute('aria-label')).toBe('Alerts, 1 unread');
    expect(fixture.nativeElement.querySelector('[data-testid="alert-unread"]').textContent.trim()).toBe('1');
    expect(document.title).toBe('(2) Meridian');

    bell.click();
    await settle(fixture);
    const panel = document.querySelector('[data-testid="alert-panel"]')!;
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(panel.querySelectorAll('[data-testid="alert-item"]').length).toBe(2);
    expect(panel.textContent).toContain('Warning');
    expect(panel.querySelector('[data-testid="alert-new"]')).not.toBeNull(); // an admin may compose
    http.expectOne('/api/v1/alerts/2/read').flush(view(2, { priority: 'warning' }, true));
    await settle(fixture);
    expect(fixture.nativeElement.querySelector('[data-testid="alert-unread"]')).toBeNull();

    (document.querySelector('[data-testid="alert-tab-critical"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(document.querySelector('[data-testid="alert-panel"]')!.textContent).toContain('No critical alerts');
  });

  it('offers no composer link to someone who is not an admin', async () => {
    const { fixture, http } = setup(false);
    http.expectOne('/api/v1/alerts').flush({ items: [] });
    await settle(fixture);
    (fixture.nativeElement.querySelector('[data-testid="alert-bell"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(document.querySelector('[data-testid="alert-panel"]')!.textContent).toContain('No alerts');
    expect(document.querySelector('[data-testid="alert-new"]')).toBeNull();
  });

  it('a critical alert opens an alertdialog that Escape does not close; resolving it closes it', async () => {
    const { fixture, http, incoming } = setup();
    http.expectOne('/api/v1/alerts').flush({ items: [] });
    await settle(fixture);
    incoming.next({ type: 'alert.new', id: 5, priority: 'critical', title: 'Fire drill', alert: alert(5, { priority: 'critical', interrupts: true, title: 'Fire drill' }) });
    await settle(fixture);
    const dialog = document.querySelector<HTMLElement>('.cdk-overlay-container [role="alertdialog"]');
    expect(dialog).not.toBeNull();
    expect(dialog!.getAttribute('aria-labelledby')).toBe('critical-alert-title');
    expect(dialog!.getAttribute('aria-describedby')).toBe('critical-alert-body');
    expect(document.getElementById('critical-alert-title')!.textContent).toBe('Fire drill');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('critical-ack');
    expect(document.title).toBe('(1) Meridian');
    http.expectOne('/api/v1/alerts/5/read').flush({ ...view(5, { priority: 'critical', interrupts: true, title: 'Fire drill' }, true) });

    dialog!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await settle(fixture);
    expect(document.querySelector('.cdk-overlay-container [role="alertdialog"]')).not.toBeNull();

    incoming.next({ type: 'alert.updated', alert: alert(5, { priority: 'critical', interrupts: true, title: 'Fire drill', status: 'resolved' }) });
    await settle(fixture);
    expect(document.querySelector('.cdk-overlay-container [role="alertdialog"]')).toBeNull();
    expect(document.title).toBe('Meridian');
  });

  it('acknowledging in the modal sends the comment and closes it', async () => {
    const { fixture, http } = setup();
    http.expectOne('/api/v1/alerts').flush({ items: [view(5, { priority: 'critical', interrupts: true }, true)] });
    await settle(fixture);
    const comment = document.querySelector('[data-testid="critical-comment"]') as HTMLTextAreaElement;
    comment.value = 'On my way';
    comment.dispatchEvent(new Event('input'));
    (document.querySelector('[data-testid="critical-ack"]') as HTMLButtonElement).click();
    await settle(fixture);
    const req = http.expectOne('/api/v1/alerts/5/ack');
    expect(req.request.body).toEqual({ comment: 'On my way' });
    req.flush({ ...view(5, { priority: 'critical', interrupts: true, status: 'acknowledged' }, true), me: { ...view(5).me!, acknowledged_at: 9 } });
    await settle(fixture);
    expect(document.querySelector('.cdk-overlay-container [role="alertdialog"]')).toBeNull();
  });
});
