import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserLocales, formatDate } from './locale-format';
import { LocalDatePipe } from './local-date.pipe';

// 2026-12-07 00:31 UTC
const AT = Date.UTC(2026, 11, 7, 0, 31);

function browserSpeaks(...languages: string[]): void {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
  vi.spyOn(navigator, 'language', 'get').mockReturnValue(languages[0] ?? '');
}

describe('formatDate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('puts the day first for a British browser', () => {
    browserSpeaks('en-GB', 'en');
    expect(browserLocales()).toEqual(['en-GB', 'en']);
    expect(formatDate(AT, 'short', 'UTC')).toBe('07/12/2026, 00:31');
    expect(formatDate(AT, 'date', 'UTC')).toBe('7 Dec 2026');
  });

  it('puts the month first for an American browser', () => {
    browserSpeaks('en-US');
    expect(formatDate(AT, 'short', 'UTC')).toBe('12/7/26, 12:31 AM');
  });

  it('shows the moment in the zone asked for', () => {
    browserSpeaks('en-GB');
    expect(formatDate(AT, 'time', 'Asia/Tokyo')).toBe('09:31');
  });

  it('reads ISO strings and says nothing for nothing', () => {
    browserSpeaks('de-DE');
    expect(formatDate('2026-12-07T00:31:00Z', 'short', 'UTC')).toBe('07.12.26, 00:31');
    expect(formatDate(null)).toBe('');
    expect(formatDate('not a date')).toBe('');
  });

  it('survives a malformed language tag', () => {
    browserSpeaks('en_GB!!');
    expect(formatDate(AT, 'short', 'UTC')).not.toBe('');
  });

  it('is what the localDate pipe shows', () => {
    browserSpeaks('en-GB');
    expect(new LocalDatePipe().transform(AT, 'short', 'UTC')).toBe('07/12/2026, 00:31');
  });
});
