import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { ChatAttachment } from './chat-types';
import { formatBytes } from '../files/files-page';
import { AttachmentsApi, saveBlob } from './attachments-api';
import { UiIcon } from '../ui/icon';

/** Types the server previews inline (GET /files/{id}/content?inline=1) and a browser draws. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);
/** Larger images are not fetched for a thumbnail (the server sends the whole file). */
export const MAX_THUMBNAIL_BYTES = 8 * 1024 * 1024;

export function showsThumbnail(a: ChatAttachment): boolean {
  return IMAGE_TYPES.has(a.content_type) && a.size <= MAX_THUMBNAIL_BYTES;
}

/**
 * A message's files: a chip with name and size that downloads with the reader's token,
 * and a thumbnail for images (fetched with the token too: an <img> can not send it).
 */
@Component({
  selector: 'mer-message-attachments',
  imports: [UiIcon],
  template: `
    <ul class="files" data-testid="message-attachments">
      @for (a of attachments(); track a.id) {
        <li [attr.data-file-id]="a.id" data-testid="message-attachment">
          @if (thumbnails()[a.id]; as src) {
            <button type="button" class="thumb" (click)="download(a)" [attr.aria-label]="'Download ' + a.name">
              <img [src]="src" [alt]="a.name" data-testid="attachment-thumbnail" />
            </button>
          }
          <button type="button" class="chip" (click)="download(a)" [attr.title]="'Download ' + a.name" data-testid="attachment-download">
            <span class="icon" aria-hidden="true"><ui-icon name="file" /></span>
            <span class="name" data-testid="attachment-name">{{ a.name }}</span>
            <span class="size muted" data-testid="attachment-size">{{ formatBytes(a.size) }}</span>
          </button>
          @if (failed()[a.id]; as why) {
            <span class="error" role="alert">{{ why }}</span>
          }
        </li>
      }
    </ul>
  `,
  styles: `
    .files { list-style: none; margin: 0.3rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
    li { display: flex; flex-direction: column; align-items: flex-start; gap: 0.25rem; max-width: 18rem; }
    .chip {
      display: flex; align-items: center; gap: 0.4rem; padding: 0.3rem 0.6rem; border: 1px solid var(--border);
      border-radius: 8px; background: var(--surface); color: var(--text); font: inherit; font-size: 0.85rem; cursor: pointer;
      max-width: 100%;
    }
    .chip:hover { border-color: var(--brand); }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .thumb { padding: 0; border: 1px solid var(--border); border-radius: 8px; background: none; cursor: pointer; overflow: hidden; }
    .thumb img { display: block; max-width: 16rem; max-height: 12rem; object-fit: contain; }
    .error { font-size: 0.8rem; color: var(--danger-text); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageAttachments {
  private readonly api = inject(AttachmentsApi);
  readonly attachments = input.required<readonly ChatAttachment[]>();
  protected readonly formatBytes = formatBytes;
  protected readonly thumbnails = signal<Record<number, string>>({});
  protected readonly failed = signal<Record<number, string>>({});
  private readonly urls = new Map<number, string>();
  private destroyed = false;

  constructor() {
    effect(() => {
      for (const a of this.attachments()) if (showsThumbnail(a) && !this.urls.has(a.id)) void this.loadThumbnail(a);
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      for (const url of this.urls.values()) URL.revokeObjectURL(url);
      this.urls.clear();
    });
  }

  protected async download(a: ChatAttachment): Promise<void> {
    try {
      saveBlob(await this.api.content(a.id, false), a.name);
      this.failed.update((f) => ({ ...f, [a.id]: '' }));
    } catch {
      this.failed.update((f) => ({ ...f, [a.id]: 'Download failed: you may no longer have access.' }));
    }
  }

  private async loadThumbnail(a: ChatAttachment): Promise<void> {
    this.urls.set(a.id, ''); // asked once
    try {
      const blob = await this.api.content(a.id, true);
      if (this.destroyed) return;
      const url = URL.createObjectURL(blob);
      this.urls.set(a.id, url);
      this.thumbnails.update((t) => ({ ...t, [a.id]: url }));
    } catch {
      // The chip stays; the thumbnail is only a nicety.
    }
  }
}
