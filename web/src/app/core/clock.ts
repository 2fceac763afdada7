import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** The current time as a signal that ticks on every minute boundary. */
@Injectable({ providedIn: 'root' })
export class MinuteClock {
  private readonly nowState = signal(Date.now());
  private timer: ReturnType<typeof setTimeout> | null = null;

  readonly now = this.nowState.asReadonly();

  constructor() {
    this.schedule();
    inject(DestroyRef).onDestroy(() => {
      if (this.timer) clearTimeout(this.timer);
    });
  }

  private schedule(): void {
    const now = Date.now();
    // Wake just after the next full minute so a displayed "14:05" turns over on time.
    const wait = 60_000 - (now % 60_000) + 50;
    this.timer = setTimeout(() => {
      this.nowState.set(Date.now());
      this.schedule();
    }, wait);
  }
}
