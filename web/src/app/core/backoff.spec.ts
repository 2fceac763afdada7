import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 500, capMs: 30_000 };

  it('grows exponentially (upper bound with random ≈ 1)', () => {
    const max = () => 0.999999;
    expect(backoffDelay(0, policy, max)).toBe(499);
    expect(backoffDelay(1, policy, max)).toBe(999);
    expect(backoffDelay(2, policy, max)).toBe(1999);
    expect(backoffDelay(5, policy, max)).toBe(15_999);
  });

  it('never exceeds the cap', () => {
    for (const attempt of [6, 7, 10, 50, 1_000]) {
      expect(backoffDelay(attempt, policy, () => 0.999999)).toBeLessThan(30_000);
    }
  });

  it('uses full jitter: anywhere from 0 up to the ceiling', () => {
    expect(backoffDelay(4, policy, () => 0)).toBe(0);
    expect(backoffDelay(4, policy, () => 0.5)).toBe(4_000);
  });

  it('treats odd attempts as the first', () => {
    expect(backoffDelay(-3, policy, () => 0.5)).toBe(250);
    expect(backoffDelay(Number.NaN, policy, () => 0.5)).toBeGreaterThanOrEqual(0);
  });
});
