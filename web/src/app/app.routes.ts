import { Routes } from '@angular/router';
import { alertSenderGuard } from './alerts/alert-access';
import { adminGuard, authGuard, signedOutGuard } from './core/auth.guards';
import { chatGuard } from './chat/chat.guard';

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in · Meridian',
    canActivate: [signedOutGuard],
    loadComponent: () => import('./login/login-page').then((m) => m.LoginPage),
  },
  {
    // Meeting links work without an account (guests) as well as signed in.
    path: 'meet/:code',
    title: 'Meeting · Meridian',
    loadComponent: () => import('./meetings/meeting-page').then((m) => m.MeetingPage),
  },
  {
    // Share links of files open without an account.
    path: 's/:token',
    title: 'Shared file · Meridian',
    loadComponent: () => import('./files/link-page').then((m) => m.LinkPage),
  },
  {
    // Remote support for customers: the code from the agent, no account, no install.
    path: 'remote-support/join',
    title: 'Remote support · Meridian',
    loadComponent: () => import('./remote-support/customer-page').then((m) => m.CustomerPage),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Home · Meridian',
        loadComponent: () => import('./home/home-page').then((m) => m.HomePage),
      },
      {
        path: 'chat',
        canMatch: [chatGuard],
        loadChildren: () => import('./chat/chat.routes').then((m) => m.chatRoutes),
      },
      {
        path: 'meetings',
        title: 'Meetings · Meridian',
        loadComponent: () => import('./meetings/meetings-page').then((m) => m.MeetingsPage),
      },
      {
        path: 'files',
        title: 'Files · Meridian',
        loadComponent: () => import('./files/files-page').then((m) => m.FilesPage),
      },
      {
        path: 'support',
        title: 'Support · Meridian',
        loadComponent: () => import('./support/support-page').then((m) => m.SupportPage),
      },
      {
        path: 'remote-support',
        title: 'Remote support · Meridian',
        loadComponent: () => import('./remote-support/agent-page').then((m) => m.AgentPage),
      },
      {
        // Sending and tracking alerts: admins, and team leads to their teams (the bell in the shell is everyone's).
        path: 'alerts',
        canMatch: [alertSenderGuard],
        loadChildren: () => import('./alerts/alerts.routes').then((m) => m.alertsRoutes),
      },
      {
        // Overlap hours of a set of people, and my working hours (issue 14).
        path: 'availability',
        loadChildren: () => import('./availability/availability.routes').then((m) => m.availabilityRoutes),
      },
      {
        path: 'admin',
        canMatch: [adminGuard],
        loadChildren: () => import('./admin/admin.routes').then((m) => m.adminRoutes),
      },
      {
        // Personal settings: "Your data" (export, erasure request).
        path: 'settings/data',
        title: 'Your data · Meridian',
        loadComponent: () => import('./privacy/your-data-page').then((m) => m.YourDataPage),
      },
      {
        path: 'not-allowed',
        title: 'No access · Meridian',
        loadComponent: () => import('./shell/not-allowed-page').then((m) => m.NotAllowedPage),
      },
      {
        path: '**',
        title: 'Not found · Meridian',
        loadComponent: () => import('./shell/not-found-page').then((m) => m.NotFoundPage),
      },
    ],
  },
];
