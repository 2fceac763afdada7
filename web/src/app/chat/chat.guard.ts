import { inject } from '@angular/core';
import { CanMatchFn, Router } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { SessionStore } from '../core/session.store';

/**
 * Chat is for employees, agents and guests. A guest is someone from outside invited to
 * particular groups and channels: they read and write there and nowhere else. Customers talk
 * to the company through Support instead, so the server refuses them here.
 */
export function canUseChat(kind: string | undefined): boolean {
  return kind !== undefined && kind !== 'customer';
}

/** Starting a conversation or joining a public channel: staff only (the server refuses guests). */
export function canStartConversations(kind: string | undefined): boolean {
  return kind === 'employee' || kind === 'agent';
}

/**
 * canMatch runs before the shell's authGuard on a fresh load, so the profile may not be
 * there yet; without a token, matching goes on and authGuard sends the person to /login.
 */
export const chatGuard: CanMatchFn = async () => {
  const session = inject(SessionStore);
  const api = inject(ApiClient);
  const router = inject(Router);
  if (!session.hasValidToken()) return true;
  if (!session.user()) {
    try {
      session.setProfile(await api.me());
    } catch {
      return true; // authGuard decides what happens to a session that no longer works
    }
  }
  return canUseChat(session.user()?.kind) ? true : router.createUrlTree(['/not-allowed'], { queryParams: { area: 'chat' } });
};
