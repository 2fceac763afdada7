import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MinuteClock } from '../core/clock';
import { PresenceStore, describeLocalTime, flagOf, statusLabel } from './presence-store';

/** A coloured dot for someone's presence; hover tells status, status text, country and local time. */
@Component({
  selector: 'mer-presence-dot',
  template: `<span
    class="dot"
    [class]="'dot ' + status()"
    [attr.title]="title()"
    [attr.aria-label]="title()"
    role="img"
    [attr.data-status]="status()"
    data-testid="presence-dot"
  ></span>`,
  styles: `
    :host { display: inline-flex; align-items: center; }
    .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; border: 2px solid var(--presence-offline); box-sizing: border-box; flex: none; }
    .online { background: var(--presence-online); border-color: var(--presence-online); }
    .away { background: transparent; border-color: var(--presence-away); }
    .dnd { background: var(--presence-dnd); border-color: var(--presence-dnd); }
    .unknown { border-color: transparent; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PresenceDot {
  private readonly presence = inject(PresenceStore);
  private readonly clock = inject(MinuteClock);

  readonly userId = input.required<number>();

  private readonly info = computed(() => this.presence.all().get(this.userId()));
  protected readonly status = computed(() => this.info()?.status ?? 'unknown');
  protected readonly title = computed(() => {
    const info = this.info();
    if (!info) return 'Presence unknown';
    const parts = [statusLabel(info.status)];
    if (info.status_text) parts.push(`“${info.status_text}”`);
    const local = describeLocalTime(info, this.clock.now());
    if (local) parts.push(`${flagOf(info)} ${local}`.trim());
    return parts.join(' · ');
  });
}
