import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { errorMessage } from '../../core/api-error';
import { ChatOperationsApi, LegalHold, RetentionPolicy, SupportRoute, buildScope, describeScope } from './chat-operations-api';
import { formatDate } from '../../core/locale-format';
import { UiButton } from '../../ui/button';

/** Admin: retention policies, legal holds and support routing (issue 3). */
@Component({
  imports: [UiButton],
  selector: 'mer-chat-operations-page',
  templateUrl: './chat-operations-page.html',
  styleUrl: './chat-operations-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatOperationsPage {
  private readonly api = inject(ChatOperationsApi);

  protected readonly policies = signal<RetentionPolicy[]>([]);
  protected readonly holds = signal<LegalHold[]>([]);
  protected readonly routes = signal<SupportRoute[]>([]);
  protected readonly teams = signal<{ id: number; name: string }[]>([]);
  protected readonly loaded = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly policyError = signal<string | null>(null);
  protected readonly holdError = signal<string | null>(null);
  protected readonly routeError = signal<string | null>(null);
  protected readonly describe = describeScope;

  protected readonly policyKind = signal('global');
  protected readonly holdKind = signal('conversation');
  protected readonly routeKind = signal('default');

  constructor() {
    void this.load();
  }

  protected async load(): Promise<void> {
    try {
      const [policies, holds, routes, teams] = await Promise.all([this.api.policies(), this.api.holds(), this.api.routes(), this.api.teams()]);
      this.policies.set(policies.items);
      this.holds.set(holds.items);
      this.routes.set(routes.items);
      this.teams.set(teams.items);
      this.error.set(null);
    } catch (failure) {
      this.error.set(errorMessage(failure));
    } finally {
      this.loaded.set(true);
    }
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected async savePolicy(event: Event, form: HTMLFormElement): Promise<void> {
    event.preventDefault();
    const data = new FormData(form);
    const scope = buildScope(this.policyKind(), String(data.get('value') ?? ''));
    const days = Number(data.get('keep_days'));
    if (!scope) return this.policyError.set(this.scopeHint(this.policyKind()));
    if (!Number.isInteger(days) || days < 0) return this.policyError.set('Keep for a whole number of days (0 keeps forever).');
    try {
      await this.api.setPolicy(scope, days);
      this.policyError.set(null);
      this.clearKeepingKind(form, this.policyKind());
      this.policies.set((await this.api.policies()).items);
    } catch (failure) {
      this.policyError.set(errorMessage(failure));
    }
  }

  protected async removePolicy(scope: string): Promise<void> {
    try {
      await this.api.deletePolicy(scope);
      this.policies.update((list) => list.filter((p) => p.scope !== scope));
    } catch (failure) {
      this.policyError.set(errorMessage(failure));
    }
  }

  protected async saveHold(event: Event, form: HTMLFormElement): Promise<void> {
    event.preventDefault();
    const data = new FormData(form);
    const scope = buildScope(this.holdKind(), String(data.get('value') ?? ''));
    const reason = String(data.get('reason') ?? '').trim();
    if (!scope) return this.holdError.set(this.scopeHint(this.holdKind()));
    if (!reason) return this.holdError.set('Give a reason, e.g. the case number.');
    try {
      await this.api.setHold(scope, reason);
      this.holdError.set(null);
      this.clearKeepingKind(form, this.holdKind());
      this.holds.set((await this.api.holds()).items);
    } catch (failure) {
      this.holdError.set(errorMessage(failure));
    }
  }

  protected async releaseHold(scope: string): Promise<void> {
    try {
      await this.api.deleteHold(scope);
      this.holds.update((list) => list.filter((h) => h.scope !== scope));
    } catch (failure) {
      this.holdError.set(errorMessage(failure));
    }
  }

  protected async saveRoute(event: Event, form: HTMLFormElement): Promise<void> {
    event.preventDefault();
    const data = new FormData(form);
    const scope = buildScope(this.routeKind(), String(data.get('value') ?? ''));
    const team = Number(data.get('team_id'));
    if (!scope) return this.routeError.set(this.scopeHint(this.routeKind()));
    if (!team) return this.routeError.set('Pick the team that answers.');
    try {
      await this.api.setRoute(scope, team);
      this.routeError.set(null);
      this.clearKeepingKind(form, this.routeKind());
      this.routes.set((await this.api.routes()).items);
    } catch (failure) {
      this.routeError.set(errorMessage(failure));
    }
  }

  protected async removeRoute(scope: string): Promise<void> {
    try {
      await this.api.deleteRoute(scope);
      this.routes.update((list) => list.filter((r) => r.scope !== scope));
    } catch (failure) {
      this.routeError.set(errorMessage(failure));
    }
  }

  /**
   * Empties a form after a save but keeps its "Applies to" choice: form.reset() alone put the
   * select back to its first option while the page still asked for the old choice's value.
   */
  private clearKeepingKind(form: HTMLFormElement, kind: string): void {
    form.reset();
    const select = form.querySelector<HTMLSelectElement>('select[data-scope-kind]');
    if (select) select.value = kind;
  }

  protected needsValue(kind: string): boolean {
    return kind !== 'global' && kind !== 'default';
  }

  protected placeholder(kind: string): string {
    return { kind: 'channel', country: 'DE', region: 'EU', conversation: 'conversation id, e.g. 12', user: 'person id, e.g. 7' }[kind] ?? '';
  }

  private scopeHint(kind: string): string {
    return (
      {
        kind: 'Pick direct, group, channel or support.',
        country: 'A country is two letters, e.g. DE.',
        region: 'A region is a name like EU (letters, digits, - and _).',
        conversation: 'A conversation is given by its number (in the chat URL: /chat/12).',
        user: 'A person is given by their number (Admin › Users).',
      }[kind] ?? 'Check the scope.'
    );
  }

  protected date(at: number): string {
    return formatDate(at, 'date');
  }
}
