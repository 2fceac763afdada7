import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { MinuteClock } from '../core/clock';
import {
  countryName,
  describeDays,
  formatLocalDayTime,
  formatUtcOffset,
  isWithinWorkingHours,
  zonedParts,
} from '../core/local-time';
import { SessionStore } from '../core/session.store';
import { featuresFor } from './features';
import { UiFlag } from '../ui/flag';

/** How long the server's within_working_hours stands before the weekly band decides again. */
const FRESH_MS = 10 * 60_000;

@Component({
  selector: 'mer-home-page',
  imports: [RouterLink, UiFlag],
  templateUrl: './home-page.html',
  styleUrl: './home-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly session = inject(SessionStore);
  private readonly api = inject(ApiClient);
  private readonly clock = inject(MinuteClock);

  protected readonly user = this.session.user;

  protected readonly greeting = computed(() => {
    const user = this.user();
    if (!user) return 'Welcome';
    const hour = Math.floor(zonedParts(this.clock.now(), user.time_zone).minutes / 60);
    const part = hour < 5 ? 'Good evening' : hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';
    return `${part}, ${user.display_name.split(/\s+/)[0]}`;
  });
  protected readonly country = computed(() => {
    const code = this.user()?.country;
    return code ? countryName(code) : '';
  });
  protected readonly localTime = computed(() => {
    const user = this.user();
    return user ? formatLocalDayTime(this.clock.now(), user.time_zone) : '';
  });
  protected readonly offset = computed(() => {
    const user = this.user();
    return user ? formatUtcOffset(this.clock.now(), user.time_zone) : '';
  });
  protected readonly workingDays = computed(() => describeDays(this.user()?.working_hours.days ?? []));
  /** When the profile (with the server's within_working_hours) was last fetched. */
  private readonly checkedAt = signal<number | null>(null);
  protected readonly working = computed(() => {
    const user = this.user();
    if (!user) return false;
    // The server's answer (availability: hours per weekday, holidays, days off) while fresh,
    // else the weekly band.
    const checked = this.checkedAt();
    const now = this.clock.now();
    if (typeof user.within_working_hours === 'boolean' && checked !== null && now - checked < FRESH_MS) return user.within_working_hours;
    return isWithinWorkingHours(now, user.working_hours, user.time_zone);
  });
  /** Only features that exist, each said in words (on, or why it is off here). */
  protected readonly features = computed(() => {
    const user = this.user();
    return user ? featuresFor(user.features ?? {}, user.country) : [];
  });

  constructor() {
    // The guard loaded the profile; refresh it so toggles changed since sign-in show, and
    // again every few minutes so "Right now" stays the server's answer.
    const refresh = () =>
      this.api.me().then(
        (me) => {
          this.session.setProfile(me);
          this.checkedAt.set(Date.now());
        },
        () => undefined,
      );
    void refresh();
    const timer = setInterval(() => void refresh(), FRESH_MS / 2);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
