import type { PenParameters } from './types.js';

/**
 * Default kinetic parameters of the template-state model: DACCAD's defaults, which its
 * documentation takes "from Padirac et al." (model doc, section 3.3). Units: nM, minutes.
 */
export const DEFAULT_PEN_PARAMETERS: Readonly<PenParameters> = Object.freeze({
  kduplex: 0.2,
  polVm: 1050,
  polKm: 80,
  polKmBoth: 5.5,
  displ: 0.2,
  nickVm: 80,
  nickKm: 30,
  exoVm: 300,
  exoKmSimple: 440,
  exoKmInhib: 150,
  stack: 0.2,
  dangleL: 1,
  dangleR: 1,
  alphaBase: 6,
  inhibDangleSlowdown: 0.5,
  ratioLeft: 0.002,
  ratioRight: 0.01,
  polConc: 1,
  nickConc: 1,
  exoConc: 1,
});

/**
 * Parameters that divide something or scale an enzyme's capacity and so must be strictly
 * positive (the rest must be >= 0).
 */
export const STRICTLY_POSITIVE_PARAMETERS: ReadonlySet<keyof PenParameters> = new Set<keyof PenParameters>([
  'kduplex',
  'polVm',
  'polKm',
  'polKmBoth',
  'nickVm',
  'nickKm',
  'exoVm',
  'exoKmSimple',
  'exoKmInhib',
  'dangleL',
  'dangleR',
]);

/** Typical dissociation constants (nM) of a signal and an inhibitor strand, for docs and generators. */
export const TYPICAL_K = Object.freeze({ signal: 74.33, inhibitor: 0.2165 });
