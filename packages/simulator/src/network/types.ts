/**
 * Network file types: the JSON-compatible data a researcher writes (`../shared/reference/pen-model.md`).
 * Both kinds carry `schemaVersion: 1`; a `pen` network expands into a `reactions` network,
 * which is what the compiler understands.
 */

/** The only network file format version this package reads and writes. */
export const NETWORK_SCHEMA_VERSION = 1;

/** Output time grid of a network file: `t = 0, step, 2*step, ..., end` (minutes). */
export interface TimeGrid {
  /** Last output time, minutes (> 0). */
  end: number;
  /** Output spacing, minutes (0 < step <= end). */
  step: number;
}

/** A strand of a PEN network. */
export interface Strand {
  /** Unique name: letters, digits, `_`, `'`, `+`, `-`, starting with a letter, digit or `_` (README.md, "Names"). */
  name: string;
  /** `signal` strands prime templates; `inhibitor` strands block one template. */
  type: 'signal' | 'inhibitor';
  /** Dissociation constant from a template, nM (> 0): off-rate = kduplex * K. */
  K: number;
  /** Initial free concentration, nM. @default 0 */
  initial?: number;
}

/** A template `input -> output` of a PEN network, optionally blocked by an inhibitor strand. */
export interface Template {
  /** Unique name. @default `"<input>-><output>"` */
  name?: string;
  /** Signal strand that primes the template (3' site). */
  input: string;
  /** Signal or inhibitor strand the template produces (5' site). */
  output: string;
  /** Total template concentration, nM (>= 0). */
  concentration: number;
  /** Inhibitor strand that blocks this template. */
  inhibitor?: string;
  /** Stacking slowdown of the output/input off-rate when both are bound. @default parameters.stack */
  stack?: number;
  /** Dangle factor of the input site. @default parameters.dangleL */
  dangleL?: number;
  /** Dangle factor of the output site. @default parameters.dangleR */
  dangleR?: number;
}

/** Kinetic parameters of the template-state model (section 3.3 of the model doc). */
export interface PenParameters {
  /** Hybridisation rate, 1/(nM min). @default 0.2 */
  kduplex: number;
  /** Polymerase Vm, nM/min. @default 1050 */
  polVm: number;
  /** Polymerase Km for a primed template, nM. @default 80 */
  polKm: number;
  /** Polymerase Km for a template with input and output bound, nM. @default 5.5 */
  polKmBoth: number;
  /** Strand-displacement efficiency for inhibitor outputs. @default 0.2 */
  displ: number;
  /** Nickase Vm, nM/min. @default 80 */
  nickVm: number;
  /** Nickase Km, nM. @default 30 */
  nickKm: number;
  /** Exonuclease Vm, nM/min. @default 300 */
  exoVm: number;
  /** Exonuclease Km for signal strands, nM. @default 440 */
  exoKmSimple: number;
  /** Exonuclease Km for inhibitor strands, nM. @default 150 */
  exoKmInhib: number;
  /** Default stacking factor. @default 0.2 */
  stack: number;
  /** Default input dangle factor. @default 1 */
  dangleL: number;
  /** Default output dangle factor. @default 1 */
  dangleR: number;
  /** Inhibitor off-rate factor. @default 6 */
  alphaBase: number;
  /** Inhibitor dangle slowdown. @default 0.5 */
  inhibDangleSlowdown: number;
  /** Toehold invasion rate of an inhibited template by its input, relative to kduplex. @default 0.002 */
  ratioLeft: number;
  /** Toehold invasion rate of an inhibited template by its output, relative to kduplex. @default 0.01 */
  ratioRight: number;
  /** Relative polymerase amount. @default 1 */
  polConc: number;
  /** Relative nickase amount. @default 1 */
  nickConc: number;
  /** Relative exonuclease amount. @default 1 */
  exoConc: number;
}

/** A PEN network as molecular programmers draw it (`kind: "pen"`). */
export interface PenNetwork {
  schemaVersion: 1;
  kind: 'pen';
  /** A label: any non-blank text. */
  name: string;
  description?: string;
  strands: Strand[];
  templates: Template[];
  /** Overrides of the defaults in {@link DEFAULT_PEN_PARAMETERS}. */
  parameters?: Partial<PenParameters>;
  time?: TimeGrid;
}

/** A species of a reactions network. */
export interface Species {
  /** Unique name, as a strand's (README.md, "Names"). */
  name: string;
  /** Initial concentration, nM. @default 0 */
  initial?: number;
}

/** A mass-action reaction, optionally divided by a saturation pool's denominator. */
export interface Reaction {
  /** Unique id. */
  id: string;
  /** Reactant species; a name listed twice is second order in it. */
  reactants: string[];
  /** Product species; a name listed twice is made twice. */
  products: string[];
  /** Forward rate constant (units follow the order). */
  k: number;
  /** Reverse rate constant (reverse rate = kr * prod(products)). */
  kr?: number;
  /** Saturation pool dividing this reaction's rate. */
  pool?: string;
}

/** A general chemical reaction network (`kind: "reactions"`). */
export interface ReactionsNetwork {
  schemaVersion: 1;
  kind: 'reactions';
  /** A label: any non-blank text. */
  name: string;
  description?: string;
  species: Species[];
  /** pool name -> (species -> Km, nM). D_p = 1 + sum max([X],0) / K_{p,X}. */
  pools?: Record<string, Record<string, number>>;
  reactions: Reaction[];
  time?: TimeGrid;
}

/** Any network file. */
export type Network = PenNetwork | ReactionsNetwork;

/** The hybridisation states of a template, with the names used in traces (`<template>.<state>`). */
const TEMPLATE_STATES = ['alone', 'input', 'output', 'both', 'extended', 'inhibited'] as const;

/** One template state name. */
export type TemplateState = (typeof TEMPLATE_STATES)[number];
