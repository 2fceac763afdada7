import { Injectable, computed, inject, signal } from '@angular/core';
import { ApiClient } from '../../core/api-client';
import { errorMessage } from '../../core/api-error';
import { CreateUserRequest, UpdateUserRequest, User } from '../../core/api-types';

const PAGE_SIZE = 25;

/** The admin's user directory: one page of a search at a time. */
@Injectable()
export class UsersStore {
  private readonly api = inject(ApiClient);

  private readonly queryState = signal('');
  private readonly offsetState = signal(0);
  private readonly itemsState = signal<User[]>([]);
  private readonly totalState = signal(0);
  private readonly loadingState = signal(false);
  private readonly errorState = signal<string | null>(null);
  private readonly loadedState = signal(false);
  private generation = 0;

  readonly query = this.queryState.asReadonly();
  readonly items = this.itemsState.asReadonly();
  readonly total = this.totalState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly pageSize = PAGE_SIZE;
  readonly from = computed(() => (this.totalState() === 0 ? 0 : this.offsetState() + 1));
  readonly to = computed(() => this.offsetState() + this.itemsState().length);
  readonly hasPrevious = computed(() => this.offsetState() > 0);
  readonly hasNext = computed(() => this.offsetState() + this.itemsState().length < this.totalState());

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const page = await this.api.listUsers({ q: this.queryState() || undefined, limit: PAGE_SIZE, offset: this.offsetState() });
      if (generation !== this.generation) return; // a newer search won
      this.itemsState.set(page.items);
      this.totalState.set(page.total);
      this.loadedState.set(true);
    } catch (failure) {
      if (generation === this.generation) this.errorState.set(errorMessage(failure));
    } finally {
      if (generation === this.generation) this.loadingState.set(false);
    }
  }

  search(query: string): Promise<void> {
    this.queryState.set(query.trim());
    this.offsetState.set(0);
    return this.load();
  }

  nextPage(): Promise<void> {
    this.offsetState.update((offset) => offset + PAGE_SIZE);
    return this.load();
  }

  previousPage(): Promise<void> {
    this.offsetState.update((offset) => Math.max(0, offset - PAGE_SIZE));
    return this.load();
  }

  async create(request: CreateUserRequest): Promise<User> {
    const user = await this.api.createUser(request);
    await this.load();
    return user;
  }

  async update(id: number, request: UpdateUserRequest): Promise<User> {
    const user = await this.api.updateUser(id, request);
    this.replace(user);
    return user;
  }

  async deactivate(id: number): Promise<User> {
    const user = await this.api.deactivateUser(id);
    this.replace(user);
    return user;
  }

  async resetPassword(id: number): Promise<string> {
    return (await this.api.resetPassword(id)).password;
  }

  private replace(user: User): void {
    this.itemsState.update((items) => items.map((item) => (item.id === user.id ? user : item)));
  }
}
