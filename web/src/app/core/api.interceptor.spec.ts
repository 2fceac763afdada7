import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { ApiClient } from './api-client';
import { ApiError } from './api-error';
import { apiInterceptor } from './api.interceptor';
import { SESSION_STORAGE, SessionStore } from './session.store';
import { makeMe } from '../../testing/fixtures';

describe('apiInterceptor with ApiClient', () => {
  let api: ApiClient;
  let http: HttpTestingController;
  let session: SessionStore;
  let router: Router;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: SESSION_STORAGE, useValue: null },
      ],
    });
    api = TestBed.inject(ApiClient);
    http = TestBed.inject(HttpTestingController);
    session = TestBed.inject(SessionStore);
    router = TestBed.inject(Router);
  });

  afterEach(() => http.verify());

  function signIn(): void {
    session.start({ token: 'secret-token', expires_at: Date.now() + 60_000, user: makeMe() });
  }

  it('sends the bearer token on API calls', async () => {
    signIn();
    const result = api.me();
    const request = http.expectOne('/api/v1/me');
    expect(request.request.headers.get('Authorization')).toBe('Bearer secret-token');
    request.flush(makeMe({ features: { chat: true } }));
    expect((await result).features).toEqual({ chat: true });
  });

  it('does not send a token with the login request', async () => {
    signIn();
    const result = api.login({ email: 'a@b.test', password: 'pw' });
    const request = http.expectOne('/api/v1/auth/login');
    expect(request.request.headers.has('Authorization')).toBe(false);
    expect(request.request.body).toEqual({ email: 'a@b.test', password: 'pw' });
    request.flush({ token: 't', expires_at: 1, user: makeMe() });
    await result;
  });

  it('maps an error body to ApiError', async () => {
    signIn();
    const result = api.createUser({
      email: 'x@y.test',
      display_name: 'X',
      password: 'longenough',
      kind: 'employee',
      country: 'PT',
      time_zone: 'Europe/Lisbon',
    });
    http
      .expectOne({ method: 'POST', url: '/api/v1/admin/users' })
      .flush({ error: { code: 'conflict', message: 'Email already in use.' } }, { status: 409, statusText: 'Conflict' });
    await expect(result).rejects.toEqual(expect.objectContaining({ status: 409, code: 'conflict', message: 'Email already in use.' }));
    await expect(result).rejects.toBeInstanceOf(ApiError);
  });

  it('maps a 429 with Retry-After on login and keeps the user on the page', async () => {
    const navigate = vi.spyOn(router, 'navigate');
    const result = api.login({ email: 'a@b.test', password: 'bad' });
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { error: { code: 'rate_limited', message: 'too many attempts, try again in 12 s' } },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '12' } },
      );
    await expect(result).rejects.toEqual(expect.objectContaining({ code: 'rate_limited', retryAfterSeconds: 12 }));
    expect(navigate).not.toHaveBeenCalled();
  });

  it('a 401 on login is just "wrong password": no redirect, session untouched', async () => {
    const navigate = vi.spyOn(router, 'navigate');
    const result = api.login({ email: 'a@b.test', password: 'bad' });
    http
      .expectOne('/api/v1/auth/login')
      .flush({ error: { code: 'unauthenticated', message: 'Wrong email or password.' } }, { status: 401, statusText: 'Unauthorized' });
    await expect(result).rejects.toEqual(expect.objectContaining({ status: 401, message: 'Wrong email or password.' }));
    expect(navigate).not.toHaveBeenCalled();
  });

  it('a 401 on any other call clears the session and routes to /login', async () => {
    signIn();
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    const result = api.listTeams();
    http
      .expectOne('/api/v1/admin/teams')
      .flush({ error: { code: 'unauthenticated', message: 'Session expired.' } }, { status: 401, statusText: 'Unauthorized' });
    await expect(result).rejects.toBeInstanceOf(ApiError);
    expect(session.token()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login'], expect.anything());
  });

  it('leaves non-API requests alone', () => {
    signIn();
    TestBed.inject(ApiClient)['http'].get('/assets/x.json').subscribe();
    const request = http.expectOne('/assets/x.json');
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({});
  });

  it('builds query strings without empty values', async () => {
    signIn();
    const users = api.listUsers({ q: 'ana', limit: 25, offset: 0 });
    http.expectOne('/api/v1/admin/users?q=ana&limit=25&offset=0').flush({ items: [], total: 0 });
    await users;
    const audit = api.listAudit({ action: '', actor_id: 3, cursor: 'abc' });
    http.expectOne('/api/v1/admin/audit?actor_id=3&cursor=abc').flush({ items: [], next_cursor: null });
    await audit;
  });

  it('sends null to remove a country override', async () => {
    signIn();
    const result = api.updateFeatureToggle('meet', { countries: { FR: null, DE: false } });
    const request = http.expectOne({ method: 'PUT', url: '/api/v1/admin/feature-toggles/meet' });
    expect(request.request.body).toEqual({ countries: { FR: null, DE: false } });
    request.flush({ feature: 'meet', description: '', default_enabled: true, countries: { DE: false } });
    await result;
  });

  it('team membership uses PUT and DELETE', async () => {
    signIn();
    const add = api.addTeamMember(3, 9);
    http.expectOne({ method: 'PUT', url: '/api/v1/admin/teams/3/members/9' }).flush(null, { status: 204, statusText: 'No Content' });
    await add;
    const remove = api.removeTeamMember(3, 9);
    http.expectOne({ method: 'DELETE', url: '/api/v1/admin/teams/3/members/9' }).flush(null, { status: 204, statusText: 'No Content' });
    await remove;
  });
});
