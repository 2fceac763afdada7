// What the chat asks of the browser, as tokens so tests can decide.
import { InjectionToken } from '@angular/core';

/** Whether the person can see the page right now. */
export const PAGE_VISIBLE = new InjectionToken<() => boolean>('PAGE_VISIBLE', {
  providedIn: 'root',
  factory: () => () => typeof document === 'undefined' || document.visibilityState === 'visible',
});

/** Makes the idempotency key of a message; a token so tests can predict it. */
export const NEW_CLIENT_ID = new InjectionToken<() => string>('NEW_CLIENT_ID', {
  providedIn: 'root',
  factory: () => () => crypto.randomUUID(),
});
