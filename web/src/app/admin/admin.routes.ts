import { Routes } from '@angular/router';
import { AdminLayout } from './admin-layout';

export const adminRoutes: Routes = [
  {
    path: '',
    component: AdminLayout,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'users' },
      {
        path: 'users',
        title: 'Users · Admin · Meridian',
        loadComponent: () => import('./users/users-page').then((m) => m.UsersPage),
      },
      {
        path: 'teams',
        title: 'Teams · Admin · Meridian',
        loadComponent: () => import('./teams/teams-page').then((m) => m.TeamsPage),
      },
      {
        path: 'feature-toggles',
        title: 'Feature toggles · Admin · Meridian',
        loadComponent: () => import('./feature-toggles/feature-toggles-page').then((m) => m.FeatureTogglesPage),
      },
      {
        path: 'chat-operations',
        title: 'Chat operations · Admin · Meridian',
        loadComponent: () => import('./chat-operations/chat-operations-page').then((m) => m.ChatOperationsPage),
      },
      {
        path: 'audit',
        title: 'Audit log · Admin · Meridian',
        loadComponent: () => import('./audit/audit-page').then((m) => m.AuditPage),
      },
      {
        path: 'ai-index',
        title: 'AI file index · Admin · Meridian',
        loadComponent: () => import('../ai/index-backfill-page').then((m) => m.IndexBackfillPage),
      },
      {
        path: 'privacy',
        title: 'Privacy requests · Admin · Meridian',
        loadComponent: () => import('./privacy/privacy-admin-page').then((m) => m.PrivacyAdminPage),
      },
    ],
  },
];
