/**
 * @penvae/simulator — an ODE model of PEN DNA toolbox reaction networks.
 *
 * Network files (JSON, `kind: "pen"` or `"reactions"`) are validated, expanded into
 * mass-action reactions with saturable enzyme pools, compiled once into a flat rhs and
 * analytic Jacobian, and integrated by a stiff Rosenbrock solver (or odex) on an exact grid.
 * Pure computation: no file or process IO.
 *
 * The only public entry: it names every export explicitly, and exports only what another
 * package, a test or a benchmark uses (`npx knip` checks it).
 */
export { NetworkTooLargeError, NetworkValidationError, OptionsError, SimulatorError } from './errors.js';
export type { Network, TimeGrid } from './network/types.js';
export { DEFAULT_PEN_PARAMETERS } from './network/defaults.js';
export { validateNetwork, parseNetwork, suggestName } from './network/validate.js';
export { makeChainNetwork } from './network/chain.js';
export { resolvePenParameters, templateName } from './network/expand.js';
export {
  compileNetwork,
  generateNetworkSource,
  LARGE_NETWORK_MIN_STATES,
  MAX_STATE_VARIABLES,
  type CompiledNetwork,
  type NetworkSource,
} from './network/compile.js';
export { integrateRosenbrock, RODAS4, RODAS5P, type RosenbrockTableau } from './ode/rosenbrock.js';
export { createDenseSolver, type IterationMatrixSolver } from './ode/linear-solver.js';
export { createSparseSolverFactory, type SparseSolverFactory, type SparseSolverOptions } from './ode/sparse-lu.js';
export { createSparseLowRankSolverFactory } from './ode/sparse-low-rank.js';
export { integrateOdex } from './ode/odex.js';
export {
  simulate,
  simulateOnGrid,
  extractSeries,
  makeTimeGrid,
  resolveTimeGrid,
  SPARSE_SOLVER_MIN_STATES,
  type SimulateOptions,
  type SimulationResult,
} from './simulate.js';
export { SOLVERS, SOLVER_DEFINITIONS, DEFAULT_SOLVER, DEFAULT_TOLERANCES, solverDefinition, type SolverName } from './solvers.js';
export { analyzeSeries, type Behaviour, type SeriesAnalysis } from './analysis.js';
export { BUILTIN_NETWORKS, isBuiltinNetwork, builtinNetworkUrl } from './builtin.js';
