import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute } from '@angular/router';
import { API_BASE } from '../core/api-client';
import { formatBytes } from './files-logic';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';

interface LinkInfo {
  needs_password: boolean;
  name?: string;
  size?: number;
  content_type?: string;
}

/**
 * What someone without an account sees when they open a share link (/s/:token): the file's
 * name and size, a password field when the link has one, and a download button. Plain
 * fetch (not HttpClient): this page must never touch a signed-in session.
 */
@Component({
  selector: 'app-link-page',
  imports: [FormsModule, UiButton, UiIcon],
  template: `
    <main class="link-page" data-testid="link-page">
      <h1>Meridian</h1>
      @if (error()) {
        <p class="error" role="alert" data-testid="link-error">{{ error() }}</p>
      }
      @if (info(); as i) {
        @if (i.name) {
          <p class="file"><ui-icon name="file" /> <strong data-testid="link-name">{{ i.name }}</strong> <small>{{ size(i.size ?? 0) }}</small></p>
        }
        @if (i.needs_password && !unlocked()) {
          <form (submit)="$event.preventDefault(); unlock()">
            <label>Password <input type="password" [ngModel]="password()" (ngModelChange)="password.set($event)" name="pw" autocomplete="current-password" data-testid="link-password-input" autofocus /></label>
            <button type="submit" uiButton="primary" [disabled]="!password()">Open</button>
          </form>
        } @else {
          <button type="button" uiButton="primary" (click)="download()" [disabled]="busy()" data-testid="link-download">{{ busy() ? 'Downloading…' : 'Download' }}</button>
        }
      } @else if (!error()) {
        <p>Opening the link…</p>
      }
    </main>
  `,
  styles: `
    .link-page { max-width: 28rem; margin: 10vh auto; padding: 2rem; border: 1px solid var(--border); border-radius: var(--radius-lg); background: var(--surface); display: grid; gap: var(--space-4); }
    h1 { font-size: 1.2rem; margin: 0; }
    form { display: flex; gap: .5rem; align-items: end; }
    label { display: grid; gap: .25rem; flex: 1; }
    .error { color: var(--danger-text); }
    small { color: var(--text-muted); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LinkPage implements OnInit {
  private readonly token = inject(ActivatedRoute).snapshot.paramMap.get('token') ?? '';
  protected readonly info = signal<LinkInfo | null>(null);
  protected readonly error = signal('');
  protected readonly password = signal('');
  protected readonly unlocked = signal(false);
  protected readonly busy = signal(false);
  protected readonly size = formatBytes;

  private get base(): string {
    return `${API_BASE}/public/links/${encodeURIComponent(this.token)}`;
  }

  async ngOnInit(): Promise<void> {
    await this.load('');
  }

  protected async unlock(): Promise<void> {
    if (await this.load(this.password())) this.unlocked.set(true);
  }

  private async load(password: string): Promise<boolean> {
    this.error.set('');
    const res = await fetch(this.base, { headers: password ? { 'x-link-password': password } : {} }).catch(() => null);
    if (!res) {
      this.error.set('The server could not be reached; try again.');
      return false;
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      this.error.set(body?.error?.message ?? 'This link does not work.');
      return false;
    }
    this.info.set(body as LinkInfo);
    return !(body as LinkInfo).needs_password || !!(body as LinkInfo).name;
  }

  protected async download(): Promise<void> {
    const password = this.password();
    if (!password) {
      // No password: a plain link streams the file, however large.
      location.href = `${this.base}/content`;
      return;
    }
    // The password travels in a header, so the file comes through fetch.
    this.busy.set(true);
    try {
      const res = await fetch(`${this.base}/content`, { headers: { 'x-link-password': password } });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        this.error.set(body?.error?.message ?? 'The download failed.');
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = this.info()?.name ?? 'download';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } finally {
      this.busy.set(false);
    }
  }
}
