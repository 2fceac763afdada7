import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { API_BASE } from '../core/api-client';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';
import { RemoteSupportSession } from './remote-support-types';

/**
 * In a signed-in customer's support view: the remote support sessions an agent started for
 * them and that wait for them, each with a Join button (no code to type: the account is
 * the session's customer). Plain fetch, so the support page's own requests stay as they are;
 * nothing shows when there is none or the list cannot be read.
 */
@Component({
  selector: 'mer-remote-support-invites',
  imports: [RouterLink, UiButton, UiIcon],
  template: `
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
export class RemoteSupportInvites implements OnInit {
  private readonly session = inject(SessionStore);
  protected readonly waiting = signal<RemoteSupportSession[]>([]);

  async ngOnInit(): Promise<void> {
    // The session store may be a partial fake in other features' tests.
    const token = this.session.token?.();
    if (!token || typeof fetch !== 'function') return;
    try {
      const res = await fetch(`${API_BASE}/remote-support/sessions?status=waiting`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) return;
      const body = (await res.json()) as { items?: RemoteSupportSession[] };
      this.waiting.set((body.items ?? []).filter((s) => s.status === 'waiting'));
    } catch {
      // no invitations shown
    }
  }
}
