import { LiveAnnouncer } from '@angular/cdk/a11y';
import { TestBed } from '@angular/core/testing';
import { Toasts } from './toast';

describe('Toasts', () => {
  let toasts: Toasts;
  let announced: { text: string; politeness?: string }[];

  beforeEach(() => {
    vi.useFakeTimers();
    announced = [];
    TestBed.configureTestingModule({
      providers: [{ provide: LiveAnnouncer, useValue: { announce: (text: string, politeness?: string) => (announced.push({ text, politeness }), Promise.resolve()) } }],
    });
    toasts = TestBed.inject(Toasts);
  });

  afterEach(() => vi.useRealTimers());

  it('shows a toast, reads it out politely and removes it after its time', () => {
    toasts.show('Link copied', { tone: 'ok', durationMs: 3000 });
    expect(toasts.items().map((t) => t.text)).toEqual(['Link copied']);
    expect(announced).toEqual([{ text: 'Link copied', politeness: 'polite' }]);
    vi.advanceTimersByTime(2999);
    expect(toasts.items()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(toasts.items()).toHaveLength(0);
  });

  it('reads a danger toast out assertively and keeps a sticky one until dismissed', () => {
    const id = toasts.show('Upload failed', { tone: 'danger', durationMs: 0 });
    expect(announced[0].politeness).toBe('assertive');
    vi.advanceTimersByTime(60_000);
    expect(toasts.items()).toHaveLength(1);
    toasts.dismiss(id);
    expect(toasts.items()).toHaveLength(0);
  });

  it('keeps at most three on screen, dropping the oldest', () => {
    for (const n of [1, 2, 3, 4]) toasts.show(`toast ${n}`);
    expect(toasts.items().map((t) => t.text)).toEqual(['toast 2', 'toast 3', 'toast 4']);
  });
});
