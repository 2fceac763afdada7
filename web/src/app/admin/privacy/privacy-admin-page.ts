import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { ApiError } from '../../core/api-error';
import { formatDate } from '../../core/locale-format';
import { exportRow } from '../../privacy/export-row';
import { DataExport, ERASURE_STATE_WORDS, Erasure, PrivacyApi } from '../../privacy/privacy-api';
import { UiBadge, type BadgeTone } from '../../ui/badge';
import { UiButton } from '../../ui/button';
import { UiDialog } from '../../ui/dialog';
import { UiEmptyState } from '../../ui/empty-state';
import { UiSwitch } from '../../ui/form-controls';

const ERASURE_TONES: Record<Erasure['state'], BadgeTone> = { requested: 'warn', done: 'ok', failed: 'danger' };

/** How a person is named on this page: their name and e-mail as the directory has them. */
export interface PersonName {
  name: string;
  email: string;
}

/** How often exports being built are asked for again. */
export const ADMIN_POLL_MS = 1500;

/** Admin, "Privacy requests": erasure requests to carry out with their receipts, and data exports. */
@Component({
  imports: [UiBadge, UiButton, UiEmptyState, UiSwitch],
  selector: 'mer-privacy-admin-page',
  templateUrl: './privacy-admin-page.html',
  styleUrl: './privacy-admin-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PrivacyAdminPage {
  private readonly api = inject(PrivacyApi);
  private readonly dialog = inject(UiDialog);
  private timer: ReturnType<typeof setTimeout> | null = null;

  protected readonly erasures = signal<Erasure[]>([]);
  protected readonly exports = signal<DataExport[]>([]);
  protected readonly names = signal<ReadonlyMap<number, PersonName>>(new Map());
  protected readonly openOnly = signal(true);
  protected readonly receipt = signal<Erasure | null>(null);
  protected readonly busy = signal<number | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loaded = signal(false);
  protected readonly row = exportRow;
  protected readonly erasureWord = (e: Erasure) => ERASURE_STATE_WORDS[e.state];

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    });
    void this.load();
  }

  protected when(ms: number | null): string {
    return ms === null ? '—' : formatDate(ms, 'medium');
  }

  protected tone(e: Erasure): BadgeTone {
    return ERASURE_TONES[e.state];
  }

  /** "Inês Data" (or "user 12" while the directory has not answered). */
  protected nameOf(id: number | null): string {
    if (id === null) return '—';
    return this.names().get(id)?.name ?? `user ${id}`;
  }

  protected emailOf(id: number): string {
    return this.names().get(id)?.email ?? '';
  }

  protected async load(): Promise<void> {
    try {
      const [erasures, exports] = await Promise.all([
        this.api.erasures(this.openOnly() ? 'requested' : undefined),
        this.api.exports(),
      ]);
      await this.learnNames([
        ...erasures.items.map((e) => e.user_id),
        ...exports.items.flatMap((x) => [x.user_id, x.requested_by]),
      ]);
      this.erasures.set(erasures.items);
      this.exports.set(exports.items);
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = exports.items.some((x) => x.state === 'queued' || x.state === 'running')
        ? setTimeout(() => void this.load(), ADMIN_POLL_MS)
        : null;
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    } finally {
      this.loaded.set(true);
    }
  }

  /** Looks up the people not named yet; one that cannot be read stays "user N". */
  private async learnNames(ids: number[]): Promise<void> {
    const known = this.names();
    const missing = [...new Set(ids)].filter((id) => !known.has(id));
    if (!missing.length) return;
    const found = await Promise.all(missing.map((id) => this.api.user(id).catch(() => null)));
    const next = new Map(known);
    for (const u of found) if (u) next.set(u.id, { name: u.display_name, email: u.email });
    this.names.set(next);
  }

  protected showAll(all: boolean): void {
    this.openOnly.set(!all);
    void this.load();
  }

  protected async exportFor(e: Erasure): Promise<void> {
    this.busy.set(e.id);
    this.error.set(null);
    try {
      await this.api.exportFor(e.user_id);
      await this.load();
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.busy.set(null);
    }
  }

  protected async erase(e: Erasure): Promise<void> {
    const name = this.nameOf(e.user_id);
    const email = this.emailOf(e.user_id);
    const ok = await this.dialog.confirm({
      title: `Erase ${name}?`,
      message:
        `${name}${email ? ` (${email})` : ''}: their profile, messages, files, sessions and every other personal ` +
        'record are deleted or made anonymous, their devices are signed out, and they cannot sign in again. ' +
        'What a legal hold keeps stays and is listed. This cannot be undone.',
      confirmLabel: `Erase ${name}`,
      danger: true,
    });
    if (!ok) return;
    this.busy.set(e.id);
    this.error.set(null);
    try {
      const done = await this.api.erase(e.user_id);
      this.receipt.set(done);
      await this.load();
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.busy.set(null);
    }
  }
}
