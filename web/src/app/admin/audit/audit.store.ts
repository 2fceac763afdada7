import { Injectable, inject, signal } from '@angular/core';
import { ApiClient } from '../../core/api-client';
import { errorMessage } from '../../core/api-error';
import { AuditEntry, AuditQuery } from '../../core/api-types';

const PAGE_SIZE = 50;

export type AuditFilters = Pick<AuditQuery, 'action' | 'actor_id' | 'since' | 'until'>;

/** The audit log, newest first, fetched page by page with the server's cursor. */
@Injectable()
export class AuditStore {
  private readonly api = inject(ApiClient);

  private readonly entriesState = signal<AuditEntry[]>([]);
  private readonly cursorState = signal<string | null>(null);
  private readonly loadingState = signal(false);
  private readonly loadedState = signal(false);
  private readonly errorState = signal<string | null>(null);
  private readonly filtersState = signal<AuditFilters>({});
  private generation = 0;

  readonly entries = this.entriesState.asReadonly();
  readonly hasMore = () => this.cursorState() !== null;
  readonly loading = this.loadingState.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly filters = this.filtersState.asReadonly();

  /** Starts over with new filters. */
  apply(filters: AuditFilters): Promise<void> {
    this.filtersState.set(filters);
    this.entriesState.set([]);
    this.cursorState.set(null);
    this.loadedState.set(false);
    return this.fetch(undefined);
  }

  loadMore(): Promise<void> {
    const cursor = this.cursorState();
    return cursor ? this.fetch(cursor) : Promise.resolve();
  }

  private async fetch(cursor: string | undefined): Promise<void> {
    const generation = ++this.generation;
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const page = await this.api.listAudit({ ...this.filtersState(), limit: PAGE_SIZE, cursor });
      if (generation !== this.generation) return;
      this.entriesState.update((entries) => (cursor ? [...entries, ...page.items] : page.items));
      this.cursorState.set(page.next_cursor);
      this.loadedState.set(true);
    } catch (failure) {
      if (generation === this.generation) this.errorState.set(errorMessage(failure));
    } finally {
      if (generation === this.generation) this.loadingState.set(false);
    }
  }
}
