import { CdkTrapFocus } from '@angular/cdk/a11y';
import { DialogRef } from '@angular/cdk/dialog';
import { CdkConnectedOverlay, CdkOverlayOrigin, ConnectedPosition } from '@angular/cdk/overlay';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { ledTeamIds } from './alert-access';
import { UiButton } from '../ui/button';
import { UiDialog } from '../ui/dialog';
import { UiEmptyState } from '../ui/empty-state';
import { UiIcon } from '../ui/icon';
import { UiTab, UiTabs } from '../ui/tabs';
import { Toasts } from '../ui/toast';
import { AlertItem } from './alert-item';
import { AlertsStore } from './alerts-store';
import { CRITICAL_BODY_ID, CRITICAL_TITLE_ID, CriticalAlertDialog } from './critical-alert-dialog';
import { TabTitleCount } from './tab-title-count';

type Tab = 'all' | 'ack' | 'critical';

const TABS: { id: Tab; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'ack', label: 'To acknowledge' },
  { id: 'critical', label: 'Critical' },
];

const EMPTY: Record<Tab, { heading: string; text: string }> = {
  all: { heading: 'No alerts', text: 'Alerts sent to you appear here, newest first.' },
  ack: { heading: 'Nothing to acknowledge', text: 'You are up to date.' },
  critical: { heading: 'No critical alerts', text: 'Critical alerts also open on top of the page until you acknowledge them.' },
};

/**
 * The notification center in the shell's top bar: a bell with the unread count, its panel
 * (CDK overlay: tabs all / to acknowledge / critical; opening it is the read receipt for what
 * it shows), the critical modal and the tab title count. It starts the AlertsStore for the
 * signed-in person and stops it when the shell goes (sign-out).
 */
