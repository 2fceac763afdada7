import { FeatureFlags } from '../core/api-types';
import { countryName } from '../core/local-time';

/** One line of the home page's "Features for you": what it is and, in words, what that means here. */
export interface FeatureLine {
  key: string;
  label: string;
  enabled: boolean;
  text: string;
}

/**
 * The switches the server actually honours, in the person's words. A toggle the server lists but
 * no module reads yet (ai.copilot, remote_support.screen_share, ...) is not shown: it would
 * advertise something that does not exist. Add a line here when a module starts honouring one.
 */
const KNOWN: Record<string, { label: string; on: (country: string) => string; off: (country: string) => string }> = {
  'meet.recording': {
    label: 'Meeting recording',
    on: () => 'Hosts can record a meeting; everyone in it is told when a recording starts.',
    off: (country) => `Meetings with participants in ${country} are not recorded: recording is switched off there.`,
  },
  'files.external_links': {
    label: 'Share links',
    on: () => 'A file you manage can be shared with a link that works without an account.',
    off: (country) => `Share links are switched off in ${country}: share files with people who have an account instead.`,
  },
};

/** The features of `flags` that exist, in a stable order, each explained for `country` (ISO code). */
export function featuresFor(flags: FeatureFlags, country: string): FeatureLine[] {
  const where = countryName(country) || country;
  return Object.entries(KNOWN)
    .filter(([key]) => key in flags)
    .map(([key, known]) => ({ key, label: known.label, enabled: flags[key], text: flags[key] ? known.on(where) : known.off(where) }));
}
