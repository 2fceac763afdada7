import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { API_BASE } from './api-client';
import { toApiError } from './api-error';
import { SessionStore } from './session.store';

const LOGIN_URL = `${API_BASE}/auth/login`;

function isApiCall(url: string): boolean {
  // Relative in the app; absolute when something builds full URLs.
  return url.startsWith(API_BASE) || url.includes(`//${globalThis.location?.host}${API_BASE}`);
}

/**
 * Adds the bearer token to API calls, turns failures into ApiError, and ends
 * the session on a 401 (except for the login call itself, whose 401 means
 * "wrong email or password").
 */
export const apiInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isApiCall(request.url)) return next(request);

  const session = inject(SessionStore);
  const router = inject(Router);
  const isLogin = request.url.endsWith(LOGIN_URL);
  const token = session.token();

  const authorised =
    token && !isLogin ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;

  return next(authorised).pipe(
    catchError((failure: unknown) => {
      if (!(failure instanceof HttpErrorResponse)) return throwError(() => failure);
      const error = toApiError(failure);
      if (error.status === 401 && !isLogin && session.token() !== null) {
        session.clear();
        const current = router.url;
        const returnUrl = current.startsWith('/login') ? undefined : current;
        void router.navigate(['/login'], { queryParams: returnUrl && returnUrl !== '/' ? { returnUrl } : {} });
      }
      return throwError(() => error);
    }),
  );
};
