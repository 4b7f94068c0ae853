import { describe, expect, it } from 'vitest';
import { aggregateByLabel } from './group.js';
import { MetricInputError } from './errors.js';

describe('aggregateByLabel', () => {
  it('averages per label in order of first appearance', () => {
    // sin: (1 + 3 + 5)/3 = 3; sigmoid: (2 + 6)/2 = 4.
    expect(aggregateByLabel([1, 2, 3, 6, 5], ['sin', 'sigmoid', 'sin', 'sigmoid', 'sin'])).toEqual([
      { label: 'sin', mean: 3, count: 3 },
      { label: 'sigmoid', mean: 4, count: 2 },
    ]);
  });

  it('works on typed arrays and numeric labels, and lets a NaN through', () => {
    const r = aggregateByLabel(Uint8Array.from([1, 0, 1, 1]), [2, 2, 1, 1]);
    expect(r).toEqual([
      { label: '2', mean: 0.5, count: 2 },
      { label: '1', mean: 1, count: 2 },
    ]);
    expect(aggregateByLabel([1, NaN], ['a', 'a'])[0]!.mean).toBeNaN();
  });

  it('rejects a length mismatch', () => {
    expect(() => aggregateByLabel([1, 2], ['a'])).toThrow(MetricInputError);
  });
});
