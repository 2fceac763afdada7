// Who may reach the alert pages (the composer, sent alerts, schedules): admins, who send to
// anyone, and team leads, who send to the teams they lead (the server's policy,
// send_alert_to_team; it refuses anything else with 403, so the pages show leads only
// what they may send to).
import { inject } from '@angular/core';
import { CanMatchFn, Router } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { User } from '../core/api-types';
import { ensureProfile } from '../core/auth.guards';
import { SessionStore } from '../core/session.store';

/** The ids of the teams this person leads. */
export function ledTeamIds(user: Pick<User, 'teams'> | null | undefined): number[] {
  return (user?.teams ?? []).filter((t) => t.role === 'lead').map((t) => t.id);
}

/** Admins and team leads (runs after authGuard); others land on a page that says why. */
export const alertSenderGuard: CanMatchFn = async (_route, segments) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (!session.hasValidToken())
    return router.createUrlTree(['/login'], { queryParams: { returnUrl: '/' + segments.map((s) => s.path).join('/') } });
  await ensureProfile(session, inject(ApiClient));
  if (session.isAdmin() || ledTeamIds(session.user()).length > 0) return true;
  return router.createUrlTree(['/not-allowed'], { queryParams: { area: 'alerts' } });
};
