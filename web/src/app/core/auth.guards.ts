import { inject } from '@angular/core';
import { CanActivateFn, CanMatchFn, Router, UrlTree } from '@angular/router';
import { ApiClient } from './api-client';
import { SessionStore } from './session.store';

/** Loads /me once per session so every page can read the profile synchronously. */
export async function ensureProfile(session: SessionStore, api: ApiClient): Promise<boolean> {
  if (session.user()) return true;
  try {
    session.setProfile(await api.me());
    return true;
  } catch {
    // A 401 already cleared the session in the interceptor; anything else
    // (server down) also means we cannot show the app.
    return false;
  }
}

function toLogin(router: Router, returnUrl: string): UrlTree {
  return router.createUrlTree(['/login'], returnUrl && returnUrl !== '/' ? { queryParams: { returnUrl } } : {});
}

/** Signed-in users only; everyone else goes to /login and comes back afterwards. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const session = inject(SessionStore);
  const api = inject(ApiClient);
  const router = inject(Router);
  if (!session.hasValidToken()) return toLogin(router, state.url);
  if (await ensureProfile(session, api)) return true;
  session.clear();
  return toLogin(router, state.url);
};

/** Admins only (runs after authGuard); others land on a page that says why. */
export const adminGuard: CanMatchFn = async (_route, segments) => {
  const session = inject(SessionStore);
  const api = inject(ApiClient);
  const router = inject(Router);
  if (!session.hasValidToken()) return toLogin(router, '/' + segments.map((segment) => segment.path).join('/'));
  await ensureProfile(session, api);
  return session.isAdmin() ? true : router.createUrlTree(['/not-allowed'], { queryParams: { area: 'admin' } });
};

/** Keeps a signed-in user away from the login page. */
export const signedOutGuard: CanActivateFn = () => {
  const session = inject(SessionStore);
  return session.hasValidToken() ? inject(Router).createUrlTree(['/']) : true;
};

/** Only same-app paths are followed after login, never another site. */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/login')) return '/';
  return value;
}
