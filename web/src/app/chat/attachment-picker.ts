import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, HostListener, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { HttpErrorResponse } from '@angular/common/http';
import { Subscription } from 'rxjs';
import { formatBytes } from '../files/files-page';
import { AttachmentsApi } from './attachments-api';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';

export const MAX_ATTACHMENTS = 10;

/** One file on its way into the conversation's space, or ready to go with the next message. */
export interface PendingUpload {
  key: number;
  name: string;
  size: number;
  loaded: number;
  state: 'uploading' | 'done' | 'failed';
  fileId: number | null;
  error: string;
}

/** Files in a drop or paste (the items the browser says are files). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files && data.files.length > 0) return Array.from(data.files);
  const out: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const f = item.getAsFile();
    if (f) out.push(f);
  }
  return out;
}

/**
 * The composer's attachments: an attach button, and files dropped or pasted anywhere on
 * the page. Each uploads at once into the conversation's space with a progress bar and
 * a cancel button; takeReady() hands the finished ones to the message being sent.
 */
@Component({
  imports: [UiButton, UiIcon],
  selector: 'mer-attachment-picker',
  template: `
    @if (dragging()) {
      <div class="drop" aria-hidden="true" data-testid="attachment-drop">Drop files to attach them</div>
    }
    @if (uploads().length > 0) {
      <ul class="tray" aria-label="Attachments" data-testid="attachment-tray">
        @for (u of uploads(); track u.key) {
          <li [attr.data-state]="u.state" data-testid="attachment-upload">
            <span class="name" [attr.title]="u.name">{{ u.name }}</span>
            <span class="size muted">{{ formatBytes(u.size) }}</span>
            @if (u.state === 'uploading') {
              <progress [value]="u.loaded" [max]="u.size || 1" [attr.aria-label]="'Uploading ' + u.name" data-testid="attachment-progress"></progress>
            } @else if (u.state === 'failed') {
              <span class="error" role="alert" data-testid="attachment-error">{{ u.error }}</span>
            } @else {
              <span class="ok" data-testid="attachment-ready">✓</span>
            }
            <button type="button" uiButton="ghost" (click)="cancel(u)" [attr.aria-label]="(u.state === 'uploading' ? 'Cancel ' : 'Remove ') + u.name" data-testid="attachment-cancel">✕</button>
          </li>
        }
      </ul>
    }
    <input #input type="file" multiple hidden (change)="picked($event)" data-testid="attachment-input" />
    <button type="button" uiButton="ghost" class="attach" [disabled]="disabled()" (click)="open()" aria-label="Attach files" title="Attach files" data-testid="attachment-button"><ui-icon name="paperclip" /> Attach</button>
  `,
  styles: `
    :host { display: block; padding: 0.4rem 1.25rem 0; background: var(--surface); border-top: 1px solid var(--border); }
    .attach { font-size: 0.85rem; }
    .tray { list-style: none; margin: 0 0 0.4rem; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
    .tray li {
      display: flex; align-items: center; gap: 0.4rem; padding: 0.25rem 0.5rem; border: 1px solid var(--border);
      border-radius: 8px; font-size: 0.82rem; background: var(--surface-muted); max-width: 20rem;
    }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 10rem; }
    progress { width: 5rem; }
    .error { color: var(--danger-text); }
    .ok { color: var(--brand-strong); }
    .drop {
      position: fixed; inset: 0; z-index: 20; display: grid; place-items: center; pointer-events: none;
      background: color-mix(in srgb, var(--brand-soft) 80%, transparent); font-size: 1.3rem; font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttachmentPicker {
  private readonly api = inject(AttachmentsApi);
  readonly conversationId = input.required<number | null>();
  readonly disabled = input(false);

  protected readonly uploads = signal<PendingUpload[]>([]);
  protected readonly dragging = signal(false);
  protected readonly formatBytes = formatBytes;
  /** Finished uploads that go with the next message. */
  readonly ready = computed(() => this.uploads().filter((u) => u.state === 'done' && u.fileId !== null));
  readonly busy = computed(() => this.uploads().some((u) => u.state === 'uploading'));

  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('input');
  private readonly running = new Map<number, Subscription>();
  private nextKey = 1;
  private dragDepth = 0;

  constructor() {
    // Another conversation: what was on its way here is given up.
    effect(() => {
      this.conversationId();
      untracked(() => this.clear());
    });
    inject(DestroyRef).onDestroy(() => this.clear());
  }

  protected open(): void {
    this.input().nativeElement.click();
  }

  protected picked(event: Event): void {
    const el = event.target as HTMLInputElement;
    this.add(Array.from(el.files ?? []));
    el.value = '';
  }

  /** Starts uploading these files (at most ten wait for one message). */
  add(files: File[]): void {
    const id = this.conversationId();
    if (id === null || this.disabled()) return;
    const room = MAX_ATTACHMENTS - this.uploads().filter((u) => u.state !== 'failed').length;
    for (const file of files.slice(0, Math.max(room, 0))) this.start(id, file);
  }

  /** The ids of the finished uploads. */
  readyIds(): number[] {
    return this.ready().map((u) => u.fileId as number);
  }

  /** These files went with a message: out of the tray. */
  sent(ids: number[]): void {
    this.uploads.update((all) => all.filter((u) => u.fileId === null || !ids.includes(u.fileId)));
  }

  /** The ids of the finished uploads, removed from the tray (they go with a message now). */
  takeReady(): number[] {
    const ids = this.readyIds();
    this.sent(ids);
    return ids;
  }

  protected cancel(u: PendingUpload): void {
    this.running.get(u.key)?.unsubscribe(); // aborts the request
    this.running.delete(u.key);
    this.uploads.update((all) => all.filter((x) => x.key !== u.key));
    // Uploaded but not sent: remove it now (the server would after a day).
    if (u.fileId !== null) void this.api.remove(u.fileId).catch(() => undefined);
  }

  @HostListener('document:dragenter', ['$event'])
  protected onDragEnter(event: DragEvent): void {
    if (!this.accepts(event)) return;
    this.dragDepth++;
    this.dragging.set(true);
  }

  @HostListener('document:dragover', ['$event'])
  protected onDragOver(event: DragEvent): void {
    if (!this.accepts(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  }

  @HostListener('document:dragleave', ['$event'])
  protected onDragLeave(event: DragEvent): void {
    if (!this.accepts(event)) return;
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) this.dragging.set(false);
  }

  @HostListener('document:drop', ['$event'])
  protected onDrop(event: DragEvent): void {
    this.dragDepth = 0;
    this.dragging.set(false);
    if (!this.accepts(event)) return;
    event.preventDefault();
    this.add(filesOf(event.dataTransfer));
  }

  @HostListener('document:paste', ['$event'])
  protected onPaste(event: ClipboardEvent): void {
    const files = filesOf(event.clipboardData);
    if (files.length === 0 || this.disabled() || this.conversationId() === null) return;
    event.preventDefault(); // a pasted screenshot becomes an attachment, not text
    this.add(files);
  }

  private accepts(event: DragEvent): boolean {
    return !this.disabled() && this.conversationId() !== null && !!event.dataTransfer?.types?.includes('Files');
  }

  private start(conversationId: number, file: File): void {
    const key = this.nextKey++;
    const upload: PendingUpload = { key, name: file.name, size: file.size, loaded: 0, state: 'uploading', fileId: null, error: '' };
    this.uploads.update((all) => [...all, upload]);
    const patch = (change: Partial<PendingUpload>) =>
      this.uploads.update((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));
    const fail = (e: unknown) => {
      this.running.delete(key);
      patch({ state: 'failed', error: describe(e) });
    };
    this.api.space(conversationId).then(
      (space) => {
        if (!this.uploads().some((u) => u.key === key)) return; // cancelled meanwhile
        const sub = this.api.upload(space.id, file).subscribe({
          next: (e) => {
            if (e.kind === 'progress') patch({ loaded: e.loaded });
            else {
              this.running.delete(key);
              patch({ state: 'done', loaded: file.size, fileId: e.file.id });
            }
          },
          error: fail,
        });
        this.running.set(key, sub);
      },
      fail,
    );
  }

  private clear(): void {
    for (const sub of this.running.values()) sub.unsubscribe();
    this.running.clear();
    this.uploads.set([]);
  }
}

function describe(e: unknown): string {
  if (e instanceof HttpErrorResponse) {
    const message = (e.error as { error?: { message?: string } } | null)?.error?.message;
    if (message) return message;
    if (e.status === 413) return 'too large';
    return e.status ? `failed (${e.status})` : 'network error';
  }
  return 'failed';
}
