import { ChangeDetectionStrategy, Component, OnDestroy, OnInit, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { API_BASE } from '../core/api-client';
import { formatDate } from '../core/locale-format';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';
import { RemoteSupportSession, SupportRequest } from './remote-support-types';

/**
 * In a signed-in customer's support view: the remote support sessions an agent started for
 * them and that wait for them, each with a Join button (no code to type: the account is
 * the session's customer). Plain fetch, so the support page's own requests stay as they are;
 * nothing shows when there is none or the list cannot be read. Without one, the customer may
 * ask for screen help (the agents' queue) and withdraw it; while it waits, the list is read
 * again every 5 s so the invitation appears when an agent accepts.
 */
@Component({
  selector: 'mer-remote-support-invites',
  imports: [RouterLink, UiButton, UiIcon],
  template: `
    @if (!waiting().length) {
      <div class="alert alert-info invite" role="status" data-testid="rs-help">
        <ui-icon name="screen-share" />
        @if (request(); as q) {
          <span data-testid="rs-help-waiting">You asked for screen help at {{ time(q.created_at) }}. An agent will invite you here; they see nothing until you allow it, step by step.</span>
          <button type="button" uiButton uiSize="sm" (click)="withdraw(q.id)" data-testid="rs-help-withdraw">Withdraw</button>
        } @else {
          <span>Need an agent to look at your screen? Ask, and wait here: nothing to install.</span>
          <button type="button" uiButton="primary" uiSize="sm" (click)="ask()" data-testid="rs-help-ask">Ask for screen help</button>
        }
        @if (note()) {
          <span class="muted" role="alert" data-testid="rs-help-note">{{ note() }}</span>
        }
      </div>
    }
    @for (s of waiting(); track s.id) {
      <p class="alert alert-info invite" role="status" [attr.data-testid]="'rs-invite-' + s.id">
        <ui-icon name="screen-share" />
        <span>{{ s.agent.name }} invites you to a remote support session. They see nothing until you allow it, step by step.</span>
        <a uiButton="primary" uiSize="sm" routerLink="/remote-support/join" [queryParams]="{ session: s.id }" data-testid="rs-invite-join">Join</a>
      </p>
    }
  `,
  styles: `.invite { display: flex; align-items: center; gap: var(--space-2); flex-wrap: wrap; } .invite span { flex: 1; min-width: 12rem; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RemoteSupportInvites implements OnInit, OnDestroy {
  private readonly session = inject(SessionStore);
  protected readonly waiting = signal<RemoteSupportSession[]>([]);
  protected readonly request = signal<SupportRequest | null>(null);
  protected readonly note = signal('');
  private timer: ReturnType<typeof setInterval> | null = null;

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  ngOnDestroy(): void {
    this.stopPolling();
  }

  protected async ask(): Promise<void> {
    this.note.set('');
    const res = await this.call('POST', '/remote-support/requests', {});
    if (res?.ok) {
      this.request.set((await res.json()) as SupportRequest);
      this.timer ??= setInterval(() => void this.load(), 5000);
    } else {
      this.note.set(res?.status === 409 ? 'You are already waiting for an agent.' : 'Asking did not work. Please try again.');
    }
  }

  protected async withdraw(id: number): Promise<void> {
    const res = await this.call('DELETE', `/remote-support/requests/${id}`);
    this.request.set(null);
    this.stopPolling();
    if (!res?.ok && res?.status !== 409) this.note.set('Withdrawing did not work. Please try again.');
  }

  protected time(at: number): string {
    return formatDate(at, 'time');
  }

  private async load(): Promise<void> {
    const res = await this.call('GET', '/remote-support/sessions?status=waiting');
    if (!res?.ok) return;
    try {
      const body = (await res.json()) as { items?: RemoteSupportSession[] };
      this.waiting.set((body.items ?? []).filter((s) => s.status === 'waiting'));
      if (this.waiting().length) {
        this.request.set(null);
        this.stopPolling();
      }
    } catch {
      // no invitations shown
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response | null> {
    // The session store may be a partial fake in other features' tests.
    const token = this.session.token?.();
    if (!token || typeof fetch !== 'function') return null;
    try {
      return await fetch(`${API_BASE}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch {
      return null;
    }
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
