import { DEFAULT_PEN_PARAMETERS } from './defaults.js';
import { nameRecord } from './validate.js';
import type { PenNetwork, PenParameters, Reaction, ReactionsNetwork, Template, TemplateState } from './types.js';

/** A template of an expanded PEN network: its name, total concentration and state species. */
export interface ExpandedTemplate {
  /** Template name (`input->output` unless named). */
  name: string;
  /** Total concentration, nM: the conserved sum of its states. */
  concentration: number;
  /** State -> species name in the reactions network (`<template>.<state>`). */
  states: Partial<Record<TemplateState, string>>;
}

/** The result of {@link expandPenNetwork}: the reactions network and what it came from. */
export interface ExpandedPenNetwork {
  /** The `reactions` network that the compiler turns into ODEs. */
  network: ReactionsNetwork;
  /** Strand names (the observables), in file order. */
  strands: string[];
  /** Templates in file order. */
  templates: ExpandedTemplate[];
  /** The complete parameter set used (defaults with the file's overrides). */
  parameters: PenParameters;
}

/** The name a template goes by: its `name`, or `"<input>-><output>"`. */
export function templateName(t: Template): string {
  return t.name ?? `${t.input}->${t.output}`;
}

/** The file's parameters merged over {@link DEFAULT_PEN_PARAMETERS}. */
export function resolvePenParameters(net: PenNetwork): PenParameters {
  return { ...DEFAULT_PEN_PARAMETERS, ...(net.parameters ?? {}) };
}

/**
 * Expands a PEN network into the mass-action reactions of the template-state model
 * (model doc section 3): every term of the template equations becomes one reaction, and the
 * three enzymes become the saturation pools `pol`, `nick` and `exo` shared by all templates
 * and strands (section 3.1).
 *
 * For a template T = u -> o (inhibitor h), with k = kduplex:
 *
 *     u + A <-> I   (k, k*dL*K_u)          o + A <-> O   (k, k*dR*K_o)
 *     o + I <-> B   (k, k*(st/dL)*K_o)     u + O <-> B   (k, k*(st/dR)*K_u)
 *     I -> E        pol:  polConc*polVm/polKm
 *     B -> E + o    pol:  pd_T = displ*polConc*polVm/polKmBoth if o is an inhibitor, else polConc*polVm/polKm
 *     E -> B        nick: nickConc*nickVm/nickKm
 *     h + A <-> H   (k, k*alpha_h*K_h)     h + I -> H + u (k)      h + O -> H + o (k)
 *     u + H -> I + h (k*rL)                o + H -> O + h (k*rR)
 *
 * and every strand s decays through `s -> (nothing)` at exoConc*exoVm/Km_s in pool `exo`.
 * Dividing each enzyme reaction by its pool's 1 + sum [X]/Km gives exactly the saturated
 * rates pol, polboth, nick and the exonuclease flux of section 3.1.
 *
 * The structure (species, reactions, pools) depends only on the topology, never on the
 * numbers, so a sweep can recompute values without recompiling.
 */
