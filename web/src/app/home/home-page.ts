import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
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

@Component({
  selector: 'mer-home-page',
  imports: [UiFlag],
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
  protected readonly working = computed(() => {
    const user = this.user();
    return user ? isWithinWorkingHours(this.clock.now(), user.working_hours, user.time_zone) : false;
  });
  /** Only features that exist, each said in words (on, or why it is off here). */
  protected readonly features = computed(() => {
    const user = this.user();
    return user ? featuresFor(user.features ?? {}, user.country) : [];
  });

  constructor() {
    // The guard loaded the profile; refresh it so toggles changed since sign-in show.
    this.api.me().then(
      (me) => this.session.setProfile(me),
      () => undefined,
    );
  }
}
