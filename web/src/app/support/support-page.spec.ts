import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Subject, filter } from 'rxjs';
import { formatLocalTime } from '../core/local-time';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { SupportPage } from './support-page';

const CARL = 5;
const ADA = 7;
const msg = (id: number, seq: number, authorId: number, text: string) => ({
  id, conversation_id: 3, seq, change_seq: seq, client_id: `c${id}`, text, created_at: Date.UTC(2026, 10, 24, 9, seq),
  edited_at: null, deleted: false, author: { id: authorId, display_name: authorId === CARL ? 'Carl' : 'Ada' }, attachments: [],
});

/**
 * Lets the answered requests' promises run, then renders (not whenStable: the page's
 * effects start requests, which it would wait for).
 */
async function settle(fixture: { detectChanges(): void }) {
  await new Promise((r) => setTimeout(r, 0));
  fixture.detectChanges();
  await new Promise((r) => setTimeout(r, 0));
}

describe('SupportPage (customer)', () => {
  let http: HttpTestingController;
  let incoming: Subject<ServerMessage>;

  beforeEach(() => {
    incoming = new Subject<ServerMessage>();
    TestBed.configureTestingModule({
      imports: [SupportPage],
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: PAGE_VISIBLE, useValue: () => true },
        {
          provide: SessionStore,
          useValue: { user: signal({ id: CARL, kind: 'customer', time_zone: 'UTC' }), isAdmin: signal(false) },
        },
        {
          provide: RealtimeService,
          useValue: {
            status: signal('connected'),
            messages: (type: string) => incoming.pipe(filter((m) => m.type === type)),
            request: () => Promise.resolve({ type: 'presence.subscribed', users: [] }),
            notify: () => undefined,
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  /** The page with conversation 3 open: my message (seq 1, read by Ada) and Ada's answer (seq 2). */
  async function opened() {
    const fixture = TestBed.createComponent(SupportPage);
    const el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    http.expectOne('/api/v1/support/conversations').flush({
      items: [{ id: 3, subject: 'invoice', status: 'assigned', agent: { display_name: 'Ada' }, created_at: 1, updated_at: 1, last_seq: 2 }],
    });
    await settle(fixture);
    (el.querySelector('[data-testid="support-list"] button') as HTMLButtonElement).click();
    http.expectOne((r) => r.url === '/api/v1/conversations/3/messages').flush({ items: [msg(1, 1, CARL, 'help'), msg(2, 2, ADA, 'on it')], has_more: false });
    http.expectOne('/api/v1/conversations/3').flush({
      id: 3, kind: 'support', last_seq: 2, last_read_seq: 2, unread: 0, my_role: 'member',
      members: [
        { user_id: ADA, display_name: 'Ada', role: 'member', last_read_seq: 1 },
        { user_id: CARL, display_name: 'Carl', role: 'member', last_read_seq: 2 },
      ],
    });
    await settle(fixture);
    http.expectOne((r) => r.url === '/api/v1/presence' && r.params.get('user_ids') === String(ADA)).flush({
      items: [{ user_id: ADA, status: 'online', status_text: '', country: 'PT', time_zone: 'Europe/Lisbon', working_hours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] } }],
    });
    await settle(fixture);
    const messages = () => [...el.querySelectorAll<HTMLElement>('[data-testid="support-message"]')];
    const byText = (text: string) => messages().find((m) => m.textContent?.includes(text))!;
    return { fixture, el, messages, byText };
  }

  it("shows the agent with presence and local time, focuses the composer, and offers edit only on my messages", async () => {
    const { el, byText } = await opened();
    const agent = el.querySelector('[data-testid="support-agent"]')!;
    expect(agent.textContent).toContain('Ada');
    expect(agent.querySelector('[data-testid="presence-dot"]')?.getAttribute('data-status')).toBe('online');
    const local = agent.querySelector('[data-testid="support-agent-local-time"]')?.textContent ?? '';
    expect(local).toContain(`${formatLocalTime(Date.now(), 'Europe/Lisbon')} in Lisbon`);
    expect(local).toMatch(/(inside|outside) working hours/);

    expect(document.activeElement?.getAttribute('data-testid')).toBe('support-composer');

    expect(byText('help').querySelector('[data-testid="support-message-edit"]')).not.toBeNull();
    expect(byText('help').querySelector('[data-testid="support-message-delete"]')).not.toBeNull();
    expect(byText('on it').querySelector('[data-testid="support-message-edit"]')).toBeNull();
    expect(byText('on it').querySelector('[data-testid="support-message-delete"]')).toBeNull();
    // Ada read up to my message: "Seen" under it, only there.
    expect(el.querySelectorAll('[data-testid="support-seen"]').length).toBe(1);
    expect(byText('help').querySelector('[data-testid="support-seen"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="support-day"]')?.textContent).toBeTruthy();
  });

  it('Up in the empty composer edits my last message; Enter saves it and the focus returns', async () => {
    const { fixture, el, byText } = await opened();
    const composer = el.querySelector('[data-testid="support-composer"]') as HTMLTextAreaElement;
    composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true, cancelable: true }));
    await settle(fixture);
    const input = el.querySelector('[data-testid="support-edit-input"]') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(input);
    expect(input.value).toBe('help');
    input.value = 'help, please';
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    const patch = http.expectOne('/api/v1/conversations/3/messages/1');
    expect(patch.request.body).toEqual({ text: 'help, please' });
    patch.flush({ ...msg(1, 1, CARL, 'help, please'), change_seq: 3, edited_at: Date.now() });
    await settle(fixture);
    expect(byText('help, please').querySelector('[data-testid="support-message-edited"]')).not.toBeNull();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('support-composer');
  });

  it("the agent's live delete shows a tombstone", async () => {
    const { fixture, el } = await opened();
    incoming.next({ type: 'message.updated', conversation_id: 3, message: { ...msg(2, 2, ADA, ''), change_seq: 4, deleted: true } });
    await settle(fixture);
    expect(el.querySelector('[data-testid="support-message-deleted"]')?.textContent).toContain('This message was deleted.');
    expect(el.textContent).not.toContain('on it');
  });

  it("renders the agent's Markdown safely: formatting and http links, never raw HTML or javascript: links", async () => {
    const { fixture, el } = await opened();
    const text = '**urgent** see https://example.com/a <img src=x onerror="alert(1)"> [x](javascript:alert(1))';
    incoming.next({ type: 'message.new', conversation_id: 3, message: msg(3, 3, ADA, text) });
    await settle(fixture);
    const shown = [...el.querySelectorAll('[data-testid="support-message-text"]')].at(-1)!;
    expect(shown.querySelector('strong')?.textContent).toBe('urgent');
    const links = [...shown.querySelectorAll('a')];
    expect(links.map((a) => [a.getAttribute('href'), a.getAttribute('rel')])).toEqual([['https://example.com/a', 'noopener noreferrer']]);
    expect(shown.querySelector('img')).toBeNull();
    expect(shown.textContent).toContain('<img src=x');
  });
});