@Component({
  selector: 'mer-alert-bell',
  imports: [CdkConnectedOverlay, CdkOverlayOrigin, CdkTrapFocus, RouterLink, UiButton, UiEmptyState, UiIcon, UiTab, UiTabs, AlertItem],
  providers: [TabTitleCount],
  template: `
    <button
      type="button"
      class="bell"
      cdkOverlayOrigin
      #origin="cdkOverlayOrigin"
      (click)="toggle()"
      [attr.aria-expanded]="open()"
      aria-haspopup="dialog"
      [attr.aria-label]="bellLabel()"
      data-testid="alert-bell"
    >
      <ui-icon name="bell" />
      @if (store.unreadCount() > 0) {
        <span class="count" data-testid="alert-unread" aria-hidden="true">{{ store.unreadCount() > 99 ? '99+' : store.unreadCount() }}</span>
      }
    </button>
    <ng-template
      cdkConnectedOverlay
      [cdkConnectedOverlayOrigin]="origin"
      [cdkConnectedOverlayOpen]="open()"
      [cdkConnectedOverlayPositions]="positions"
      [cdkConnectedOverlayHasBackdrop]="true"
      cdkConnectedOverlayBackdropClass="cdk-overlay-transparent-backdrop"
      [cdkConnectedOverlayViewportMargin]="8"
      [cdkConnectedOverlayPush]="true"
      (backdropClick)="close()"
      (overlayKeydown)="onKeydown($event)"
      (detach)="close()"
    >
      <section class="panel" role="dialog" aria-labelledby="alert-panel-title" cdkTrapFocus [cdkTrapFocusAutoCapture]="true" data-testid="alert-panel">
        <header class="panel-head">
          <h2 id="alert-panel-title">Alerts</h2>
          <button type="button" uiButton="icon" uiSize="sm" (click)="close()" aria-label="Close alerts"><ui-icon name="x" /></button>
        </header>
        <div uiTabs="Which alerts" class="tabs">
          @for (t of tabs; track t.id) {
            <button uiTab [selected]="tab() === t.id" (click)="select(t.id)" [attr.aria-controls]="'alert-tab-panel'" [attr.data-testid]="'alert-tab-' + t.id">
              {{ t.label }}@if (countOf(t.id); as n) { <span class="tab-count">{{ n }}</span>}
            </button>
          }
        </div>
        <div class="list" id="alert-tab-panel" role="tabpanel" tabindex="-1">
          @if (store.error(); as text) {
            <p class="alert alert-error" role="alert">{{ text }}</p>
          }
          @for (a of shown(); track a.id) {
            <mer-alert-item [alert]="a" />
          } @empty {
            @if (store.loaded()) {
              <ui-empty-state [heading]="empty().heading" [text]="empty().text" />
            } @else {
              <p class="muted loading">Loading alerts…</p>
            }
          }
        </div>
        <footer class="panel-foot">
          @switch (store.permission()) {
            @case ('default') {
              <button type="button" uiButton="ghost" uiSize="sm" (click)="store.requestPermission()" data-testid="alert-desktop">Notify me when this tab is hidden</button>
            }
            @case ('denied') {
              <span class="muted small">Desktop notifications are blocked in this browser's site settings.</span>
            }
          }
          @if (canSend()) {
            <span class="spacer"></span>
            <a uiButton="ghost" uiSize="sm" routerLink="/alerts" (click)="close()">Sent alerts</a>
            <a uiButton="primary" uiSize="sm" routerLink="/alerts/new" (click)="close()" data-testid="alert-new"><ui-icon name="send" /> New alert</a>
          }
        </footer>
      </section>
    </ng-template>
  `,
  styles: `
    :host { display: flex; }
    .bell {
      position: relative; display: grid; place-items: center; width: var(--touch-target); height: var(--touch-target);
      font-size: 1.25rem; color: var(--topbar-text-strong); background: none; border: none; border-radius: var(--radius-full); cursor: pointer;
    }
    .bell:hover { background: rgb(255 255 255 / 12%); }
    .bell:focus-visible { outline: none; box-shadow: var(--focus); }
    .count {
      position: absolute; top: 4px; right: 2px; min-width: 18px; padding: 0 5px; border-radius: var(--radius-full);
      background: var(--danger); color: var(--on-danger); font-size: 11px; font-weight: var(--weight-bold); line-height: 18px; text-align: center;
    }
    .panel {
      width: min(420px, calc(100vw - 16px)); max-height: min(640px, calc(100vh - 72px)); display: flex; flex-direction: column;
      background: var(--surface); color: var(--text); border: 1px solid var(--border); border-radius: var(--radius-lg); box-shadow: var(--shadow-lg); overflow: hidden;
    }
    .panel-head { display: flex; align-items: center; justify-content: space-between; padding: var(--space-3) var(--space-4) var(--space-1); }
    .panel-head h2 { margin: 0; font-size: var(--text-lg); }
    .tabs { display: flex; gap: var(--space-1); padding: 0 var(--space-3); border-bottom: 1px solid var(--border); }
    .ui-tab {
      font: inherit; font-weight: var(--weight-bold); font-size: var(--text-sm); color: var(--text-muted); cursor: pointer; white-space: nowrap;
      background: none; border: none; border-bottom: 2px solid transparent; padding: var(--space-2); margin-bottom: -1px; min-height: var(--touch-target);
      transition: color var(--motion-fast) var(--ease), border-color var(--motion-fast) var(--ease);
    }
    .ui-tab:hover { color: var(--text); }
    .ui-tab:focus-visible { outline: none; box-shadow: var(--focus); }
    .ui-tab[aria-selected='true'] { color: var(--brand); border-bottom-color: var(--brand); }
    .tab-count { margin-left: var(--space-1); padding: 0 6px; border-radius: var(--radius-full); background: var(--surface-sunken); font-size: var(--text-xs); }
    .list { overflow-y: auto; flex: 1; min-height: 120px; }
    .list > .alert { margin: var(--space-3); }
    .loading { padding: var(--space-4); }
    ui-empty-state { margin: var(--space-4); }
    .panel-foot { display: flex; align-items: center; flex-wrap: wrap; gap: var(--space-2); padding: var(--space-2) var(--space-3); border-top: 1px solid var(--border); background: var(--surface-muted); }
    .spacer { flex: 1; }
    .small { font-size: var(--text-xs); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertBell {
  protected readonly store = inject(AlertsStore);
  private readonly session = inject(SessionStore);
  private readonly dialogs = inject(UiDialog);
  private readonly toasts = inject(Toasts);
  private readonly title = inject(TabTitleCount);

  protected readonly tabs = TABS;
  protected readonly positions: ConnectedPosition[] = [
    { originX: 'end', originY: 'bottom', overlayX: 'end', overlayY: 'top', offsetY: 4 },
    { originX: 'center', originY: 'bottom', overlayX: 'center', overlayY: 'top', offsetY: 4 },
  ];
  protected readonly open = signal(false);
  protected readonly tab = signal<Tab>('all');
  protected readonly isAdmin = this.session.isAdmin;
  /** Admins and team leads send alerts (leads to their teams). */
  protected readonly canSend = computed(() => this.isAdmin() || ledTeamIds(this.session.user()).length > 0);
  protected readonly shown = computed(() => {
    switch (this.tab()) {
      case 'ack':
        return this.store.toAcknowledge();
      case 'critical':
        return this.store.critical();
      default:
        return this.store.alerts();
    }
  });
  protected readonly empty = computed(() => EMPTY[this.tab()]);
  protected readonly bellLabel = computed(() => {
    const n = this.store.unreadCount();
    return n === 0 ? 'Alerts' : `Alerts, ${n} unread`;
  });

  private modal: DialogRef<unknown, CriticalAlertDialog> | null = null;
  private lastModal: { id: number; title: string } | null = null;

  constructor() {
    this.store.start();
    effect(() => this.title.set(this.store.needsAckCount()));
    effect(() => {
      const current = this.store.modalAlert();
      untracked(() => this.syncModal(current ? { id: current.id, title: current.title } : null));
    });
    // What the open panel shows has been seen: newly arrived alerts too.
    effect(() => {
      if (!this.open()) return;
      const ids = this.shown().map((a) => a.id);
      untracked(() => void this.store.markRead(ids));
    });
    inject(DestroyRef).onDestroy(() => {
      this.modal?.close();
      this.store.stop();
    });
  }

  protected countOf(tab: Tab): number {
    if (tab === 'ack') return this.store.needsAckCount();
    if (tab === 'critical') return this.store.modalQueue().length;
    return 0;
  }

  protected toggle(): void {
    this.open.update((o) => !o);
  }

  protected close(): void {
    this.open.set(false);
  }

  protected select(tab: Tab): void {
    this.tab.set(tab);
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
    }
  }

  private syncModal(current: { id: number; title: string } | null): void {
    if (current && !this.modal) {
      const ref = this.dialogs.open<unknown, unknown, CriticalAlertDialog>(CriticalAlertDialog, {
        role: 'alertdialog',
        disableClose: true, // Escape and the backdrop do not dismiss it: only an acknowledgement
        ariaLabelledBy: CRITICAL_TITLE_ID,
        ariaDescribedBy: CRITICAL_BODY_ID,
        autoFocus: '#critical-ack',
        width: '520px',
        panelClass: ['ui-dialog-panel', 'critical-alert-panel'],
      });
      this.modal = ref;
    } else if (!current && this.modal) {
      this.modal.close();
      this.modal = null;
      const last = this.lastModal;
      const gone = last && this.store.alerts().find((a) => a.id === last.id);
      if (gone && gone.status === 'resolved' && !gone.me?.acknowledged_at) this.toasts.show(`Resolved: ${gone.title}`, { tone: 'ok' });
    }
    this.lastModal = current;
  }
}
