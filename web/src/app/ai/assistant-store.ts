// The assistant panel's state: whether I may use the copilot (and why not), and the last
// summary of the open conversation. Provided by the panel itself, so each panel has its own.
import { Injectable, computed, inject, signal } from '@angular/core';
import { AiApi, AiStatus, Summary, SummaryRequest } from './ai-api';
import { aiFailure } from './ai-format';

@Injectable()
export class AssistantStore {
  private readonly api = inject(AiApi);
  private readonly statusValue = signal<AiStatus | null>(null);
  private readonly summaryValue = signal<Summary | null>(null);
  private readonly busyValue = signal<'catch_up' | 'summary' | null>(null);
  private readonly errorValue = signal<string | null>(null);
  private generation = 0;

  readonly status = this.statusValue.asReadonly();
  readonly summary = this.summaryValue.asReadonly();
  readonly busy = this.busyValue.asReadonly();
  readonly error = this.errorValue.asReadonly();
  /** Why the copilot does not work for me: the server's plain words. */
  readonly unavailable = computed(() => {
    const s = this.statusValue();
    return s && !s.available ? s.reason ?? 'The AI copilot is not available to you.' : null;
  });

  async loadStatus(): Promise<void> {
    try {
      this.statusValue.set(await this.api.status());
    } catch (failure) {
      this.errorValue.set(aiFailure(failure));
    }
  }

  /** A new conversation: what was said about the last one goes. */
  reset(): void {
    this.generation++;
    this.summaryValue.set(null);
    this.errorValue.set(null);
    this.busyValue.set(null);
  }

  async summarise(request: SummaryRequest): Promise<void> {
    const generation = ++this.generation;
    this.busyValue.set(request.unread_only || request.after_seq !== undefined ? 'catch_up' : 'summary');
    this.errorValue.set(null);
    try {
      const summary = await this.api.summarise(request);
      if (generation === this.generation) this.summaryValue.set(summary);
      // What is left of the budget changed: show it again.
      if (this.statusValue()?.budget?.person_day || this.statusValue()?.budget?.organisation_month) void this.loadStatus();
    } catch (failure) {
      if (generation === this.generation) {
        this.summaryValue.set(null);
        this.errorValue.set(aiFailure(failure));
      }
    } finally {
      if (generation === this.generation) this.busyValue.set(null);
    }
  }
}
