import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { ApiError } from '../core/api-error';
import { formatDate } from '../core/locale-format';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiDialog } from '../ui/dialog';
import { UiSwitch } from '../ui/form-controls';
import { exportRow } from './export-row';
import { Consent, DataExport, Erasure, PrivacyApi, Restriction, exportBusy, exportPercent } from './privacy-api';

/** How often a running export is asked for its progress. */
export const POLL_MS = 1000;

/** Personal settings, "Your data": download everything Meridian keeps about you; ask for your erasure. */
@Component({
  imports: [UiBadge, UiButton, UiSwitch],
  selector: 'mer-your-data-page',
  templateUrl: './your-data-page.html',
  styleUrl: './your-data-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class YourDataPage {
  private readonly api = inject(PrivacyApi);
  private readonly dialog = inject(UiDialog);
  private timer: ReturnType<typeof setTimeout> | null = null;

  protected readonly current = signal<DataExport | null>(null);
  protected readonly earlier = signal<DataExport[]>([]);
  protected readonly erasure = signal<Erasure | null>(null);
  protected readonly consents = signal<Consent[]>([]);
  protected readonly restriction = signal<Restriction | null>(null);
  protected readonly loaded = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly percent = exportPercent;
  protected readonly row = exportRow;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stopPolling());
    void this.load();
  }

  protected when(ms: number | null): string {
    return formatDate(ms, 'medium');
  }


  private async load(): Promise<void> {
    try {
      const [exports, erasure, consents, restriction] = await Promise.all([
        this.api.myExports(),
        this.api.myErasureRequest(),
        this.api.myConsents(),
        this.api.myRestriction(),
      ]);
      this.show(exports.items[0] ?? null, exports.items.slice(1));
      this.erasure.set(erasure.item);
      this.consents.set(consents.items);
      this.restriction.set(restriction);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    } finally {
      this.loaded.set(true);
    }
  }

  private show(current: DataExport | null, earlier?: DataExport[]): void {
    this.current.set(current);
    if (earlier) this.earlier.set(earlier);
    this.stopPolling();
    if (exportBusy(current)) this.timer = setTimeout(() => void this.refresh(), POLL_MS);
  }

  private async refresh(): Promise<void> {
    const e = this.current();
    if (!e) return;
    try {
      this.show(await this.api.myExport(e.id));
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    }
  }

  private stopPolling(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  protected async requestExport(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const previous = this.current();
      const e = await this.api.requestExport();
      const rest = previous && previous.id !== e.id ? [previous, ...this.earlier()] : this.earlier();
      this.show(e, rest);
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.busy.set(false);
    }
  }

  /** Agrees to the purpose's current text, or withdraws; every answer is kept with its time. */
  protected async setConsent(c: Consent, granted: boolean): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const now = await this.api.setConsent(c, granted);
      this.consents.update((list) => list.map((x) => (x.purpose === now.purpose ? now : x)));
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.busy.set(false);
    }
  }

  /** Restricts the processing of your data (GDPR art. 18), or lifts the restriction. */
  protected async setRestriction(restricted: boolean): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      this.restriction.set(await this.api.setRestriction(restricted));
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.busy.set(false);
    }
  }

  /** The link works once: after the click the archive is on its way, the export is spent. */
  protected downloaded(): void {
    setTimeout(() => void this.refresh(), POLL_MS);
  }

  protected async requestErasure(): Promise<void> {
    const ok = await this.dialog.confirm({
      title: 'Erase your account?',
      message:
        'An administrator will erase your profile, your messages, your files and everything else Meridian keeps ' +
        'about you. You will be signed out everywhere and cannot sign in again. Mentions of you in other ' +
        "people's messages are replaced by “Former user”. What a legal hold keeps is listed, not erased. " +
        'This cannot be undone. Download your data first if you want a copy.',
      confirmLabel: 'Ask for erasure',
      danger: true,
    });
    if (!ok) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      this.erasure.set(await this.api.requestErasure());
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.busy.set(false);
    }
  }
}
