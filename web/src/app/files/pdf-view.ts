import { ChangeDetectionStrategy, Component, ElementRef, OnDestroy, effect, input, signal, untracked, viewChild } from '@angular/core';
import { UiButton } from '../ui';

type PdfJs = typeof import('pdfjs-dist');
type PdfTask = ReturnType<PdfJs['getDocument']>;
type PdfDocument = Awaited<PdfTask['promise']>;

let pdfjs: Promise<PdfJs> | null = null;

/** pdf.js, loaded on first use (it is large), with its worker served by this app (CSP: 'self'). */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist').then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = '/pdfjs/pdf.worker.min.mjs';
    return lib;
  });
  return pdfjs;
}

/** Keeps a wanted page inside the document. */
export function clampPage(page: number | null | undefined, pages: number): number {
  if (!page || !Number.isFinite(page) || pages < 1) return 1;
  return Math.min(Math.max(1, Math.trunc(page)), pages);
}

/**
 * A PDF shown in the app itself, one page at a time on a canvas, through pdf.js: headless
 * and locked-down browsers have no PDF plugin, and the CSP forbids framing. Opens at
 * `page` (a citation's page) and pages back and forth from there.
 */
@Component({
  selector: 'app-pdf-view',
  imports: [UiButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="bar">
      <button type="button" uiButton="secondary" uiSize="sm" [disabled]="current() <= 1 || !pages()" (click)="show(current() - 1)" data-testid="pdf-prev">Previous</button>
      <span data-testid="pdf-page-label" aria-live="polite">
        @if (pages()) {
          Page {{ current() }} of {{ pages() }}
        } @else if (!error()) {
          Opening…
        }
      </span>
      <button type="button" uiButton="secondary" uiSize="sm" [disabled]="current() >= pages()" (click)="show(current() + 1)" data-testid="pdf-next">Next</button>
    </div>
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    <canvas #canvas [attr.data-page]="rendered()" [attr.aria-label]="label() + ', page ' + current()" role="img" data-testid="preview-pdf"></canvas>
  `,
  styles: `
    :host { display: flex; flex-direction: column; align-items: center; gap: var(--space-2); width: 100%; padding: var(--space-2); }
    .bar { display: flex; gap: var(--space-3); align-items: center; font-size: var(--text-sm); }
    canvas { max-width: 100%; height: auto; box-shadow: var(--shadow-sm); background: #fff; }
    .error { color: var(--danger-text); }
  `,
})
export class PdfView implements OnDestroy {
  /** The PDF's bytes. */
  readonly data = input.required<Blob>();
  /** The page to open at (1-based); out of range opens the nearest. */
  readonly page = input<number | null>(null);
  readonly label = input('PDF');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  protected readonly pages = signal(0);
  protected readonly current = signal(1);
  /** The page drawn on the canvas now (0: none yet): tests wait for it. */
  protected readonly rendered = signal(0);
  protected readonly error = signal<string | null>(null);
  private task: PdfTask | null = null;
  private doc: PdfDocument | null = null;
  private generation = 0;

  constructor() {
    effect(() => {
      const data = this.data();
      untracked(() => void this.open(data));
    });
    effect(() => {
      const page = this.page();
      untracked(() => {
        if (this.doc) void this.show(page ?? 1);
      });
    });
  }

  ngOnDestroy(): void {
    this.generation++;
    this.close();
  }

  /** Ends the open document's loading task (it owns the document and the worker's share). */
  private close(): void {
    void this.task?.destroy();
    this.task = null;
    this.doc = null;
  }

  private async open(data: Blob): Promise<void> {
    const generation = ++this.generation;
    this.close();
    this.pages.set(0);
    this.rendered.set(0);
    this.error.set(null);
    try {
      const lib = await loadPdfJs();
      const bytes = new Uint8Array(await data.arrayBuffer());
      if (generation !== this.generation) return;
      const task = lib.getDocument({ data: bytes, useSystemFonts: true });
      this.task = task;
      const doc = await task.promise;
      if (generation !== this.generation) return;
      this.doc = doc;
      this.pages.set(doc.numPages);
      await this.show(this.page() ?? 1);
    } catch {
      if (generation === this.generation) this.error.set('This PDF could not be shown; download it to open it.');
    }
  }

  protected async show(page: number): Promise<void> {
    const doc = this.doc;
    if (!doc) return;
    const number = clampPage(page, doc.numPages);
    this.current.set(number);
    const generation = this.generation;
    const p = await doc.getPage(number);
    if (generation !== this.generation || this.current() !== number) return;
    const viewport = p.getViewport({ scale: 1.5 });
    const canvas = this.canvas().nativeElement;
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await p.render({ canvas, viewport }).promise;
    if (generation === this.generation && this.current() === number) this.rendered.set(number);
  }
}
