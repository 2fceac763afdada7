// The browser's Notification API as a token, so stores (alerts, chat mentions) can be tested without one.
import { InjectionToken } from '@angular/core';

export type NotificationState = NotificationPermission | 'unsupported';

export interface BrowserNotifications {
  permission(): NotificationState;
  /** Asks the person; call it only from a user gesture (a click). */
  request(): Promise<NotificationState>;
  /** A system notification; a click brings the tab to the front. */
  show(title: string, options: { body: string; tag: string; requireInteraction?: boolean }): void;
}

export const BROWSER_NOTIFICATIONS = new InjectionToken<BrowserNotifications>('BROWSER_NOTIFICATIONS', {
  providedIn: 'root',
  factory: () => {
    const api = typeof Notification === 'undefined' ? null : Notification;
    return {
      permission: () => (api ? api.permission : 'unsupported'),
      request: async () => (api ? api.requestPermission() : 'unsupported'),
      show: (title, options) => {
        if (!api || api.permission !== 'granted') return;
        try {
          const shown = new api(title, options);
          shown.onclick = () => {
            globalThis.focus?.();
            shown.close();
          };
        } catch {
          // Some browsers (Android Chrome) allow notifications only from a service worker.
        }
      },
    };
  },
});
