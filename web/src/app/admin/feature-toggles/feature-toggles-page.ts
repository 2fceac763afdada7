import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { errorMessage } from '../../core/api-error';
import { FeatureToggle } from '../../core/api-types';
import { countryName } from '../../core/local-time';
import { countryOptions } from '../countries';
import { FeatureTogglesStore } from './feature-toggles.store';
import { UiButton } from '../../ui/button';
import { UiFlag } from '../../ui/flag';
import { UiSwitch } from '../../ui/form-controls';

interface OverrideDraft {
  country: string;
  enabled: boolean;
}

@Component({
  imports: [UiButton, UiFlag, UiSwitch],
  selector: 'mer-feature-toggles-page',
  providers: [FeatureTogglesStore],
  templateUrl: './feature-toggles-page.html',
  styleUrl: './feature-toggles-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FeatureTogglesPage {
  protected readonly store = inject(FeatureTogglesStore);
  protected readonly countries = countryOptions();
  protected readonly countryName = countryName;

  /** Which feature's row is saving, and the last error per feature. */
  protected readonly saving = signal<string | null>(null);
  protected readonly errors = signal<Record<string, string>>({});
  protected readonly drafts = signal<Record<string, OverrideDraft>>({});

  constructor() {
    void this.store.load();
  }

  protected overrides(toggle: FeatureToggle): { country: string; enabled: boolean }[] {
    return Object.entries(toggle.countries)
      .map(([country, enabled]) => ({ country, enabled }))
      .sort((a, b) => a.country.localeCompare(b.country));
  }

  protected draft(feature: string): OverrideDraft {
    return this.drafts()[feature] ?? { country: '', enabled: false };
  }

  protected setDraftCountry(feature: string, event: Event): void {
    const country = (event.target as HTMLSelectElement).value;
    this.drafts.update((drafts) => ({ ...drafts, [feature]: { ...this.draft(feature), country } }));
  }

  protected setDraftEnabled(feature: string, event: Event): void {
    const enabled = (event.target as HTMLSelectElement).value === 'on';
    this.drafts.update((drafts) => ({ ...drafts, [feature]: { ...this.draft(feature), enabled } }));
  }

  protected onDefault(toggle: FeatureToggle, event: Event): Promise<void> {
    const enabled = (event.target as HTMLInputElement).checked;
    return this.run(toggle.feature, () => this.store.setDefault(toggle.feature, enabled));
  }

  protected async addOverride(toggle: FeatureToggle): Promise<void> {
    const draft = this.draft(toggle.feature);
    if (!draft.country) {
      this.setError(toggle.feature, 'Choose a country for the override.');
      return;
    }
    await this.run(toggle.feature, () => this.store.setOverride(toggle.feature, draft.country, draft.enabled));
    this.drafts.update((drafts) => ({ ...drafts, [toggle.feature]: { country: '', enabled: draft.enabled } }));
  }

  protected removeOverride(toggle: FeatureToggle, country: string): Promise<void> {
    return this.run(toggle.feature, () => this.store.removeOverride(toggle.feature, country));
  }

  private async run(feature: string, action: () => Promise<unknown>): Promise<void> {
    this.saving.set(feature);
    this.setError(feature, null);
    try {
      await action();
    } catch (failure) {
      this.setError(feature, errorMessage(failure));
    } finally {
      this.saving.set(null);
    }
  }

  private setError(feature: string, message: string | null): void {
    this.errors.update((errors) => {
      const next = { ...errors };
      if (message) next[feature] = message;
      else delete next[feature];
      return next;
    });
  }
}
