import { ChangeDetectionStrategy, Component, effect, inject, input, output, signal, untracked } from '@angular/core';
import { LocalDatePipe } from '../core/local-date.pipe';
import { FormsModule } from '@angular/forms';
import { FileActivity, FilesApi } from './files-api';
import { ACTIVITY_ACTIONS, ActivityFilterInput, actionLabel, activityQuery, activityTarget } from './files-logic';
import { message } from './share-dialog';
import { UiButton, UiInput } from '../ui';

export interface ActivityTarget {
  kind: 'space' | 'file';
  id: number;
  name: string;
}

/** Who did what, for a whole space or one file (managers only), with filters and a CSV export. */
@Component({
  selector: 'app-activity-panel',
  imports: [FormsModule, LocalDatePipe, UiButton, UiInput],
  templateUrl: './activity-panel.html',
  styleUrl: './activity-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivityPanel {
  private readonly api = inject(FilesApi);

  readonly target = input.required<ActivityTarget>();
  readonly closed = output<void>();

  protected readonly actions = ACTIVITY_ACTIONS;
  protected readonly actionLabel = actionLabel;
  protected readonly activityTarget = activityTarget;
  protected readonly filter = signal<ActivityFilterInput>({ action: '', since: '', until: '' });
  protected readonly items = signal<FileActivity[]>([]);
  protected readonly loading = signal(false);
  protected readonly error = signal('');

  constructor() {
    effect(() => {
      this.target();
      untracked(() => void this.load());
    });
  }

  protected setFilter(change: Partial<ActivityFilterInput>): void {
    this.filter.update((f) => ({ ...f, ...change }));
    void this.load();
  }

  protected async load(): Promise<void> {
    const target = this.target();
    this.loading.set(true);
    this.error.set('');
    try {
      this.items.set((await this.api.activity(target, activityQuery(this.filter()))).items);
    } catch (e) {
      this.items.set([]);
      this.error.set(message(e));
    } finally {
      this.loading.set(false);
    }
  }

  protected async exportCsv(): Promise<void> {
    try {
      const blob = await this.api.activityCsv(this.target(), activityQuery(this.filter()));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `activity-${this.target().name}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      this.error.set(message(e));
    }
  }
}
