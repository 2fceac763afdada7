import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { AuditEntry } from '../../core/api-types';
import { AuditFilters, AuditStore } from './audit.store';
import { UiButton } from '../../ui/button';
import { UiFlag } from '../../ui/flag';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "2025-01-31T14:05" (a datetime-local value, browser time) -> unix ms. */
function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

@Component({
  imports: [UiButton, UiFlag],
  selector: 'mer-audit-page',
  providers: [AuditStore],
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage {
  protected readonly store = inject(AuditStore);
  protected readonly expanded = signal<AuditEntry['id'] | null>(null);
  protected readonly filterError = signal<string | null>(null);
  protected readonly filtered = computed(() => Object.values(this.store.filters()).some((value) => value !== undefined));

  constructor() {
    void this.store.apply({});
  }

  protected format(at: number): string {
    return dateTime.format(at);
  }

  protected detail(entry: AuditEntry): string {
    return JSON.stringify(entry.detail ?? {}, null, 2);
  }

  protected hasDetail(entry: AuditEntry): boolean {
    return !!entry.detail && Object.keys(entry.detail).length > 0;
  }

  protected toggle(entry: AuditEntry): void {
    this.expanded.update((id) => (id === entry.id ? null : entry.id));
  }

  protected search(event: Event): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const actor = text('actor_id');
    const filters: AuditFilters = {
      action: text('action') || undefined,
      actor_id: actor ? Number(actor) : undefined,
      since: fromLocalInput(text('since')),
      until: fromLocalInput(text('until')),
    };
    if (actor && (!Number.isInteger(filters.actor_id) || (filters.actor_id ?? 0) <= 0)) {
      this.filterError.set('Actor ID is a user number, e.g. 12 (see Admin → Users).');
      return;
    }
    if (filters.since !== undefined && filters.until !== undefined && filters.since > filters.until) {
      this.filterError.set('“From” must be before “Until”.');
      return;
    }
    this.filterError.set(null);
    void this.store.apply(filters);
  }

  protected reset(form: HTMLFormElement): void {
    form.reset();
    this.filterError.set(null);
    void this.store.apply({});
  }
}
