import { ChangeDetectionStrategy, Component, inject, input, model, signal } from '@angular/core';
import { ApiClient } from '../core/api-client';
import { UiButton } from '../ui/button';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';

export interface PersonRef {
  id: number;
  name: string;
  country: string;
}

/**
 * Chooses people by name or e-mail from the admin directory (/admin/users): employees and
 * agents who are active, since customers and guests never receive internal alerts.
 */
@Component({
  selector: 'mer-person-picker',
  imports: [UiButton, UiIcon, UiInput],
  template: `
    <label class="field">
      <span>{{ label() }}</span>
      <input uiInput type="search" [placeholder]="placeholder()" [value]="query()" (input)="search($any($event.target).value)" autocomplete="off" [attr.data-testid]="testId() + '-search'" />
    </label>
    @if (suggestions().length > 0) {
      <ul class="suggestions" [attr.aria-label]="'People matching ' + query()">
        @for (p of suggestions(); track p.id) {
          <li>
            <span>{{ p.name }} <span class="muted">· {{ p.country }}</span></span>
            <button type="button" uiButton uiSize="sm" (click)="add(p)" [attr.aria-label]="'Add ' + p.name">Add</button>
          </li>
        }
      </ul>
    } @else if (searched() && query().trim().length >= 2) {
      <p class="hint">Nobody matches “{{ query() }}”.</p>
    }
    @if (chosen().length > 0) {
      <ul class="chips" [attr.aria-label]="label()">
        @for (p of chosen(); track p.id) {
          <li class="chip" [attr.data-testid]="testId() + '-chip'">
            {{ p.name }} <span class="muted">{{ p.country }}</span>
            <button type="button" class="chip-x" (click)="remove(p)" [attr.aria-label]="'Remove ' + p.name"><ui-icon name="x" /></button>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    :host { display: block; }
    .field { margin-bottom: var(--space-2); }
    .suggestions { list-style: none; margin: 0 0 var(--space-2); padding: 0; border: 1px solid var(--border); border-radius: var(--radius-sm); }
    .suggestions li { display: flex; align-items: center; justify-content: space-between; gap: var(--space-2); padding: var(--space-1) var(--space-3); border-bottom: 1px solid var(--border); }
    .suggestions li:last-child { border-bottom: none; }
    .chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: var(--space-2); }
    .chip { display: inline-flex; align-items: center; gap: var(--space-1); padding: 2px 4px 2px 10px; border-radius: var(--radius-full); background: var(--brand-soft); color: var(--brand-strong); font-size: var(--text-sm); }
    .chip-x { display: grid; place-items: center; width: 24px; height: 24px; border: none; background: none; color: inherit; border-radius: var(--radius-full); cursor: pointer; }
    .chip-x:hover { background: var(--surface-hover); }
    .chip-x:focus-visible { outline: none; box-shadow: var(--focus); }
    @media (pointer: coarse) { .chip-x { width: var(--touch-target); height: var(--touch-target); } }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonPicker {
  private readonly api = inject(ApiClient);
  readonly label = input.required<string>();
  readonly placeholder = input('Search by name or e-mail');
  readonly testId = input('people');
  readonly chosen = model<PersonRef[]>([]);

  protected readonly query = signal('');
  protected readonly suggestions = signal<PersonRef[]>([]);
  protected readonly searched = signal(false);
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  protected search(q: string): void {
    this.query.set(q);
    if (this.timer) clearTimeout(this.timer);
    if (q.trim().length < 2) {
      this.suggestions.set([]);
      this.searched.set(false);
      return;
    }
    this.timer = setTimeout(() => void this.run(q.trim()), 250);
  }

  private async run(q: string): Promise<void> {
    const seq = ++this.seq;
    try {
      const page = await this.api.listUsers({ q, limit: 10 });
      if (seq !== this.seq) return;
      const chosen = new Set(this.chosen().map((p) => p.id));
      this.suggestions.set(
        page.items
          .filter((u) => u.active && (u.kind === 'employee' || u.kind === 'agent') && !chosen.has(u.id))
          .map((u) => ({ id: u.id, name: u.display_name, country: u.country })),
      );
      this.searched.set(true);
    } catch {
      if (seq === this.seq) this.suggestions.set([]);
    }
  }

  protected add(p: PersonRef): void {
    this.chosen.set([...this.chosen(), p]);
    this.suggestions.update((list) => list.filter((x) => x.id !== p.id));
  }

  protected remove(p: PersonRef): void {
    this.chosen.set(this.chosen().filter((x) => x.id !== p.id));
  }
}
