import { Injectable, inject, signal } from '@angular/core';
import { ApiClient } from '../../core/api-client';
import { errorMessage } from '../../core/api-error';
import { FeatureToggle, UpdateFeatureToggleRequest } from '../../core/api-types';

/** Per-feature defaults and per-country overrides. */
@Injectable()
export class FeatureTogglesStore {
  private readonly api = inject(ApiClient);

  private readonly itemsState = signal<FeatureToggle[]>([]);
  private readonly loadedState = signal(false);
  private readonly errorState = signal<string | null>(null);

  readonly items = this.itemsState.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly error = this.errorState.asReadonly();

  async load(): Promise<void> {
    this.errorState.set(null);
    try {
      const { items } = await this.api.listFeatureToggles();
      this.itemsState.set([...items].sort((a, b) => a.feature.localeCompare(b.feature)));
      this.loadedState.set(true);
    } catch (failure) {
      this.errorState.set(errorMessage(failure));
    }
  }

  setDefault(feature: string, enabled: boolean): Promise<FeatureToggle> {
    return this.update(feature, { default_enabled: enabled });
  }

  setOverride(feature: string, country: string, enabled: boolean): Promise<FeatureToggle> {
    return this.update(feature, { countries: { [country.toUpperCase()]: enabled } });
  }

  removeOverride(feature: string, country: string): Promise<FeatureToggle> {
    return this.update(feature, { countries: { [country]: null } });
  }

  private async update(feature: string, request: UpdateFeatureToggleRequest): Promise<FeatureToggle> {
    const updated = await this.api.updateFeatureToggle(feature, request);
    this.itemsState.update((items) => items.map((item) => (item.feature === updated.feature ? updated : item)));
    return updated;
  }
}
