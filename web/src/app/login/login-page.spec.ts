import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { makeMe } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { SESSION_STORAGE, SessionStore } from '../core/session.store';
import { LoginPage } from './login-page';

describe('LoginPage', () => {
  let http: HttpTestingController;
  let router: Router;

  async function render(returnUrl?: string) {
    const fixture = TestBed.createComponent(LoginPage);
    if (returnUrl) fixture.componentRef.setInput('returnUrl', returnUrl);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    const email = element.querySelector<HTMLInputElement>('input[name="email"]')!;
    const password = element.querySelector<HTMLInputElement>('input[name="password"]')!;
    const submit = async (e: string, p: string) => {
      email.value = e;
      email.dispatchEvent(new Event('input'));
      password.value = p;
      password.dispatchEvent(new Event('input'));
      element.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
      await fixture.whenStable();
    };
    /** Lets promise chains (HTTP -> catch -> signal) finish, then renders. */
    const settle = async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      await fixture.whenStable();
    };
    return { fixture, element, email, password, submit, settle };
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [LoginPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: SESSION_STORAGE, useValue: null },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
  });

  afterEach(() => http.verify());

  it('puts the cursor in the email field', async () => {
    const { email } = await render();
    expect(document.activeElement).toBe(email);
  });

  it('asks for the missing field instead of calling the server', async () => {
    const { element, submit } = await render();
    await submit('ana@example.test', '');
    expect(element.querySelector('[data-testid="login-error"]')?.textContent).toContain('Enter your password');
  });

  it('shows the server message for a wrong password and clears the password', async () => {
    const { element, password, submit, settle } = await render();
    await submit('ana@example.test', 'wrong');
    http
      .expectOne('/api/v1/auth/login')
      .flush({ error: { code: 'unauthenticated', message: 'Wrong email or password.' } }, { status: 401, statusText: 'Unauthorized' });
    await settle();
    expect(element.querySelector('[data-testid="login-error"]')?.textContent).toContain('Wrong email or password.');
    expect(password.value).toBe('');
  });

  it('shows the rate-limit message and blocks the button for Retry-After seconds', async () => {
    // Only the countdown's interval is faked; Angular's own scheduling stays real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { element, submit, settle } = await render();
      await submit('ana@example.test', 'again');
      http
        .expectOne('/api/v1/auth/login')
        .flush(
          { error: { code: 'rate_limited', message: 'too many attempts, try again in 2 s' } },
          { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '2' } },
        );
      await settle();
      const button = element.querySelector<HTMLButtonElement>('button[type="submit"]')!;
      expect(element.textContent).toContain('too many attempts, try again in 2 s');
      expect(button.disabled).toBe(true);
      vi.advanceTimersByTime(2_000);
      await settle();
      expect(button.disabled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('signs in, loads the profile and goes where the user wanted', async () => {
    const navigate = vi.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
    const { fixture, submit } = await render('/admin/teams');
    await submit(' ana@example.test ', 'right');
    const login = http.expectOne('/api/v1/auth/login');
    expect(login.request.body).toEqual({ email: 'ana@example.test', password: 'right' });
    login.flush({ token: 'tok', expires_at: Date.now() + 60_000, user: makeMe() });
    await fixture.whenStable();
    const me = http.expectOne('/api/v1/me');
    expect(me.request.headers.get('Authorization')).toBe('Bearer tok');
    me.flush(makeMe({ display_name: 'Ana' }));
    await fixture.whenStable();
    expect(TestBed.inject(SessionStore).user()?.display_name).toBe('Ana');
    expect(navigate).toHaveBeenCalledWith('/admin/teams');
  });

  it('never follows a return URL to another site', async () => {
    const navigate = vi.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
    const { fixture, submit } = await render('https://evil.test/');
    await submit('ana@example.test', 'right');
    http.expectOne('/api/v1/auth/login').flush({ token: 'tok', expires_at: Date.now() + 60_000, user: makeMe() });
    await fixture.whenStable();
    http.expectOne('/api/v1/me').flush(makeMe());
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledWith('/');
  });
});
