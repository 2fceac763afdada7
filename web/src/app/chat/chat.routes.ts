import { Routes } from '@angular/router';
import { ChatLayout } from './chat-layout';
import { provideChatStore } from './chat-store';
import { PresenceStore } from './presence-store';

export const chatRoutes: Routes = [
  {
    path: '',
    component: ChatLayout,
    providers: [provideChatStore(), PresenceStore],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Chat · Meridian',
        loadComponent: () => import('./chat-welcome').then((m) => m.ChatWelcome),
      },
      {
        path: 'search',
        title: 'Search · Chat · Meridian',
        loadComponent: () => import('./search-page').then((m) => m.SearchPage),
      },
      {
        path: 'catch-up',
        title: 'Catch me up · Chat · Meridian',
        loadComponent: () => import('../ai/catch-up-page').then((m) => m.CatchUpPage),
      },
      {
        path: ':id',
        title: 'Chat · Meridian',
        loadComponent: () => import('./conversation-page').then((m) => m.ConversationPage),
      },
    ],
  },
];
