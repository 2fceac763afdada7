import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { ApiError, errorMessage } from '../core/api-error';
import { safeReturnUrl } from '../core/auth.guards';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';

@Component({
  imports: [UiButton],
  selector: 'mer-login-page',
  templateUrl: './login-page.html',
  styleUrl: './login-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  /** Where to go after signing in (query parameter, bound by the router). */
  readonly returnUrl = input<string | undefined>();
  /** Why the previous session ended, when the server ended it (query parameter). */
  readonly ended = input<string | undefined>();

  private readonly emailInput = viewChild.required<ElementRef<HTMLInputElement>>('emailInput');
  private readonly passwordInput = viewChild.required<ElementRef<HTMLInputElement>>('passwordInput');

  protected readonly email = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Seconds until the server accepts another attempt (after a 429). */
  protected readonly waitSeconds = signal(0);
  protected readonly canSubmit = computed(() => !this.busy() && this.waitSeconds() === 0);
  protected readonly sessionEnded = computed(() => !!this.returnUrl());
  protected readonly endedMessage = computed(() => {
    switch (this.ended()) {
      case 'signed out':
        return 'You were signed out. Sign in again to continue.';
      case 'account deactivated':
        return 'Your account was deactivated. Ask an administrator if this is unexpected.';
      case 'password reset':
        return 'An administrator reset your password. Sign in with the new one.';
      default:
        return null;
    }
  });

  private countdown: ReturnType<typeof setInterval> | null = null;

  constructor() {
    afterNextRender(() => this.emailInput().nativeElement.focus());
    inject(DestroyRef).onDestroy(() => this.stopCountdown());
  }

  protected onEmail(event: Event): void {
    this.email.set((event.target as HTMLInputElement).value);
  }

  protected onPassword(event: Event): void {
    this.password.set((event.target as HTMLInputElement).value);
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.canSubmit()) return;
    const email = this.email().trim();
    const password = this.password();
    if (!email || !password) {
      this.error.set(!email ? 'Enter your email address.' : 'Enter your password.');
      (email ? this.passwordInput() : this.emailInput()).nativeElement.focus();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const login = await this.api.login({ email, password });
      this.session.start(login);
      this.session.setProfile(await this.api.me());
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (failure) {
      this.session.clear();
      this.showError(failure);
    } finally {
      this.busy.set(false);
    }
  }

  private showError(failure: unknown): void {
    if (failure instanceof ApiError && failure.status === 429 && failure.retryAfterSeconds) {
      this.startCountdown(failure.retryAfterSeconds);
    }
    if (failure instanceof ApiError && failure.status === 401) {
      this.error.set(failure.message || 'Wrong email or password.');
      this.password.set('');
      this.passwordInput().nativeElement.value = '';
      this.passwordInput().nativeElement.focus();
      return;
    }
    this.error.set(errorMessage(failure));
  }

  private startCountdown(seconds: number): void {
    this.stopCountdown();
    this.waitSeconds.set(seconds);
    this.countdown = setInterval(() => {
      const left = this.waitSeconds() - 1;
      this.waitSeconds.set(Math.max(0, left));
      if (left <= 0) this.stopCountdown();
    }, 1000);
  }

  private stopCountdown(): void {
    if (this.countdown) clearInterval(this.countdown);
    this.countdown = null;
  }
}
