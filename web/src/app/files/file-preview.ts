import { ChangeDetectionStrategy, Component, ElementRef, OnDestroy, afterNextRender, effect, inject, input, output, signal, untracked } from '@angular/core';
import { FileNode, FilesApi } from './files-api';
import { PREVIEW_MAX_BYTES, PreviewKind, TEXT_PREVIEW_BYTES, formatBytes, previewBlobType, previewKind } from './files-logic';
import { message } from './share-dialog';
import { CdkTrapFocus } from '@angular/cdk/a11y';
import { UiButton, UiSkeleton } from '../ui';
import { PdfView } from './pdf-view';

/**
 * An image, PDF or the start of a text file, shown in the app. The bytes are fetched with
 * the session (no token in a URL) and wrapped in a Blob whose type we choose from a short
 * list, so nothing the server stored can run as a page here: HTML and SVG are never
 * previewed, text is shown as text.
 */
@Component({
  selector: 'app-file-preview',
  templateUrl: './file-preview.html',
  imports: [CdkTrapFocus, PdfView, UiButton, UiSkeleton],
  styleUrl: './file-preview.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'closed.emit()' },
})
export class FilePreview implements OnDestroy {
  private readonly api = inject(FilesApi);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);

  readonly node = input.required<FileNode>();
  /** A PDF opens at this page (1-based). */
  readonly page = input<number | null>(null);
  readonly closed = output<void>();
  readonly download = output<FileNode>();

  protected readonly kind = signal<PreviewKind | null>(null);
  protected readonly url = signal<string | null>(null);
  /** A PDF's bytes, shown by pdf.js in the app (no plugin, no frame: the CSP forbids framing). */
  protected readonly pdf = signal<Blob | null>(null);
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
        if (kind === 'pdf') this.pdf.set(blob);
        else this.url.set(URL.createObjectURL(new Blob([blob], { type: previewBlobType(kind, node.content_type) })));
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
    this.pdf.set(null);
  }
}
