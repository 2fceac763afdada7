import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { formatLocalTime } from '../core/local-time';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { SupportApi, SupportConversation, SupportNote, SupportTeam } from '../support/support-api';
import '../support/support-events';
import { UiButton } from '../ui/button';

/**
 * For agents and admins in a support conversation: status, claim, assign, transfer,
 * close/reopen, and the team's internal notes (never shown to the customer: the server
 * gives them only to the team's agents and admins).
 */
@Component({
  imports: [UiButton],
  selector: 'mer-support-bar',
  template: `
    @if (support(); as s) {
      <div class="bar" data-testid="support-bar">
        <span class="status" [attr.data-status]="s.status" data-testid="support-status">{{ statusLabel() }}</span>
        <span class="who">
          {{ s.customer?.display_name }}@if (s.customer?.country) { · {{ s.customer?.country }} } · {{ s.team?.name }}
          @if (s.assignee) { · <strong>{{ s.assignee.display_name }}</strong> } @else { · <em>unassigned</em> }
        </span>
        <span class="actions">
          @if (s.status !== 'closed' && s.assignee?.id !== myId()) {
            <button type="button" uiButton="primary" uiSize="sm" (click)="claim()" [disabled]="busy()" data-testid="support-claim">Claim</button>
          }
          @if (s.status !== 'closed') {
            <select (change)="assign($event)" [disabled]="busy()" aria-label="Assign to an agent" data-testid="support-assign">
              <option value="">Assign to…</option>
              @for (a of teamAgents(); track a.id) {
                <option [value]="a.id" [disabled]="a.id === s.assignee?.id">{{ a.display_name }}</option>
              }
            </select>
            <select (change)="transfer($event)" [disabled]="busy()" aria-label="Transfer to a team" data-testid="support-transfer">
              <option value="">Transfer to…</option>
              @for (t of otherTeams(); track t.id) {
                <option [value]="t.id">{{ t.name }}</option>
              }
            </select>
            <button type="button" uiButton uiSize="sm" (click)="close()" [disabled]="busy()" data-testid="support-close">Close</button>
          } @else {
            <button type="button" uiButton uiSize="sm" (click)="reopen()" [disabled]="busy()" data-testid="support-reopen">Reopen</button>
          }
          <button type="button" uiButton uiSize="sm" (click)="showNotes.set(!showNotes())" [attr.aria-expanded]="showNotes()" data-testid="support-notes-toggle">
            Internal notes ({{ notes().length }})
          </button>
        </span>
      </div>
      @if (error(); as text) {
        <div class="alert alert-error" role="alert" data-testid="support-error">{{ text }}</div>
      }
      @if (showNotes()) {
        <section class="notes" aria-label="Internal notes" data-testid="support-notes">
          <p class="hint">Only agents of {{ s.team?.name }} and admins see these notes — never the customer.</p>
          @for (n of notes(); track n.id) {
            <article class="note" data-testid="support-note">
              <strong>{{ n.author.display_name }}</strong> <time>{{ time(n.created_at) }}</time>
              <div class="text">{{ n.text }}</div>
            </article>
          } @empty {
            <p class="hint">No notes yet.</p>
          }
          <form (submit)="addNote($event, noteInput)">
            <input #noteInput placeholder="Add a note for the team" aria-label="Internal note" maxlength="4000" data-testid="support-note-input" />
            <button type="submit" uiButton uiSize="sm" [disabled]="busy()" data-testid="support-note-add">Add note</button>
          </form>
        </section>
      }
    }
  `,
  styles: `
    :host { display: block; }
    .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; padding: 0.5rem 1rem; background: var(--surface-muted); border-bottom: 1px solid var(--border); font-size: 0.88rem; }
    .status { font-weight: 600; padding: 0.1rem 0.5rem; border-radius: 999px; background: var(--brand-soft); color: var(--brand-strong); }
    .status[data-status='queued'] { background: var(--warn-soft); color: var(--warn-text); }
    .status[data-status='closed'] { background: var(--surface); color: var(--text-muted); }
    .who { color: var(--text-muted); flex: 1; min-width: 12rem; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
    select { font: inherit; font-size: 0.85rem; padding: 0.15rem 0.3rem; }
    .notes { padding: 0.5rem 1rem; background: var(--warn-soft); border-bottom: 1px solid var(--border); max-height: 14rem; overflow-y: auto; }
    .hint { color: var(--text-muted); font-size: 0.8rem; margin: 0.2rem 0; }
    .note { padding: 0.25rem 0; font-size: 0.88rem; }
    .note time { color: var(--text-muted); font-size: 0.75rem; margin-left: 0.3rem; }
    .note .text { white-space: pre-wrap; }
    form { display: flex; gap: 0.5rem; margin-top: 0.4rem; }
    form input { flex: 1; font: inherit; padding: 0.25rem 0.4rem; }
    .alert { margin: 0.4rem 1rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SupportBar {
  private readonly api = inject(SupportApi);
  private readonly session = inject(SessionStore);

  readonly conversationId = input.required<number>();
  /** Claim, assign, transfer, close or reopen happened: what I may do in chat changed. */
  readonly changed = output<void>();

  protected readonly support = signal<SupportConversation | null>(null);
  protected readonly teams = signal<SupportTeam[]>([]);
  protected readonly notes = signal<SupportNote[]>([]);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly showNotes = signal(false);
  protected readonly myId = computed(() => this.session.user()?.id ?? null);
  protected readonly teamAgents = computed(() => this.teams().find((t) => t.id === this.support()?.team?.id)?.agents ?? []);
  protected readonly otherTeams = computed(() => this.teams().filter((t) => t.id !== this.support()?.team?.id));
  protected readonly statusLabel = computed(() => {
    const s = this.support();
    if (!s) return '';
    return s.status === 'queued' ? 'Waiting in queue' : s.status === 'assigned' ? 'Assigned' : 'Closed';
  });

  constructor() {
    effect(() => {
      const id = this.conversationId();
      untracked(() => void this.load(id));
    });
    const realtime = inject(RealtimeService);
    const subscriptions = [
      realtime.messages('support.updated').subscribe((event) => {
        if (event.conversation.id === this.conversationId()) void this.load(this.conversationId());
      }),
      realtime.messages('support.note').subscribe((event) => {
        if (event.conversation_id !== this.conversationId()) return;
        const note = event.note as SupportNote;
        this.notes.update((list) => (list.some((n) => n.id === note.id) ? list : [...list, note]));
      }),
    ];
    inject(DestroyRef).onDestroy(() => subscriptions.forEach((s) => s.unsubscribe()));
  }

  private async load(id: number): Promise<void> {
    try {
      const [support, notes, teams] = await Promise.all([this.api.get(id), this.api.notes(id), this.api.teams()]);
      if (id !== this.conversationId()) return;
      this.support.set(support);
      this.notes.set(notes.items);
      this.teams.set(teams.items);
      this.error.set(null);
    } catch (failure) {
      this.error.set(errorMessage(failure));
    }
  }

  private async act(run: () => Promise<SupportConversation>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      this.support.set(await run());
      this.changed.emit();
    } catch (failure) {
      this.error.set(errorMessage(failure));
    } finally {
      this.busy.set(false);
    }
  }

  protected claim(): Promise<void> {
    return this.act(() => this.api.claim(this.conversationId()));
  }

  protected assign(event: Event): Promise<void> | void {
    const select = event.target as HTMLSelectElement;
    const agent = Number(select.value);
    select.value = '';
    if (agent) return this.act(() => this.api.assign(this.conversationId(), agent));
  }

  protected transfer(event: Event): Promise<void> | void {
    const select = event.target as HTMLSelectElement;
    const team = Number(select.value);
    select.value = '';
    if (team) return this.act(() => this.api.transfer(this.conversationId(), team));
  }

  protected close(): Promise<void> {
    return this.act(() => this.api.close(this.conversationId()));
  }

  protected reopen(): Promise<void> {
    return this.act(() => this.api.reopen(this.conversationId()));
  }

  protected async addNote(event: Event, input: HTMLInputElement): Promise<void> {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    this.busy.set(true);
    try {
      const note = await this.api.addNote(this.conversationId(), text);
      input.value = '';
      this.notes.update((list) => (list.some((n) => n.id === note.id) ? list : [...list, note]));
    } catch (failure) {
      this.error.set(errorMessage(failure));
    } finally {
      this.busy.set(false);
    }
  }

  protected time(at: number): string {
    return formatLocalTime(at, this.session.user()?.time_zone ?? 'UTC');
  }
}
