import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AlertBell } from '../alerts/alert-bell';
import { canUseChat } from '../chat/chat.guard';
import { MentionAlerts } from '../chat/mention-alerts';
import { ChatUnread } from '../chat/chat-unread';
import { ApiClient } from '../core/api-client';
import { MinuteClock } from '../core/clock';
import { formatLocalTime, formatUtcOffset } from '../core/local-time';
import { RealtimeService } from '../core/realtime.service';
import { canSeeMeetings } from '../meetings/meetings-access';
import { SessionStore } from '../core/session.store';
import { UiFlag } from '../ui/flag';
import { UiIcon } from '../ui/icon';
import { UiToasts } from '../ui/toast';

/**
 * The frame around every signed-in page: top bar, navigation, user menu. On a phone the module
 * links sit behind a Menu button (a list under the bar) instead of a strip that scrolls sideways.
 */
@Component({
  selector: 'mer-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, UiFlag, UiIcon, UiToasts, AlertBell],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(document:click)': 'onDocumentClick($event)',
    '(document:keydown.escape)': 'closeMenu()',
  },
})
export class Shell {
  private readonly session = inject(SessionStore);
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly realtime = inject(RealtimeService);
  private readonly clock = inject(MinuteClock);
  /** Unread chat messages, once the chat has been opened in this tab. */
  protected readonly chatUnread = inject(ChatUnread).total;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  /** Toasts and system notifications for mentions, on every page. */
  private readonly mentions = inject(MentionAlerts);

  protected readonly user = this.session.user;
  protected readonly isAdmin = this.session.isAdmin;
  protected readonly canChat = computed(() => canUseChat(this.user()?.kind));
  /** Customers too: their invitations and Join buttons (they may not host). */
  protected readonly canMeet = computed(() => canSeeMeetings(this.user()?.kind));
  protected readonly canSupport = computed(() => {
    const kind = this.user()?.kind;
    return kind === 'customer' || kind === 'agent' || this.isAdmin();
  });
  protected readonly status = this.realtime.status;
  protected readonly menuOpen = signal(false);
  /** The phone's module menu is open. */
  protected readonly navOpen = signal(false);
  protected readonly signingOut = signal(false);

  protected readonly localTime = computed(() => {
    const user = this.user();
    return user ? formatLocalTime(this.clock.now(), user.time_zone) : '';
  });
  protected readonly utcOffset = computed(() => {
    const user = this.user();
    return user ? formatUtcOffset(this.clock.now(), user.time_zone) : '';
  });
  protected readonly initials = computed(() =>
    (this.user()?.display_name ?? '?')
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase())
      .join(''),
  );
  protected readonly statusLabel = computed(() => {
    switch (this.status()) {
      case 'connected':
        return 'Connected';
      case 'connecting':
        return 'Connecting…';
      case 'reconnecting':
        return 'Reconnecting…';
      default:
        return 'Offline';
    }
  });

  constructor() {
    this.realtime.start();
    this.mentions.start();
    const ended = this.realtime.sessionEnded.subscribe((reason) => {
      this.session.clear();
      void this.router.navigate(['/login'], { queryParams: { ended: reason } });
    });
    inject(DestroyRef).onDestroy(() => {
      ended.unsubscribe();
      this.mentions.stop();
      this.realtime.stop();
    });
  }

  protected toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  protected closeMenu(): void {
    this.menuOpen.set(false);
    this.navOpen.set(false);
  }

  protected onDocumentClick(event: MouseEvent): void {
    // The path as it was when clicked: the Menu button swaps its icon when it opens, so the
    // clicked element may be gone from the page by now and contains() would say "outside".
    const path = event.composedPath();
    const menu = this.host.nativeElement.querySelector('.user-menu');
    if (this.menuOpen() && menu && !path.includes(menu)) this.menuOpen.set(false);
    const nav = this.host.nativeElement.querySelector('.topbar');
    if (this.navOpen() && nav && !path.includes(nav)) this.navOpen.set(false);
  }

  protected async signOut(): Promise<void> {
    this.signingOut.set(true);
    try {
      await this.api.logout();
    } catch {
      // The token is dropped locally either way; the server expires it.
    }
    this.realtime.stop();
    this.session.clear();
    this.signingOut.set(false);
    await this.router.navigate(['/login']);
  }
}
