import { describe, expect, it } from 'vitest';
import { checkInteger, checkNumber, checkPathSegment, checkSeed, MAX_SEED } from './check-options.js';
import { InputError } from './errors.js';

describe('option checks', () => {
  it.each([
    [0, 0],
    [1, 1],
    [MAX_SEED, MAX_SEED],
  ])('checkSeed accepts %s', (value, expected) => expect(checkSeed(value)).toBe(expected));

  it.each([[1.5], [-1], [1e30], [MAX_SEED + 1], [Number.NaN], [Infinity], ['3']])('checkSeed refuses %s, naming the flag', (value) => {
    expect(() => checkSeed(value, '--seed')).toThrow(InputError);
    expect(() => checkSeed(value, '--seed')).toThrow(/^--seed .*: expected an integer from 0 to 4294967295 \(seeds are unsigned 32-bit\)$/);
  });

  it('checkInteger and checkNumber say what was found, NaN included', () => {
    expect(() => checkInteger(Number.NaN, '--max-steps', 1)).toThrow('--max-steps NaN (not a number): expected an integer >= 1');
    expect(() => checkInteger(5, '--latent', 1, 4)).toThrow('--latent 5: expected an integer from 1 to 4');
    expect(() => checkNumber(0, '--rtol', 0, true)).toThrow('--rtol 0: expected a finite number > 0');
    expect(checkNumber(0, '--beta', 0)).toBe(0);
  });

  it.each([['demo'], ['run-2'], ['a.b_c']])('checkPathSegment accepts %j', (name) => expect(checkPathSegment(name, '--name')).toBe(name));
  it.each([['/abs/path'], ['a/b'], ['a\\b'], ['..'], ['.'], ['.hidden'], [''], ['x'.repeat(101)]])('checkPathSegment refuses %j', (name) => {
    expect(() => checkPathSegment(name, '--name')).toThrow(/--name .*: expected a folder name/);
  });
});
