import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { DecimalPipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { User } from '../core/api-types';
import { FileNode, FileSpace, FileVersion, FilesApi, ShareLink } from './files-api';

interface Transfer {
  id: number;
  name: string;
  loaded: number;
  total: number;
  state: 'running' | 'done' | 'failed';
  error?: string;
}

/** Human sizes: 1.5 MB, 320 KB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** The file manager: spaces, breadcrumbs, a folder's content, uploads with progress, versions and sharing. */
@Component({
  selector: 'app-files-page',
  imports: [FormsModule, DecimalPipe],
  templateUrl: './files-page.html',
  styleUrl: './files-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FilesPage implements OnInit {
  private readonly api = inject(FilesApi);
  private nextTransfer = 1;

  protected readonly spaces = signal<FileSpace[]>([]);
  protected readonly space = signal<FileSpace | null>(null);
  protected readonly path = signal<FileNode[]>([]);
  protected readonly items = signal<FileNode[]>([]);
  protected readonly loading = signal(false);
  protected readonly error = signal('');
  protected readonly transfers = signal<Transfer[]>([]);
  protected readonly dragging = signal(false);
  protected readonly newFolder = signal('');
  protected readonly versionsOf = signal<FileNode | null>(null);
  protected readonly versions = signal<FileVersion[]>([]);
  protected readonly shareOf = signal<FileNode | null>(null);
  protected readonly shareQuery = signal('');
  protected readonly shareMatches = signal<User[]>([]);
  protected readonly shareMessage = signal('');
  protected readonly link = signal<ShareLink | null>(null);
  protected readonly linkPassword = signal('');

  protected readonly parentId = computed(() => this.path().at(-1)?.id ?? 0);
  protected readonly canEdit = computed(() => {
    const folder = this.path().at(-1);
    const role = folder ? folder.my_role : this.space()?.my_role;
    return role === 'editor' || role === 'manager';
  });
  protected readonly quotaPercent = computed(() => {
    const s = this.space();
    return s && s.quota_bytes > 0 ? Math.min(100, (100 * s.used_bytes) / s.quota_bytes) : 0;
  });
  protected readonly formatBytes = formatBytes;

  async ngOnInit(): Promise<void> {
    await this.loadSpaces();
  }

  protected async loadSpaces(keep?: number): Promise<void> {
    try {
      const spaces = (await this.api.spaces()).items;
      this.spaces.set(spaces);
      const chosen = spaces.find((s) => s.id === (keep ?? this.space()?.id)) ?? spaces[0] ?? null;
      if (chosen?.id !== this.space()?.id) this.path.set([]);
      this.space.set(chosen);
      await this.refresh();
    } catch (e) {
      this.error.set(this.message(e));
    }
  }

  protected async openSpace(space: FileSpace): Promise<void> {
    this.space.set(space);
    this.path.set([]);
    await this.refresh();
  }

  protected async open(node: FileNode): Promise<void> {
    if (node.kind !== 'folder') return;
    this.path.update((p) => [...p, node]);
    await this.refresh();
  }

  protected async goTo(depth: number): Promise<void> {
    this.path.update((p) => p.slice(0, depth));
    await this.refresh();
  }

  protected async refresh(): Promise<void> {
    const space = this.space();
    if (!space) {
      this.items.set([]);
      return;
    }
    this.loading.set(true);
    this.error.set('');
    try {
      this.items.set((await this.api.children(space.id, this.parentId())).items);
    } catch (e) {
      this.error.set(this.message(e));
    } finally {
      this.loading.set(false);
    }
  }

  protected async createFolder(): Promise<void> {
    const space = this.space();
    const name = this.newFolder().trim();
    if (!space || !name) return;
    try {
      await this.api.createFolder(space.id, this.parentId(), name);
      this.newFolder.set('');
      await this.refresh();
    } catch (e) {
      this.error.set(this.message(e));
    }
  }

  protected onDragOver(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(true);
  }

  protected onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    this.uploadAll(Array.from(event.dataTransfer?.files ?? []));
  }

  protected onPick(input: HTMLInputElement): void {
    this.uploadAll(Array.from(input.files ?? []));
    input.value = '';
  }

  protected uploadAll(files: File[]): void {
    for (const file of files) this.uploadOne(file);
  }

  private uploadOne(file: File): void {
    const space = this.space();
    if (!space) return;
    const id = this.nextTransfer++;
    this.transfers.update((t) => [...t, { id, name: file.name, loaded: 0, total: file.size, state: 'running' }]);
    const patch = (change: Partial<Transfer>) =>
      this.transfers.update((t) => t.map((x) => (x.id === id ? { ...x, ...change } : x)));
    this.api.upload(space.id, this.parentId(), file).subscribe({
      next: (e) => {
        if (e.kind === 'progress') patch({ loaded: e.loaded, total: e.total });
        else {
          patch({ loaded: file.size, state: 'done' });
          void this.loadSpaces(space.id);
        }
      },
      error: (e) => patch({ state: 'failed', error: this.message(e) }),
    });
  }

  protected retry(t: Transfer): void {
    this.transfers.update((all) => all.filter((x) => x.id !== t.id));
  }

  protected async download(node: FileNode): Promise<void> {
    try {
      const blob = await this.api.download(node.id);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = node.name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      this.error.set(this.message(e));
    }
  }

  protected async remove(node: FileNode): Promise<void> {
    if (!confirm(`Delete ${node.name}?`)) return;
    try {
      await this.api.remove(node.id);
      await this.loadSpaces();
    } catch (e) {
      this.error.set(this.message(e));
    }
  }

  protected async showVersions(node: FileNode): Promise<void> {
    this.versionsOf.set(node);
    this.versions.set((await this.api.versions(node.id)).items);
  }

  protected async restore(v: FileVersion): Promise<void> {
    const node = this.versionsOf();
    if (!node) return;
    await this.api.restore(node.id, v.number);
    await this.showVersions(node);
    await this.loadSpaces();
  }

  protected openShare(node: FileNode): void {
    this.shareOf.set(node);
    this.shareQuery.set('');
    this.shareMatches.set([]);
    this.shareMessage.set('');
    this.link.set(null);
  }

  protected async searchPeople(): Promise<void> {
    const q = this.shareQuery().trim();
    this.shareMatches.set(q ? (await this.api.findUsers(q)).items : []);
  }

  protected async shareWith(user: User, role: 'viewer' | 'editor'): Promise<void> {
    const node = this.shareOf();
    if (!node) return;
    try {
      await this.api.grant(node.id, user.id, role);
      this.shareMessage.set(`Shared with ${user.display_name} as ${role}.`);
    } catch (e) {
      this.shareMessage.set(this.message(e));
    }
  }

  protected async makeLink(): Promise<void> {
    const node = this.shareOf();
    if (!node) return;
    try {
      const password = this.linkPassword().trim();
      this.link.set(await this.api.createLink(node.id, password ? { password } : {}));
    } catch (e) {
      this.shareMessage.set(this.message(e));
    }
  }

  protected linkUrl(link: ShareLink): string {
    return `${location.origin}${link.url ?? ''}`;
  }

  private message(e: unknown): string {
    const err = e as { message?: string; error?: { error?: { message?: string } } };
    return err?.error?.error?.message ?? err?.message ?? 'Something went wrong';
  }
}
