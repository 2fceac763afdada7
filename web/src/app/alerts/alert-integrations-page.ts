import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { countryOptions } from '../admin/countries';
import { ApiError } from '../core/api-error';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiDialog } from '../ui/dialog';
import { UiEmptyState } from '../ui/empty-state';
import { UiInput, UiSwitch } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { Toasts } from '../ui/toast';
import { AlertIntegration, AlertsApi } from './alerts-api';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * /alerts/integrations (admins; the server refuses anyone else and the page says so):
 * incoming integrations — Prometheus Alertmanager's webhook and the generic JSON webhook
 * signed with HMAC-SHA256. Lists them (kind, audience, webhook URL, suspended and why),
 * creates one and shows its secret once, rotates the secret (shown once), deletes one.
 */
@Component({
  selector: 'mer-alert-integrations-page',
  imports: [RouterLink, UiBadge, UiButton, UiEmptyState, UiIcon, UiInput, UiSkeleton, UiSwitch],
  template: `
    <section class="page">
      <header class="page-header">
        <div>
          <h1>Integrations</h1>
          <p>Monitoring and other systems that send alerts: each sends only to the audience set here, with its own secret.</p>
        </div>
        <div class="links">
          <a uiButton="ghost" routerLink="/alerts">Sent alerts</a>
        </div>
      </header>
      @if (error(); as text) {
        <div class="alert alert-error" role="alert" data-testid="integrations-error">{{ text }}</div>
      }
      @if (revealed(); as x) {
        <div class="card secret" role="status" data-testid="integration-secret-panel">
          <h2>Secret of {{ x.name }}</h2>
          <p>Shown this once: copy it into the sender now. Only a hash is kept{{ x.kind === 'webhook' ? ' (and the key that checks signatures)' : '' }}.</p>
          <code class="secret-value" data-testid="integration-secret">{{ x.secret }}</code>
          <p class="muted small">Webhook URL: <code>{{ origin }}{{ x.webhook_path }}</code></p>
          <div class="row">
            <button type="button" uiButton="secondary" (click)="copy(x.secret ?? '')">Copy</button>
            <button type="button" uiButton="primary" (click)="revealed.set(null)" data-testid="integration-secret-done">Done</button>
          </div>
        </div>
      }
      @if (integrations(); as list) {
        <form class="card form" (submit)="create($event)" aria-labelledby="new-integration">
          <h2 id="new-integration">Add an integration</h2>
          <div class="grid">
            <label class="field">
              <span class="label">Name</span>
              <input uiInput type="text" maxlength="64" [value]="name()" (input)="name.set(value($event))" [uiInvalid]="submitted() && !nameOk()" placeholder="e.g. prometheus-prod" data-testid="integration-name" />
              @if (submitted() && !nameOk()) {
                <span class="field-error">Lower-case letters, digits and dashes, up to 64.</span>
              }
            </label>
            <label class="field">
              <span class="label">Kind</span>
              <select uiInput [value]="kind()" (change)="kind.set(value($event) === 'webhook' ? 'webhook' : 'alertmanager')" data-testid="integration-kind">
                <option value="alertmanager">Prometheus Alertmanager</option>
                <option value="webhook">JSON webhook (HMAC-signed)</option>
              </select>
            </label>
            <label class="field">
              <span class="label">Sends to people in</span>
              <select uiInput [value]="country()" (change)="country.set(value($event))" [uiInvalid]="submitted() && !country()" data-testid="integration-country">
                <option value="">Choose a country…</option>
                @for (c of countryList; track c.code) {
                  <option [value]="c.code">{{ c.label }}</option>
                }
              </select>
              @if (submitted() && !country()) {
                <span class="field-error">Choose who its alerts reach.</span>
              }
            </label>
            @if (kind() === 'alertmanager') {
              <label class="field">
                <span class="label">Alertmanager URL <span class="muted">(optional: silences on acknowledgement)</span></span>
                <input uiInput type="url" maxlength="500" [value]="url()" (input)="url.set(value($event))" placeholder="http://alertmanager:9093" data-testid="integration-url" />
              </label>
            }
          </div>
          <label class="switch-row">
            <input type="checkbox" uiSwitch [checked]="requireAck()" (change)="requireAck.set(checked($event))" data-testid="integration-require-ack" />
            Every recipient must acknowledge
          </label>
          <div class="row">
            <button type="submit" uiButton="primary" [disabled]="busy()" data-testid="integration-create">Add integration</button>
          </div>
        </form>
        @if (list.length === 0) {
          <ui-empty-state heading="No integrations yet" text="Add one above, then give its webhook URL and secret to Alertmanager or to the system that sends." />
        } @else {
          <div class="table-wrap">
            <table class="data cards" aria-label="Integrations">
              <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Sends to</th><th scope="col">Webhook</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                @for (x of list; track x.id) {
                  <tr data-testid="integration-row" [attr.data-name]="x.name">
                    <td data-label="Name">{{ x.name }}</td>
                    <td data-label="Kind">{{ x.kind === 'webhook' ? 'JSON webhook' : 'Alertmanager' }}@if (x.alertmanager_url) {<span class="muted small"> · silences</span>}</td>
                    <td data-label="Sends to">{{ audienceText(x) }}</td>
                    <td data-label="Webhook"><code class="path">{{ x.webhook_path }}</code></td>
                    <td data-label="State">
                      @if (x.suspended) {
                        <ui-badge tone="danger" data-testid="integration-state" [attr.title]="x.suspended">Suspended</ui-badge>
                        <p class="muted small reason" data-testid="integration-reason">{{ x.suspended }}</p>
                      } @else {
                        <ui-badge tone="ok" data-testid="integration-state">Active</ui-badge>
                      }
                    </td>
                    <td class="actions">
                      <button type="button" uiButton="ghost" uiSize="sm" [disabled]="busy()" (click)="rotate(x)" [attr.aria-label]="'New secret for ' + x.name" data-testid="integration-rotate"><ui-icon name="lock" /> New secret</button>
                      <button type="button" uiButton="ghost" uiSize="sm" [disabled]="busy()" (click)="remove(x)" [attr.aria-label]="'Delete ' + x.name" data-testid="integration-delete"><ui-icon name="trash" /> Delete</button>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      } @else if (!error()) {
        <ui-skeleton [lines]="4" label="Loading the integrations" />
      }
    </section>
  `,
  styles: `
    .links, .row { display: flex; gap: var(--space-2); flex-wrap: wrap; }
    .card { padding: var(--space-4); margin-bottom: var(--space-4); display: grid; gap: var(--space-3); }
    .card h2 { margin: 0; font-size: var(--text-lg); }
    .grid { display: grid; gap: var(--space-3); grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
    .switch-row { display: flex; gap: var(--space-2); align-items: center; }
    .secret-value { display: block; padding: var(--space-2); overflow-wrap: anywhere; user-select: all; }
    .path { overflow-wrap: anywhere; }
    .actions { display: flex; gap: var(--space-1); flex-wrap: wrap; justify-content: flex-end; }
    .small { font-size: var(--text-sm); }
    .reason { margin: var(--space-1) 0 0; max-width: 24rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertIntegrationsPage {
  private readonly api = inject(AlertsApi);
  private readonly dialogs = inject(UiDialog);
  private readonly toasts = inject(Toasts);
  protected readonly countryList = countryOptions();
  protected readonly origin = typeof location === 'undefined' ? '' : location.origin;
  protected readonly integrations = signal<AlertIntegration[] | null>(null);
  protected readonly error = signal('');
  protected readonly busy = signal(false);
  protected readonly revealed = signal<AlertIntegration | null>(null);
  protected readonly name = signal('');
  protected readonly kind = signal<'alertmanager' | 'webhook'>('alertmanager');
  protected readonly country = signal('');
  protected readonly url = signal('');
  protected readonly requireAck = signal(false);
  protected readonly submitted = signal(false);
  protected readonly nameOk = computed(() => NAME.test(this.name()));

  constructor() {
    void this.load();
  }

  protected value(e: Event): string {
    return (e.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected checked(e: Event): boolean {
    return (e.target as HTMLInputElement).checked;
  }

  protected audienceText(x: AlertIntegration): string {
    const parts: string[] = [];
    const a = x.audience;
    if (a.countries?.length) parts.push(a.countries.join(', '));
    if (a.team_ids?.length) parts.push(`${a.team_ids.length} team${a.team_ids.length === 1 ? '' : 's'}`);
    if (a.roles?.length) parts.push(a.roles.join(', '));
    if (a.user_ids?.length) parts.push(`${a.user_ids.length} ${a.user_ids.length === 1 ? 'person' : 'people'}`);
    return (parts.join(' · ') || '—') + (x.require_ack ? ' (everyone acknowledges)' : '');
  }

  protected async create(e: Event): Promise<void> {
    e.preventDefault();
    this.submitted.set(true);
    if (!this.nameOk() || !this.country()) return;
    this.busy.set(true);
    try {
      const url = this.url().trim();
      const made = await this.api.createIntegration({
        name: this.name(),
        kind: this.kind(),
        audience: { countries: [this.country()] },
        require_ack: this.requireAck(),
        ...(this.kind() === 'alertmanager' && url ? { alertmanager_url: url } : {}),
      });
      this.revealed.set(made);
      this.name.set('');
      this.url.set('');
      this.submitted.set(false);
      this.error.set('');
      await this.load();
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : 'The integration could not be added.');
    } finally {
      this.busy.set(false);
    }
  }

  protected async rotate(x: AlertIntegration): Promise<void> {
    const ok = await this.dialogs.confirm({
      title: `New secret for ${x.name}?`,
      message: 'The current secret stops working at once: the sender needs the new one. You vouch for this integration from now on.',
      confirmLabel: 'New secret',
    });
    if (!ok) return;
    await this.act(async () => this.revealed.set(await this.api.rotateIntegration(x.id)), 'A new secret could not be made.');
  }

  protected async remove(x: AlertIntegration): Promise<void> {
    const ok = await this.dialogs.confirm({
      title: `Delete ${x.name}?`,
      message: 'Its secret opens nothing any more and its name is free again. Alerts it sent stay.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    await this.act(async () => {
      await this.api.removeIntegration(x.id);
      this.toasts.show(`${x.name} deleted.`);
    }, 'The integration could not be deleted.');
  }

  protected async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.toasts.show('Secret copied.');
    } catch {
      this.toasts.show('Copying is not allowed here: select the secret and copy it.');
    }
  }

  private async act(work: () => Promise<void>, failed: string): Promise<void> {
    this.busy.set(true);
    try {
      await work();
      this.error.set('');
      await this.load();
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : failed);
    } finally {
      this.busy.set(false);
    }
  }

  private async load(): Promise<void> {
    try {
      this.integrations.set((await this.api.integrations()).items);
    } catch (err) {
      this.error.set(err instanceof ApiError ? err.message : 'The integrations could not be loaded.');
    }
  }
}
