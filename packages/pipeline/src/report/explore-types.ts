/**
 * What an exploration report shows (`pipeline explore-compare`): the data the search and the
 * sweeps it is compared with produced, already measured. The report module only draws and
 * writes it (report/explore-document.ts); every number is computed before.
 */

/** The search methods a report compares. */
export type ExploreMethod = 'explore' | 'random' | 'lhs';

/** One behaviour class: a label, and the period and amplitude deciles (see metrics/behaviour-classes.ts). */
export interface BehaviourClass {
  /** `analyzeSeries` label, e.g. `oscillating`, `settles-high`. */
  label: string;
  /** Period decile 1-10 over the union of every method's finds with this label; null when the label has no period. */
  periodBin: number | null;
  /** Amplitude decile 1-10 (oscillation amplitude, or final level for labels without oscillation). */
  amplitudeBin: number;
}

/** One run of one method with one seed. */
export interface ExploreMethodRun {
  method: ExploreMethod;
  seed: number;
  /** Simulations spent (the budget). */
  simulations: number;
  /** Simulations that converged. */
  converged: number;
  /** Cells of the judge's latent grid filled after each `every` simulations (first entry after `every`). */
  cells: number[];
  /** Distinct behaviour classes found. */
  distinct: number;
  /** Parameter sets whose trace oscillates (label `oscillating`: sustained). */
  oscillating: number;
  /** Wall-clock seconds: simulating, and (explore only) training and proposing. */
  seconds: { simulation: number; training: number; proposal: number };
}

/** A trace drawn in the report: normalised-window time axis and the observed strand in its own units. */
export interface ReportTrace {
  method: ExploreMethod;
  seed: number;
  /** Sample id within its run. */
  sampleId: number;
  behaviour: BehaviourClass;
  /** Varied values, in the order of {@link ExploreReportData.vary}. */
  parameters: number[];
  t: number[];
  y: number[];
}

/** Everything a report of `pipeline explore-compare` shows. */
export interface ExploreReportData {
  formatVersion: 1;
  packageVersion: string;
  /** Network name and the file or built-in it came from. */
  network: { name: string; source: string; observed: string; units: string };
  vary: { path: string; min: number; max: number; distribution: 'uniform' | 'log' }[];
  budget: number;
  seeds: number[];
  /** Spacing of {@link ExploreMethodRun.cells}. */
  every: number;
  /** The judge: one VAE trained on the union of every run's traces, its 2-D latent grid. */
  judge: { latentDim: 2; cellsPerSide: number; bounds: [[number, number], [number, number]]; trainRows: number; seconds: number };
  runs: ExploreMethodRun[];
  /** Medians over seeds, per method. */
  medians: { method: ExploreMethod; distinct: number; oscillating: number; cells: number; overhead: number | null }[];
  /** The targets of the issue and whether they are met (ratios of medians). */
  targets: { name: string; value: number; target: number; met: boolean }[];
  /** Every behaviour class found by any method (first seed... all seeds pooled), with how many runs of each method found it. */
  classes: { behaviour: BehaviourClass; found: Record<ExploreMethod, number> }[];
  /**
   * The latent map (first seed): converged samples of every method at their judge latent
   * means, and one trace per occupied region of a coarse grid over the map (x, y: the region's
   * centre; the trace is the sample nearest it).
   */
  map: { points: { x: number; y: number; method: ExploreMethod; label: string }[]; regions: { x: number; y: number; trace: ReportTrace }[] };
  /** Traces of behaviour classes explore found and neither sweep did (first seed first), at most 12. */
  missedBySweeps: ReportTrace[];
  /** Free-text lines for the top of the report (what was run, how long). */
  notes: string[];
}
