import { LiveAnnouncer } from '@angular/cdk/a11y';
import { ChangeDetectionStrategy, Component, DestroyRef, Injectable, inject, signal } from '@angular/core';
import { UiButton } from './button';

export type ToastTone = 'info' | 'ok' | 'warn' | 'danger';

/** A button in the toast ("Open"); pressing it runs `run` and dismisses the toast. */
export interface ToastAction {
  readonly label: string;
  readonly run: () => void;
}

export interface Toast {
  readonly id: number;
  readonly text: string;
  readonly tone: ToastTone;
  readonly action?: ToastAction;
}

/** Most toasts on screen at once; older ones make room. */
const MAX_VISIBLE = 3;

/**
 * Short messages that say what happened ("Link copied"). Each is read out by the CDK live
 * announcer (assertive for danger, polite otherwise) and goes away by itself unless sticky.
 */
@Injectable({ providedIn: 'root' })
export class Toasts {
  private readonly announcer = inject(LiveAnnouncer);
  private readonly list = signal<readonly Toast[]>([]);
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private seq = 0;
  readonly items = this.list.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.timers.forEach((t) => clearTimeout(t)));
  }

  show(
    text: string,
    { tone = 'info', durationMs = 5000, action }: { tone?: ToastTone; durationMs?: number; action?: ToastAction } = {},
  ): number {
    const id = ++this.seq;
    const next = [...this.list(), { id, text, tone, action }];
    for (const gone of next.slice(0, Math.max(0, next.length - MAX_VISIBLE))) this.clearTimer(gone.id);
    this.list.set(next.slice(-MAX_VISIBLE));
    void this.announcer.announce(text, tone === 'danger' ? 'assertive' : 'polite');
    if (durationMs > 0) this.timers.set(id, setTimeout(() => this.dismiss(id), durationMs));
    return id;
  }

  dismiss(id: number): void {
    this.clearTimer(id);
    this.list.update((l) => l.filter((t) => t.id !== id));
  }

  private clearTimer(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }
}

/** Where toasts appear: bottom right on a desktop, across the bottom on a phone. */
@Component({
  selector: 'ui-toasts',
  imports: [UiButton],
  template: `
    @for (t of toasts.items(); track t.id) {
      <div class="toast" [attr.data-tone]="t.tone" data-testid="toast">
        <span class="text">{{ t.text }}</span>
        @if (t.action; as action) {
          <button type="button" uiButton uiSize="sm" class="action" (click)="act(t.id, action)" data-testid="toast-action">{{ action.label }}</button>
        }
        <button type="button" uiButton="icon" uiSize="sm" class="close" (click)="toasts.dismiss(t.id)" aria-label="Dismiss">×</button>
      </div>
    }
  `,
  styles: `
    :host {
      position: fixed; right: var(--space-4); bottom: var(--space-4); z-index: var(--z-toast);
      display: flex; flex-direction: column; gap: var(--space-2); max-width: min(420px, calc(100vw - 2 * var(--space-4)));
    }
    .toast {
      display: flex; align-items: center; gap: var(--space-3); padding: var(--space-2) var(--space-2) var(--space-2) var(--space-4);
      background: var(--text); color: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow-lg);
      border-left: 4px solid var(--info); animation: enter var(--motion) var(--ease);
    }
    .toast[data-tone='ok'] { border-left-color: var(--ok); }
    .toast[data-tone='warn'] { border-left-color: var(--warn); }
    .toast[data-tone='danger'] { border-left-color: var(--danger); }
    .text { flex: 1; }
    .close { background: transparent; border-color: transparent; color: inherit; }
    .action { flex: none; }
    @keyframes enter { from { opacity: 0; transform: translateY(8px); } }
    @media (max-width: 600px) { :host { left: var(--space-3); right: var(--space-3); bottom: var(--space-3); max-width: none; } }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiToasts {
  protected readonly toasts = inject(Toasts);

  protected act(id: number, action: ToastAction): void {
    this.toasts.dismiss(id);
    action.run();
  }
}