export function expandPenNetwork(net: PenNetwork): ExpandedPenNetwork {
  const p = resolvePenParameters(net);
  const k = p.kduplex;
  const strandByName = new Map(net.strands.map((s) => [s.name, s]));
  const K = (name: string): number => strandByName.get(name)!.K;
  const isInhibitor = (name: string): boolean => strandByName.get(name)!.type === 'inhibitor';

  // alpha_h uses the output dangle of the template that produces h (the first one, in file
  // order, if several do; 1 if none): the inhibitor's 3' dangle slows its release.
  const producerDangleR = new Map<string, number>();
  for (const t of net.templates) {
    if (isInhibitor(t.output) && !producerDangleR.has(t.output)) producerDangleR.set(t.output, t.dangleR ?? p.dangleR);
  }

  const species: ReactionsNetwork['species'] = net.strands.map((s) => ({ name: s.name, initial: s.initial ?? 0 }));
  const reactions: Reaction[] = [];
  // Pools are indexed by species names: records without a prototype (see nameRecord).
  const polPool = nameRecord<number>();
  const nickPool = nameRecord<number>();
  const exoPool = nameRecord<number>();
  const templates: ExpandedTemplate[] = [];

  const pol = (p.polConc * p.polVm) / p.polKm;
  const polBoth = (p.polConc * p.polVm) / p.polKmBoth;
  const nick = (p.nickConc * p.nickVm) / p.nickKm;

  for (const t of net.templates) {
    const name = templateName(t);
    const u = t.input;
    const o = t.output;
    const h = t.inhibitor;
    const st = t.stack ?? p.stack;
    const dL = t.dangleL ?? p.dangleL;
    const dR = t.dangleR ?? p.dangleR;
    const S = (state: TemplateState): string => `${name}.${state}`;
    const states: ExpandedTemplate['states'] = {};
    for (const state of ['alone', 'input', 'output', 'both', 'extended'] as const) {
      states[state] = S(state);
      species.push({ name: S(state), initial: state === 'alone' ? t.concentration : 0 });
    }
    if (h !== undefined) {
      states.inhibited = S('inhibited');
      species.push({ name: S('inhibited'), initial: 0 });
    }
    const [A, I, O, B, E] = [S('alone'), S('input'), S('output'), S('both'), S('extended')];
    reactions.push(
      { id: `${name}:input-binding`, reactants: [u, A], products: [I], k, kr: k * dL * K(u) },
      { id: `${name}:output-binding`, reactants: [o, A], products: [O], k, kr: k * dR * K(o) },
      { id: `${name}:output-on-primed`, reactants: [o, I], products: [B], k, kr: k * (st / dL) * K(o) },
      { id: `${name}:input-on-output`, reactants: [u, O], products: [B], k, kr: k * (st / dR) * K(u) },
      { id: `${name}:extension`, reactants: [I], products: [E], k: pol, pool: 'pol' },
      { id: `${name}:displacement`, reactants: [B], products: [E, o], k: isInhibitor(o) ? p.displ * polBoth : pol, pool: 'pol' },
      { id: `${name}:nicking`, reactants: [E], products: [B], k: nick, pool: 'nick' },
    );
    polPool[I] = p.polKm;
    polPool[B] = p.polKmBoth;
    nickPool[E] = p.nickKm;
    if (h !== undefined) {
      const H = S('inhibited');
      const alpha = p.alphaBase * p.inhibDangleSlowdown * (producerDangleR.get(h) ?? 1);
      reactions.push(
        { id: `${name}:inhibitor-binding`, reactants: [h, A], products: [H], k, kr: k * alpha * K(h) },
        { id: `${name}:inhibitor-on-primed`, reactants: [h, I], products: [H, u], k },
        { id: `${name}:inhibitor-on-output`, reactants: [h, O], products: [H, o], k },
        { id: `${name}:input-invasion`, reactants: [u, H], products: [I, h], k: k * p.ratioLeft },
        { id: `${name}:output-invasion`, reactants: [o, H], products: [O, h], k: k * p.ratioRight },
      );
    }
    templates.push({ name, concentration: t.concentration, states });
  }
  for (const s of net.strands) {
    const km = s.type === 'inhibitor' ? p.exoKmInhib : p.exoKmSimple;
    exoPool[s.name] = km;
    reactions.push({ id: `${s.name}:degradation`, reactants: [s.name], products: [], k: (p.exoConc * p.exoVm) / km, pool: 'exo' });
  }

  const network: ReactionsNetwork = {
    schemaVersion: 1,
    kind: 'reactions',
    name: net.name,
    description: `expanded from PEN network "${net.name}"`,
    species,
    pools: Object.assign(nameRecord<Record<string, number>>(), { pol: polPool, nick: nickPool, exo: exoPool }),
    reactions,
  };
  if (net.time) network.time = { ...net.time };
  return { network, strands: net.strands.map((s) => s.name), templates, parameters: p };
}
