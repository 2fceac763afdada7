import { ChangeDetectionStrategy, Component, OnDestroy, OnInit, computed, effect, inject, signal } from '@angular/core';
import { DecimalPipe } from '@angular/common';
import { LocalDatePipe } from '../core/local-date.pipe';
import { FormsModule } from '@angular/forms';
import { SessionStore } from '../core/session.store';
import { ActivityPanel, ActivityTarget } from './activity-panel';
import { FileNode, FileSpace, FileVersion, FilesApi, SearchHit } from './files-api';
import { fileIcon, formatBytes, previewKind, showsQuota, spaceLabel, spaceSubtitle } from './files-logic';
import { FilePreview } from './file-preview';
import { ShareDialog, message } from './share-dialog';
import { TransferList } from './transfer-list';
import { Transfer, TransferQueue } from './transfer-queue';
import { TusUploader } from './tus-uploader';
import { UiBadge, UiButton, UiDialog, UiEmptyState, UiIcon, UiInput, UiSkeleton } from '../ui';
import { AskFilePanel } from '../ai/ask-file-panel';
import { rememberAsk, rememberedAsk } from '../ai/ask-memory';
import { Citation } from '../ai/ai-api';

export { formatBytes } from './files-logic';

type ViewMode = 'list' | 'grid';
const VIEW_KEY = 'meridian.files.view';

