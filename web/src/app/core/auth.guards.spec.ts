import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Route, Router, RouterStateSnapshot, UrlSegment, UrlTree, provideRouter } from '@angular/router';
import { makeMe } from '../../testing/fixtures';
import { apiInterceptor } from './api.interceptor';
import { adminGuard, authGuard, safeReturnUrl, signedOutGuard } from './auth.guards';
import { SESSION_STORAGE, SessionStore } from './session.store';

describe('guards', () => {
  let session: SessionStore;
  let http: HttpTestingController;
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
    session = TestBed.inject(SessionStore);
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
  });

  afterEach(() => http.verify());

  const signIn = () => session.start({ token: 't', expires_at: Date.now() + 60_000, user: makeMe() });
  const state = (url: string) => ({ url }) as RouterStateSnapshot;
  const runAuth = (url: string) =>
    TestBed.runInInjectionContext(() => authGuard({} as ActivatedRouteSnapshot, state(url))) as Promise<boolean | UrlTree>;
  const runAdmin = (...paths: string[]) =>
    TestBed.runInInjectionContext(() =>
      adminGuard({} as Route, paths.map((path) => new UrlSegment(path, {}))),
    ) as Promise<boolean | UrlTree>;
  const serialise = (result: boolean | UrlTree) => (result instanceof UrlTree ? router.serializeUrl(result) : result);

  describe('authGuard', () => {
    it('sends a signed-out visitor to /login with the page they wanted', async () => {
      expect(serialise(await runAuth('/admin/teams'))).toBe('/login?returnUrl=%2Fadmin%2Fteams');
    });

    it('loads the profile once, then lets the user in', async () => {
      signIn();
      const result = runAuth('/');
      http.expectOne('/api/v1/me').flush(makeMe({ display_name: 'Ana' }));
      expect(await result).toBe(true);
      expect(session.user()?.display_name).toBe('Ana');
      expect(await runAuth('/')).toBe(true); // no second request (verify() checks)
    });

    it('sends the user to /login when the token was rejected', async () => {
      signIn();
      vi.spyOn(router, 'navigate').mockResolvedValue(true);
      const result = runAuth('/');
      http.expectOne('/api/v1/me').flush({ error: { code: 'unauthenticated', message: 'x' } }, { status: 401, statusText: 'Unauthorized' });
      expect(serialise(await result)).toBe('/login');
      expect(session.token()).toBeNull();
    });
  });

  describe('adminGuard', () => {
    it('lets an admin in', async () => {
      signIn();
      session.setProfile(makeMe({ roles: ['admin'] }));
      expect(await runAdmin('admin')).toBe(true);
    });

    it('refuses a non-admin with a page that says why', async () => {
      signIn();
      session.setProfile(makeMe({ roles: ['employee'] }));
      expect(serialise(await runAdmin('admin'))).toBe('/not-allowed?area=admin');
    });

    it('loads the profile first when the page was opened directly', async () => {
      signIn();
      const result = runAdmin('admin', 'users');
      http.expectOne('/api/v1/me').flush(makeMe({ roles: ['admin'] }));
      expect(await result).toBe(true);
    });

    it('sends a signed-out visitor to /login', async () => {
      expect(serialise(await runAdmin('admin', 'users'))).toBe('/login?returnUrl=%2Fadmin%2Fusers');
    });
  });

  describe('signedOutGuard', () => {
    it('keeps a signed-in user away from /login', () => {
      signIn();
      const result = TestBed.runInInjectionContext(() => signedOutGuard({} as ActivatedRouteSnapshot, state('/login')));
      expect(serialise(result as UrlTree)).toBe('/');
    });
  });

  describe('safeReturnUrl', () => {
    it('follows only same-app paths', () => {
      expect(safeReturnUrl('/admin/users?q=a')).toBe('/admin/users?q=a');
      expect(safeReturnUrl('https://evil.test')).toBe('/');
      expect(safeReturnUrl('//evil.test')).toBe('/');
      expect(safeReturnUrl('/\\evil.test')).toBe('/');
      expect(safeReturnUrl('/login')).toBe('/');
      expect(safeReturnUrl(undefined)).toBe('/');
    });
  });
});
