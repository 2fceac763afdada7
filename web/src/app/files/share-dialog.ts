import { ChangeDetectionStrategy, Component, ElementRef, OnInit, afterNextRender, inject, input, output, signal } from '@angular/core';
import { LocalDatePipe } from '../core/local-date.pipe';
import { FormsModule } from '@angular/forms';
import { FileGrant, FileNode, FilesApi, Grantee, ShareLink } from './files-api';
import { LinkForm, linkRequest } from './files-logic';
import { CdkTrapFocus } from '@angular/cdk/a11y';
import { UiButton, UiIcon, UiInput, UiTab, UiTabs } from '../ui';

type Tab = 'people' | 'teams' | 'customers';

/** Sharing one file or folder: with people, teams and customers, or by a link. Managers only. */
@Component({
  selector: 'app-share-dialog',
  imports: [FormsModule, LocalDatePipe, CdkTrapFocus, UiButton, UiIcon, UiInput, UiTab, UiTabs],
  templateUrl: './share-dialog.html',
  styleUrl: './share-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'closed.emit()' },
})
export class ShareDialog implements OnInit {
  private readonly api = inject(FilesApi);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);

  readonly node = input.required<FileNode>();
  readonly closed = output<void>();

  protected readonly tab = signal<Tab>('people');
  protected readonly query = signal('');
  protected readonly matches = signal<Grantee[]>([]);
  protected readonly searched = signal(false);
  protected readonly grants = signal<FileGrant[]>([]);
  protected readonly links = signal<ShareLink[]>([]);
  protected readonly message = signal('');
  protected readonly error = signal('');
  protected readonly created = signal<ShareLink | null>(null);
  protected readonly form = signal<LinkForm>({ password: '', expiresInDays: 7, maxDownloads: null });

  constructor() {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLInputElement>('[data-testid="share-query"]')?.focus());
  }

  async ngOnInit(): Promise<void> {
    await Promise.all([this.loadGrants(), this.loadLinks()]);
  }

  protected setTab(tab: Tab): void {
    this.tab.set(tab);
    this.matches.set([]);
    this.searched.set(false);
    this.query.set('');
  }

  protected async find(): Promise<void> {
    const q = this.query().trim();
    this.error.set('');
    try {
      let found: Grantee[];
      if (this.tab() === 'people') {
        found = (await this.api.findUsers(q)).items.map((u) => ({ kind: 'user', id: u.id, name: u.display_name, detail: u.email, customer: false }));
      } else if (this.tab() === 'teams') {
        // The team list is short and unfiltered: match the name here.
        const needle = q.toLowerCase();
        found = (await this.api.findTeams(q)).items
          .filter((t) => !needle || t.name.toLowerCase().includes(needle))
          .map((t) => ({ kind: 'team', id: t.id, name: t.name, detail: t.member_count !== undefined ? `${t.member_count} ${t.member_count === 1 ? 'member' : 'members'}` : '', customer: false }));
      } else {
        found = (await this.api.findCustomers(q)).items.map((c) => ({ kind: 'user', id: c.id, name: c.display_name, detail: c.email ?? c.company ?? '', customer: true }));
      }
      this.matches.set(found);
      this.searched.set(true);
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected matchId(g: Grantee): string {
    return g.kind === 'team' ? `share-match-team-${g.name}` : `share-match-${g.detail || g.name}`;
  }

  protected async share(g: Grantee, role: 'viewer' | 'editor'): Promise<void> {
    this.error.set('');
    try {
      await this.api.grant(this.node().id, g, role);
      this.message.set(`Shared with ${g.name} as ${role}.`);
      await this.loadGrants();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected async unshare(g: FileGrant): Promise<void> {
    try {
      await this.api.removeGrant(g.id);
      this.message.set(`${g.grantee_name || 'They'} no longer ${g.grantee_kind === 'team' ? 'have' : 'has'} access.`);
      await this.loadGrants();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected patchForm(change: Partial<LinkForm>): void {
    this.form.update((f) => ({ ...f, ...change }));
  }

  protected async createLink(): Promise<void> {
    this.error.set('');
    const req = linkRequest(this.form(), Date.now());
    if ('error' in req) {
      this.error.set(req.error);
      return;
    }
    try {
      this.created.set(await this.api.createLink(this.node().id, req.body));
      this.patchForm({ password: '' });
      this.message.set('Link created. Copy it now: it is shown only once.');
      await this.loadLinks();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected async revoke(l: ShareLink): Promise<void> {
    try {
      await this.api.revokeLink(l.id);
      if (this.created()?.id === l.id) this.created.set(null);
      this.message.set('The link no longer works.');
      await this.loadLinks();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected linkUrl(l: ShareLink): string {
    // The page at /s/:token asks for the password when there is one.
    return l.token ? `${location.origin}/s/${l.token}` : `${location.origin}${l.url ?? ''}`;
  }

  protected async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.message.set('Link copied.');
    } catch {
      this.message.set('Select the link and copy it.');
    }
  }

  protected linkState(l: ShareLink): string {
    if (l.revoked) return 'revoked';
    if (l.expires_at && l.expires_at <= Date.now()) return 'expired';
    if (l.max_downloads && l.download_count >= l.max_downloads) return 'used up';
    return 'active';
  }

  private async loadGrants(): Promise<void> {
    try {
      this.grants.set((await this.api.grants(this.node().id)).items);
    } catch (e) {
      this.error.set(message(e));
    }
  }

  private async loadLinks(): Promise<void> {
    try {
      this.links.set((await this.api.links(this.node().id)).items);
    } catch {
      this.links.set([]);
    }
  }
}

export function message(e: unknown): string {
  const err = e as { message?: string; error?: { error?: { message?: string } } };
  return err?.error?.error?.message ?? err?.message ?? 'Something went wrong';
}
