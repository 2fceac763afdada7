import { ChangeDetectionStrategy, Component, ElementRef, OnDestroy, afterNextRender, effect, inject, input, output, signal, untracked } from '@angular/core';
import { DomSanitizer, SafeResourceUrl } from '@angular/platform-browser';
import { FileNode, FilesApi } from './files-api';
import { PREVIEW_MAX_BYTES, PreviewKind, TEXT_PREVIEW_BYTES, formatBytes, previewBlobType, previewKind } from './files-logic';
import { message } from './share-dialog';
import { CdkTrapFocus } from '@angular/cdk/a11y';
import { UiButton, UiSkeleton } from '../ui';

/**
 * An image, PDF or the start of a text file, shown in the app. The bytes are fetched with
 * the session (no token in a URL) and wrapped in a Blob whose type we choose from a short
 * list, so nothing the server stored can run as a page here: HTML and SVG are never
 * previewed, text is shown as text.
 */
@Component({
  selector: 'app-file-preview',
  templateUrl: './file-preview.html',
  imports: [CdkTrapFocus, UiButton, UiSkeleton],
  styleUrl: './file-preview.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'closed.emit()' },
})
export class FilePreview implements OnDestroy {
  private readonly api = inject(FilesApi);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);

  readonly node = input.required<FileNode>();
  readonly closed = output<void>();
  readonly download = output<FileNode>();

  protected readonly kind = signal<PreviewKind | null>(null);
  protected readonly url = signal<string | null>(null);
  protected readonly frameUrl = signal<SafeResourceUrl | null>(null);
  protected readonly text = signal('');
  protected readonly truncated = signal(false);
  protected readonly loading = signal(false);
  protected readonly error = signal('');
  protected readonly reason = signal('');
  protected readonly formatBytes = formatBytes;

  constructor() {
    effect(() => {
      const node = this.node();
      untracked(() => void this.load(node));
    });
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('[data-autofocus]')?.focus());
  }

  ngOnDestroy(): void {
    this.release();
  }

  private async load(node: FileNode): Promise<void> {
    this.release();
    this.error.set('');
    this.reason.set('');
    this.text.set('');
    const kind = previewKind(node.content_type);
    this.kind.set(kind);
    if (!kind) {
      this.reason.set(`No preview for ${node.content_type || 'this type'}; download it to open it.`);
      return;
    }
    const size = node.size ?? 0;
    if (kind !== 'text' && size > PREVIEW_MAX_BYTES) {
      this.reason.set(`${formatBytes(size)} is too large to preview; download it instead.`);
      return;
    }
    this.loading.set(true);
    try {
      const blob = await this.api.previewBlob(node.id, kind === 'text' ? TEXT_PREVIEW_BYTES : undefined);
      if (this.node().id !== node.id) return;
      if (kind === 'text') {
        this.text.set(await blob.text());
        this.truncated.set(size > TEXT_PREVIEW_BYTES);
      } else {
        const url = URL.createObjectURL(new Blob([blob], { type: previewBlobType(kind, node.content_type) }));
        this.url.set(url);
        // The blob is ours and typed application/pdf: the browser's PDF viewer shows it.
        if (kind === 'pdf') this.frameUrl.set(this.sanitizer.bypassSecurityTrustResourceUrl(url));
      }
    } catch (e) {
      this.error.set(message(e));
    } finally {
      this.loading.set(false);
    }
  }

  private release(): void {
    const url = this.url();
    if (url) URL.revokeObjectURL(url);
    this.url.set(null);
    this.frameUrl.set(null);
  }
}
