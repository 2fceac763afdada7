import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { makeMe } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { formatLocalTime } from '../core/local-time';
import { REALTIME_OPTIONS, SOCKET_FACTORY, SocketLike } from '../core/realtime.service';
import { SESSION_STORAGE, SessionStore } from '../core/session.store';
import { Shell } from './shell';

describe('Shell', () => {
  let session: SessionStore;
  let http: HttpTestingController;
  let sockets: SocketLike[];

  beforeEach(() => {
    sockets = [];
    TestBed.configureTestingModule({
      imports: [Shell],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: SESSION_STORAGE, useValue: null },
        {
          provide: SOCKET_FACTORY,
          useValue: () => {
            const socket: SocketLike = {
              readyState: 0,
              onopen: null,
              onclose: null,
              onerror: null,
              onmessage: null,
              send: () => undefined,
              close: () => undefined,
            };
            sockets.push(socket);
            return socket;
          },
        },
        {
          provide: REALTIME_OPTIONS,
          useValue: { backoff: { baseMs: 1000, capMs: 30000 }, stableAfterMs: 10000, pingEveryMs: 25000, requestTimeoutMs: 5000, random: Math.random },
        },
      ],
    });
    session = TestBed.inject(SessionStore);
    http = TestBed.inject(HttpTestingController);
    session.start({ token: 'tok', expires_at: Date.now() + 60_000, user: makeMe() });
  });

  afterEach(() => http.verify());

  async function render() {
    const fixture = TestBed.createComponent(Shell);
    await fixture.whenStable();
    return { fixture, element: fixture.nativeElement as HTMLElement };
  }

  it('shows name, flag and country, and the local time in the user’s own zone', async () => {
    session.setProfile(makeMe({ display_name: 'Ana Silva', country: 'PT', time_zone: 'Asia/Tokyo' }));
    const { element } = await render();
    expect(element.querySelector('[data-testid="user-name"]')?.textContent).toBe('Ana Silva');
    expect(element.querySelector('[data-testid="user-country"]')?.textContent).toBe('PT');
    expect(element.querySelector('.flag img')?.getAttribute('src')).toBe('/flags/pt.svg'); // a shipped picture, not an emoji
    const shown = element.querySelector('[data-testid="user-local-time"]')?.textContent;
    const expected = [formatLocalTime(Date.now() - 60_000, 'Asia/Tokyo'), formatLocalTime(Date.now(), 'Asia/Tokyo')];
    expect(expected).toContain(shown);
  });

  it('shows Admin only to admins', async () => {
    session.setProfile(makeMe({ roles: ['employee'] }));
    const { fixture, element } = await render();
    expect(element.querySelector('[data-testid="nav-admin"]')).toBeNull();
    session.setProfile(makeMe({ roles: ['admin', 'employee'] }));
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="nav-admin"]')).not.toBeNull();
  });

  it('opens the live connection and reports its state', async () => {
    session.setProfile(makeMe());
    const { fixture, element } = await render();
    expect(sockets).toHaveLength(1);
    expect(element.querySelector('[data-testid="realtime-status"]')?.textContent).toContain('Connecting');
    (sockets[0] as { readyState: number }).readyState = 1;
    sockets[0].onopen?.(new Event('open'));
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="realtime-status"]')?.textContent).toContain('Connecting');
    const hello = { type: 'hello', seq: 1, user: { id: 1, display_name: 'Ana' }, server_time: 0 };
    sockets[0].onmessage?.(new MessageEvent('message', { data: JSON.stringify(hello) }));
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="realtime-status"]')?.textContent).toContain('Connected');
    http.expectOne('/api/v1/alerts').flush({ items: [] }); // the bell lists my alerts on hello
  });

  it('signs out: calls logout, forgets the token, goes to /login', async () => {
    session.setProfile(makeMe());
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const { fixture, element } = await render();
    element.querySelector<HTMLButtonElement>('[data-testid="user-menu"]')!.click();
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="sign-out"]')!.click();
    const logout = http.expectOne({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(logout.request.headers.get('Authorization')).toBe('Bearer tok');
    logout.flush(null, { status: 204, statusText: 'No Content' });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(session.token()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login']);
  });
});
