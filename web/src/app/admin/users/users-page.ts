import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { errorMessage } from '../../core/api-error';
import { User } from '../../core/api-types';
import { isMeetingGuest, kindLabel } from './user-kind';
import { SessionStore } from '../../core/session.store';
import { UserFormDialog } from './user-form-dialog';
import { UsersStore } from './users.store';
import { UiButton, UiFlag, UiModal } from '../../ui';

type Editing = { mode: 'create' } | { mode: 'edit'; user: User };

@Component({
  selector: 'mer-users-page',
  imports: [UiButton, UiFlag, UiModal, UserFormDialog],
  providers: [UsersStore],
  templateUrl: './users-page.html',
  styleUrl: './users-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsersPage {
  protected readonly store = inject(UsersStore);
  private readonly session = inject(SessionStore);

  protected readonly editing = signal<Editing | null>(null);
  protected readonly editUser = computed(() => {
    const editing = this.editing();
    return editing?.mode === 'edit' ? editing.user : null;
  });
  protected readonly confirmingDeactivate = signal<number | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly newPassword = signal<{ user: User; password: string } | null>(null);
  protected readonly copied = signal(false);
  protected readonly myId = computed(() => this.session.user()?.id);
  protected readonly isMeetingGuest = isMeetingGuest;
  protected readonly kindLabel = kindLabel;

  private searchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    void this.store.load();
    inject(DestroyRef).onDestroy(() => {
      if (this.searchTimer) clearTimeout(this.searchTimer);
    });
  }

  protected onSearch(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.store.search(value), 250);
  }

  protected clearSearch(input: HTMLInputElement): void {
    input.value = '';
    void this.store.search('');
    input.focus();
  }

  protected openCreate(): void {
    this.notice.set(null);
    this.editing.set({ mode: 'create' });
  }

  protected openEdit(user: User): void {
    this.notice.set(null);
    this.editing.set({ mode: 'edit', user });
  }

  protected onSaved(user: User): void {
    const created = this.editing()?.mode === 'create';
    this.notice.set(created ? `${user.display_name} can now sign in as ${user.email}.` : `Saved ${user.display_name}.`);
  }

  protected async deactivate(user: User): Promise<void> {
    this.actionError.set(null);
    try {
      await this.store.deactivate(user.id);
      this.notice.set(`${user.display_name} is deactivated and can no longer sign in.`);
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    } finally {
      this.confirmingDeactivate.set(null);
    }
  }

  protected async resetPassword(user: User): Promise<void> {
    this.actionError.set(null);
    try {
      const password = await this.store.resetPassword(user.id);
      this.copied.set(false);
      // Shown in a dialog while set (see the template).
      this.newPassword.set({ user, password });
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    }
  }

  protected async copyPassword(password: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(password);
      this.copied.set(true);
    } catch {
      this.copied.set(false);
    }
  }

  protected forgetPassword(): void {
    // Shown once: the password is gone from the page when the dialog closes.
    this.newPassword.set(null);
  }
}
