import { DestroyRef, Injectable, inject } from '@angular/core';
import { titleWithCount } from './alert-format';

/**
 * Keeps "(n) " in front of the tab title while n alerts need my acknowledgement. The router
 * sets a new title on each navigation; a MutationObserver on <title> puts the count back.
 */
@Injectable()
export class TabTitleCount {
  private count = 0;
  private readonly observer: MutationObserver | null = null;

  constructor() {
    if (typeof document === 'undefined' || typeof MutationObserver === 'undefined') return;
    this.observer = new MutationObserver(() => {
      if (this.count > 0 || /^\(\d+\) /.test(document.title)) this.apply();
    });
    // The head, not <title> itself: the router may create or replace the element.
    if (document.head) this.observer.observe(document.head, { childList: true, characterData: true, subtree: true });
    inject(DestroyRef).onDestroy(() => {
      this.observer?.disconnect();
      this.set(0);
    });
  }

  set(count: number): void {
    this.count = count;
    this.apply();
  }

  private apply(): void {
    if (typeof document === 'undefined') return;
    const next = titleWithCount(document.title, this.count);
    if (next !== document.title) document.title = next; // the observer sees it, finds it right, stops
  }
}
