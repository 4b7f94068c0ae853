import { describe, expect, it } from 'vitest';
import { formatNumber } from './output.js';

describe('formatNumber', () => {
  // Expected strings written out by hand from the rule: `digits` significant digits between
  // 1e-3 and 1e6, an exponent outside, '-' when missing.
  it.each([
    [undefined, 4, '-'],
    [null, 4, '-'],
    [Number.NaN, 4, '-'],
    [0, 4, '0'],
    [1, 4, '1'],
    [0.012345, 4, '0.01235'],
    [-3.14159, 4, '-3.142'],
    [123456, 4, '123500'],
    [999999, 3, '1000000'],
    [1e6, 4, '1.000e+6'],
    [2.5e-7, 3, '2.50e-7'],
    [0.001, 3, '0.001'],
    [0.000999, 3, '9.99e-4'],
    [12345.67, 3, '12300'],
  ])('%s at %i digits is %s', (value, digits, expected) => {
    expect(formatNumber(value, digits)).toBe(expected);
  });

  it('uses 4 digits by default', () => {
    expect(formatNumber(Math.PI)).toBe('3.142');
  });
});
