import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { formatDate } from '../core/locale-format';
import { UiBadge, type BadgeTone } from '../ui/badge';
import { UiEmptyState } from '../ui/empty-state';
import { AiApi, BackfillProgress, BackfillState } from './ai-api';
import { aiFailure } from './ai-format';

/** How often the page asks again while the backfill waits or runs. */
export const BACKFILL_POLL_MS = 2000;

const STATE_WORDS: Record<BackfillState, string> = {
  pending: 'Waiting to start',
  running: 'Running',
  done: 'Done',
  off: 'Indexing is off',
};
const STATE_TONES: Record<BackfillState, BadgeTone> = { pending: 'info', running: 'info', done: 'ok', off: 'warn' };

const DOCUMENT_WORDS: Record<string, string> = {
  ready: 'Readable by the assistant',
  queued: 'Waiting',
  indexing: 'Being read',
  failed: 'Could not be read',
  unsupported: 'Not a kind it reads',
  too_large: 'Too large',
  restricted: 'Restricted (GDPR art. 18)',
};

/**
 * Admin, "AI file index": how far the backfill got (files stored before the assistant could
 * read them, or while indexing was off, read in the background). Asked again every two
 * seconds while it waits or runs; read only: the server starts and resumes it by itself.
 */
@Component({
  selector: 'mer-index-backfill-page',
  imports: [UiBadge, UiEmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <header class="page-header">
        <div>
          <h1>AI file index</h1>
          <p>Files stored before the assistant could read them, or while indexing was off, are read in the background, one server at a time, going on where it stopped after a restart. Who may read a file is still checked at every question.</p>
        </div>
      </header>

      @if (error(); as message) {
        <div class="alert alert-error" role="alert" data-testid="backfill-error">{{ message }}</div>
      }

      @if (progress(); as p) {
        @if (p.total === 0 && p.state !== 'off') {
          <ui-empty-state heading="No files to read" text="No file was stored before the assistant could read it. New uploads are read as they arrive." data-testid="backfill-empty" />
        } @else {
          <section class="card run" aria-labelledby="run-title" data-testid="backfill-run" [attr.data-state]="p.state">
            <header class="run-head">
              <h2 id="run-title">Files stored before</h2>
              <ui-badge [tone]="tone(p.state)" data-testid="backfill-state">{{ stateWord(p.state) }}</ui-badge>
            </header>
            @if (p.state === 'off') {
              <p class="muted">Indexing is switched off on this server (<code>[ai] index_files</code>): nothing is read, and once it is on again every stored file is read from the start.</p>
            }
            <progress [value]="p.handled" [max]="p.total || 1" [attr.aria-label]="'Files handled: ' + p.handled + ' of ' + p.total"></progress>
            <p class="figures" data-testid="backfill-handled"><strong>{{ p.handled }}</strong> of {{ p.total }} files handled ({{ percent() }}%) · {{ p.remaining }} to go</p>
            <p class="muted small" data-testid="backfill-activity" aria-live="polite">{{ activity() }}</p>

            <dl class="counts">
              <div data-testid="count-indexed"><dt>Read now</dt><dd>{{ p.indexed }}</dd></div>
              <div data-testid="count-current"><dt>Read already</dt><dd>{{ alreadyRead() }}</dd></div>
              <div data-testid="count-restricted"><dt>Skipped: restricted</dt><dd>{{ p.skipped_restricted }}</dd></div>
              <div data-testid="count-unsupported"><dt>Skipped: kind or size</dt><dd>{{ p.skipped_unsupported }}</dd></div>
              <div data-testid="count-failed" [class.bad]="p.failed > 0"><dt>Failed</dt><dd>{{ p.failed }}</dd></div>
            </dl>
            <p class="muted small">Restricted: the person who uploaded them restricted the processing of their data (GDPR art. 18), so the assistant does not read them. Kind or size: not text, Markdown, CSV, HTML, PDF, Word, Excel or PowerPoint, or too large.</p>

            @if (p.last_error; as e) {
              <div class="alert alert-warn" role="status" data-testid="backfill-last-error">
                <strong>Last error</strong> · file {{ e.file_id }} · {{ when(e.at) }}
                <p>{{ e.message }}</p>
              </div>
            }

            <dl class="times">
              <div><dt>Started</dt><dd>{{ when(p.started_at) }}</dd></div>
              <div><dt>Finished</dt><dd>{{ when(p.finished_at) }}</dd></div>
              <div><dt>Last progress</dt><dd>{{ when(p.updated_at) }}</dd></div>
            </dl>
          </section>
        }

        @if (documentRows().length) {
          <section aria-labelledby="documents-title" class="documents">
            <h2 id="documents-title">Files in the index</h2>
            <div class="table-wrap">
              <table class="data" data-testid="backfill-documents">
                <thead><tr><th scope="col">State</th><th scope="col" class="num">Files</th></tr></thead>
                <tbody>
                  @for (row of documentRows(); track row.status) {
                    <tr [attr.data-status]="row.status"><td>{{ row.label }}</td><td class="num">{{ row.count }}</td></tr>
                  }
                </tbody>
              </table>
            </div>
          </section>
        }
      } @else if (!error()) {
        <p class="muted" role="status">Loading…</p>
      }
    </section>
  `,
  styles: `
    h2 { font-size: var(--text-lg); margin: 0; }
    .run { display: flex; flex-direction: column; gap: var(--space-3); max-width: 48rem; }
    .run-head { display: flex; justify-content: space-between; align-items: center; gap: var(--space-3); flex-wrap: wrap; }
    progress { width: 100%; }
    .figures { margin: 0; font-size: var(--text-md); }
    .muted { color: var(--text-muted); margin: 0; }
    .small { font-size: var(--text-xs); }
    .counts, .times { display: grid; grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr)); gap: var(--space-2); margin: 0; }
    .counts div, .times div { background: var(--surface-muted); border-radius: var(--radius-sm); padding: var(--space-2) var(--space-3); }
    dt { font-size: var(--text-xs); color: var(--text-muted); }
    dd { margin: 0; font-size: var(--text-lg); font-weight: 600; }
    .times dd { font-size: var(--text-sm); font-weight: 500; }
    .counts .bad dd { color: var(--danger); }
    .run .alert { margin: 0; }
    .alert p { margin: var(--space-1) 0 0; overflow-wrap: anywhere; }
    .documents { margin-top: var(--space-6); max-width: 48rem; }
    .documents h2 { margin-bottom: var(--space-3); }
    .num { text-align: right; }
    @media (max-width: 600px) {
      .counts, .times { grid-template-columns: repeat(2, minmax(0, 1fr)); }
    }
  `,
})
export class IndexBackfillPage {
  private readonly api = inject(AiApi);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  protected readonly progress = signal<BackfillProgress | null>(null);
  protected readonly error = signal<string | null>(null);

  protected readonly percent = computed(() => {
    const p = this.progress();
    return !p || p.total === 0 ? 0 : Math.floor((100 * p.handled) / p.total);
  });
  /** Handled by the run but read before it (by the uploads): the rest of "handled". */
  protected readonly alreadyRead = computed(() => {
    const p = this.progress();
    return p ? Math.max(0, p.handled - p.indexed - p.skipped_restricted - p.skipped_unsupported - p.failed) : 0;
  });
  protected readonly activity = computed(() => {
    const p = this.progress();
    if (!p) return '';
    if (p.state === 'running') return p.working ? 'A server is reading files now; this page follows it.' : 'No server holds the run right now; one takes it over within a minute.';
    if (p.state === 'pending') return 'It starts by itself in a moment; this page follows it.';
    if (p.state === 'done') return 'Every file stored before has been handled.';
    return '';
  });
  protected readonly documentRows = computed(() =>
    Object.entries(this.progress()?.documents ?? {})
      .filter(([, count]) => count > 0)
      .map(([status, count]) => ({ status, count, label: DOCUMENT_WORDS[status] ?? status })),
  );

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    });
    void this.load();
  }

  protected stateWord(s: BackfillState): string {
    return STATE_WORDS[s] ?? s;
  }

  protected tone(s: BackfillState): BadgeTone {
    return STATE_TONES[s] ?? 'info';
  }

  protected when(ms: number | null): string {
    return ms === null ? '—' : formatDate(ms, 'medium');
  }

  /** Asks for the progress; again every BACKFILL_POLL_MS while it waits or runs. */
  private async load(): Promise<void> {
    this.timer = null;
    try {
      const p = await this.api.backfill();
      if (this.destroyed) return;
      this.progress.set(p);
      this.error.set(null);
      if (p.state === 'running' || p.state === 'pending') this.timer = setTimeout(() => void this.load(), BACKFILL_POLL_MS);
    } catch (failure) {
      if (this.destroyed) return;
      this.error.set(aiFailure(failure));
      // A passing failure (a restart, the network) while it ran: keep following it.
      const p = this.progress();
      if (p && (p.state === 'running' || p.state === 'pending')) this.timer = setTimeout(() => void this.load(), BACKFILL_POLL_MS);
    }
  }
}
