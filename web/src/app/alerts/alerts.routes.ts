import { Routes } from '@angular/router';

/**
 * /alerts (admins only: the whole tree is behind adminGuard in app.routes.ts, since only
 * admins may send and track): the sent list, the composer and one alert's tracking view.
 * The notification center itself (alert-bell.ts) lives in the shell for everyone.
 */
export const alertsRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Sent alerts · Meridian',
    loadComponent: () => import('./sent-alerts-page').then((m) => m.SentAlertsPage),
  },
  {
    path: 'new',
    title: 'New alert · Meridian',
    loadComponent: () => import('./alert-composer-page').then((m) => m.AlertComposerPage),
  },
  {
    path: ':id',
    title: 'Alert tracking · Meridian',
    loadComponent: () => import('./alert-tracking-page').then((m) => m.AlertTrackingPage),
  },
];