/** The file manager: spaces, breadcrumbs, list or grid, uploads, previews, versions, sharing, activity, search. */
@Component({
  selector: 'app-files-page',
  imports: [FormsModule, DecimalPipe, LocalDatePipe, ShareDialog, ActivityPanel, FilePreview, TransferList, AskFilePanel, UiBadge, UiButton, UiEmptyState, UiIcon, UiInput, UiSkeleton],
  templateUrl: './files-page.html',
  styleUrl: './files-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FilesPage implements OnInit, OnDestroy {
  private readonly api = inject(FilesApi);
  private readonly dialogs = inject(UiDialog);
  private readonly session = inject(SessionStore);
  private readonly uploader = inject(TusUploader);

  protected readonly spaces = signal<FileSpace[]>([]);
  protected readonly space = signal<FileSpace | null>(null);
  protected readonly path = signal<FileNode[]>([]);
  protected readonly items = signal<FileNode[]>([]);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal('');
  protected readonly transfers = signal<Transfer[]>([]);
  protected readonly dragging = signal(false);
  protected readonly newFolder = signal('');
  protected readonly view = signal<ViewMode>(readView());
  protected readonly versionsOf = signal<FileNode | null>(null);
  protected readonly versions = signal<FileVersion[]>([]);
  protected readonly shareOf = signal<FileNode | null>(null);
  protected readonly activityOf = signal<ActivityTarget | null>(null);
  protected readonly previewOf = signal<FileNode | null>(null);
  protected readonly previewPage = signal<number | null>(null);
  /** What the assistant is asked about (web/src/app/ai/): one file, or all I can read; open again after a reload. */
  protected readonly askOf = signal<FileNode | 'all' | null>(rememberedAsk<FileNode>());
  protected readonly searchText = signal('');
  protected readonly results = signal<SearchHit[] | null>(null);
  protected readonly searchedFor = signal('');

  protected readonly queue = new TransferQueue(
    (job, cb) => this.uploader.create(job, cb),
    (t) => this.transfers.set(t),
    (_t, job) => this.uploaded(job.spaceId),
  );

  protected readonly myId = computed(() => this.session.user()?.id);
  protected readonly parentId = computed(() => this.path().at(-1)?.id ?? 0);
  protected readonly canEdit = computed(() => {
    const folder = this.path().at(-1);
    const role = folder ? folder.my_role : this.space()?.my_role;
    return role === 'editor' || role === 'manager';
  });
  protected readonly isManager = computed(() => this.space()?.my_role === 'manager');
  protected readonly quotaPercent = computed(() => {
    const s = this.space();
    return s && s.quota_bytes > 0 ? Math.min(100, (100 * s.used_bytes) / s.quota_bytes) : 0;
  });
  protected readonly formatBytes = formatBytes;
  protected readonly fileIcon = fileIcon;
  protected readonly showsQuota = showsQuota;
  protected readonly canPreview = (n: FileNode) => n.kind === 'file' && previewKind(n.content_type) !== null;
  protected readonly label = (s: FileSpace) => spaceLabel(s, this.myId());
  protected readonly subtitle = (s: FileSpace) => spaceSubtitle(s, this.myId());

  constructor() {
    effect(() => rememberAsk(this.askOf()));
  }

  async ngOnInit(): Promise<void> {
    await this.loadSpaces();
  }

  ngOnDestroy(): void {
    // Leaving the page stops sending; what arrived stays on the server until it expires.
    this.queue.pauseAll();
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
      this.error.set(message(e));
    } finally {
      this.loaded.set(true);
    }
  }

  protected async openSpace(space: FileSpace): Promise<void> {
    this.space.set(space);
    this.path.set([]);
    this.closePanels();
    this.results.set(null);
    await this.refresh();
  }

  protected async open(node: FileNode): Promise<void> {
    if (node.kind !== 'folder') {
      if (this.canPreview(node)) this.openPreview(node);
      return;
    }
    this.path.update((p) => [...p, node]);
    await this.refresh();
  }

  protected async goTo(depth: number): Promise<void> {
    this.path.update((p) => p.slice(0, depth));
    this.results.set(null);
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
      this.error.set(message(e));
    } finally {
      this.loading.set(false);
    }
  }

  protected setView(mode: ViewMode): void {
    this.view.set(mode);
    try {
      localStorage.setItem(VIEW_KEY, mode);
    } catch {
      /* private mode: the choice lasts for this page only */
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
      this.error.set(message(e));
    }
  }

  protected onDragOver(event: DragEvent): void {
    if (!this.canEdit()) return;
    event.preventDefault();
    this.dragging.set(true);
  }

  protected onDragLeave(event: DragEvent): void {
    // Only when the pointer leaves the drop zone, not when it moves over a child.
    const to = event.relatedTarget as Node | null;
    if (!to || !(event.currentTarget as HTMLElement).contains(to)) this.dragging.set(false);
  }

  protected onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    if (!this.canEdit()) return;
    this.uploadAll(Array.from(event.dataTransfer?.files ?? []));
  }

  protected onPick(input: HTMLInputElement): void {
    this.uploadAll(Array.from(input.files ?? []));
    input.value = '';
  }

  protected uploadAll(files: File[]): void {
    const space = this.space();
    if (!space || !files.length) return;
    this.queue.add(files, space.id, this.parentId());
  }

  private uploaded(spaceId: number): void {
    if (this.space()?.id === spaceId) void this.loadSpaces(spaceId);
  }

  /** A short-lived link that streams the file (no Blob in memory, no bearer header needed). */
  protected async download(node: FileNode, version?: number): Promise<void> {
    try {
      const { url } = await this.api.downloadToken(node.id, version);
      const a = document.createElement('a');
      a.href = url;
      a.rel = 'noopener';
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected readonly renaming = signal<number | null>(null);
  protected readonly renameText = signal('');

  protected startRename(node: FileNode): void {
    this.renaming.set(node.id);
    this.renameText.set(node.name);
    setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="rename-input"]')?.select());
  }

  protected async saveRename(node: FileNode): Promise<void> {
    const name = this.renameText().trim();
    if (!name || name === node.name) {
      this.renaming.set(null);
      return;
    }
    try {
      await this.api.rename(node.id, name);
      this.renaming.set(null);
      await this.refresh();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected async remove(node: FileNode): Promise<void> {
    const sure = await this.dialogs.confirm({
      title: `Delete ${node.name}?`,
      message: node.kind === 'folder' ? 'The folder and everything in it are deleted for everyone who can see them.' : 'The file and its versions are deleted for everyone who can see them.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.remove(node.id);
      await this.loadSpaces();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected async showVersions(node: FileNode): Promise<void> {
    this.closePanels();
    this.versionsOf.set(node);
    try {
      this.versions.set((await this.api.versions(node.id)).items);
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected async restore(v: FileVersion): Promise<void> {
    const node = this.versionsOf();
    if (!node) return;
    try {
      await this.api.restore(node.id, v.number);
      await this.showVersions(node);
      await this.loadSpaces();
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected showActivity(target: ActivityTarget): void {
    this.closePanels();
    this.activityOf.set(target);
  }

  protected spaceActivity(): void {
    const s = this.space();
    if (s) this.showActivity({ kind: 'space', id: s.id, name: this.label(s) });
  }

  protected async search(): Promise<void> {
    const q = this.searchText().trim();
    if (!q) {
      this.results.set(null);
      return;
    }
    try {
      this.results.set((await this.api.search(q)).items);
      this.searchedFor.set(q);
    } catch (e) {
      this.error.set(message(e));
    }
  }

  protected clearSearch(): void {
    this.searchText.set('');
    this.results.set(null);
  }

  /** Opens the folder that holds a search hit (or the folder itself). */
  protected async reveal(hit: SearchHit): Promise<void> {
    const space = this.spaces().find((s) => s.id === hit.space.id);
    if (!space) return;
    this.space.set(space);
    const folders = hit.path.map((p) => ({ id: p.id, name: p.name, kind: 'folder', space_id: space.id, my_role: p.my_role }) as FileNode);
    if (hit.kind === 'folder') folders.push(hit);
    this.path.set(folders);
    this.results.set(null);
    await this.refresh();
  }

  /** Opens the share dialog or the preview, remembering where focus was to give it back. */
  protected openShare(node: FileNode): void {
    this.returnFocus = document.activeElement as HTMLElement | null;
    this.shareOf.set(node);
  }

  /** `page`: a PDF opens at it (an assistant's citation). */
  protected openPreview(node: FileNode, page: number | null = null): void {
    this.returnFocus = document.activeElement as HTMLElement | null;
    this.previewPage.set(page);
    this.previewOf.set(node);
  }

  /** A citation opens its file, a PDF at the cited page. */
  protected openCitation(c: Citation): void {
    const ask = this.askOf();
    const known = (ask !== 'all' && ask?.id === c.file_id ? ask : null) ?? this.items().find((n) => n.id === c.file_id);
    // A file elsewhere (a question over all my files): what the preview needs, from the citation.
    const node =
      known ??
      ({ id: c.file_id, name: c.file_name, kind: 'file', version: c.version, space_id: 0, parent_id: 0, updated_at: 0, my_role: 'viewer',
         content_type: /\.pdf$/i.test(c.file_name) ? 'application/pdf' : 'text/plain' } as FileNode);
    this.openPreview(node, c.page);
  }

  protected closeOverlay(): void {
    this.shareOf.set(null);
    this.previewOf.set(null);
    const back = this.returnFocus;
    this.returnFocus = null;
    if (back?.isConnected) setTimeout(() => back.focus());
  }

  private returnFocus: HTMLElement | null = null;

  private closePanels(): void {
    this.versionsOf.set(null);
    this.activityOf.set(null);
  }
}

function readView(): ViewMode {
  try {
    return localStorage.getItem(VIEW_KEY) === 'grid' ? 'grid' : 'list';
  } catch {
    return 'list';
  }
}
