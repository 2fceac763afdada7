import { Routes } from '@angular/router';

/**
 * /alerts (admins and team leads: the whole tree is behind alertSenderGuard in
 * app.routes.ts): the sent list, the composer, the scheduled alerts and one alert's
 * tracking view.
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
    path: 'schedules',
    title: 'Scheduled alerts · Meridian',
    loadComponent: () => import('./alert-schedules-page').then((m) => m.AlertSchedulesPage),
  },
  {
    path: 'integrations',
    title: 'Alert integrations · Meridian',
    loadComponent: () => import('./alert-integrations-page').then((m) => m.AlertIntegrationsPage),
  },
  {
    path: ':id',
    title: 'Alert tracking · Meridian',
    loadComponent: () => import('./alert-tracking-page').then((m) => m.AlertTrackingPage),
  },
];
