import { ChangeDetectionStrategy, Component, OnDestroy, OnInit, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Subscription } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { formatDate } from '../core/locale-format';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';
import { queueEvents } from './queue-events';
import { RemoteSupportSession, SupportRequest } from './remote-support-types';

/**
 * In a signed-in customer's support view: the remote support sessions an agent started for
 * them and that wait for them, each with a Join button (no code to type: the account is
 * the session's customer). Plain fetch, so the support page's own requests stay as they are;
 * nothing shows when there is none or the list cannot be read. Without one, the customer may
 * ask for screen help (the agents' queue) and withdraw it. A reloaded page reads the waiting
 * request back. While it waits, the queue's events on /ws tell when an agent accepted it (the
 * invitation is read then), or that it expired; the lists are read again only on (re)connecting.
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
  private readonly realtime = inject(RealtimeService, { optional: true });
  protected readonly waiting = signal<RemoteSupportSession[]>([]);
  protected readonly request = signal<SupportRequest | null>(null);
  protected readonly note = signal('');
  private readonly subscriptions: Subscription[] = [];

  async ngOnInit(): Promise<void> {
    const rt = this.realtime;
    if (rt?.messages) {
      this.subscriptions.push(
        rt.messages('hello').subscribe(() => void this.load()),
        queueEvents(rt).subscribe((e) => {
          const me = this.session.user?.()?.id;
          if (me !== undefined && e.request.customer.id !== me) return;
          if (e.type === 'remote_support.request_taken') void this.load();
          else if (e.request.status === 'waiting') this.request.set(e.request);
          else if (this.request()?.id === e.request.id) {
            this.request.set(null);
            if (e.type === 'remote_support.request_expired') this.note.set('Your request waited too long and was closed. You can ask again.');
          }
        }),
      );
    }
    await this.load();
  }

  ngOnDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  protected async ask(): Promise<void> {
    this.note.set('');
    const res = await this.call('POST', '/remote-support/requests', {});
    if (res?.ok) {
      this.request.set((await res.json()) as SupportRequest);
    } else {
      this.note.set(res?.status === 409 ? 'You are already waiting for an agent.' : 'Asking did not work. Please try again.');
    }
  }

  protected async withdraw(id: number): Promise<void> {
    const res = await this.call('DELETE', `/remote-support/requests/${id}`);
    this.request.set(null);
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
        return;
      }
    } catch {
      // no invitations shown
    }
    await this.loadRequest();
  }

  /** The customer's own waiting request, so that a reloaded page shows the wait, not Ask. */
  private async loadRequest(): Promise<void> {
    const res = await this.call('GET', '/remote-support/requests/mine');
    if (!res?.ok) return;
    try {
      const body = (await res.json()) as { request?: SupportRequest | null };
      this.request.set(body.request ?? null);
    } catch {
      // the offer to ask stays
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
}
