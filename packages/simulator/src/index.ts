/**
 * @penvae/simulator — an ODE model of PEN DNA toolbox reaction networks.
 *
 * Network files (JSON, `kind: "pen"` or `"reactions"`) are validated, expanded into
 * mass-action reactions with saturable enzyme pools, compiled once into a flat rhs and
 * analytic Jacobian, and integrated by a stiff Rosenbrock solver (or odex) on an exact grid.
 * Pure computation: no file or process IO.
 */
export * from './errors.js';
export * from './network/types.js';
export { DEFAULT_PEN_PARAMETERS, STRICTLY_POSITIVE_PARAMETERS, TYPICAL_K } from './network/defaults.js';
export { validateNetwork, parseNetwork, describeValue, suggestName, MAX_GRID_POINTS } from './network/validate.js';
export { makeChainNetwork, type ChainNetworkOptions } from './network/chain.js';
export { expandPenNetwork, resolvePenParameters, templateName, type ExpandedPenNetwork, type ExpandedTemplate } from './network/expand.js';
export {
  compileNetwork,
  generateNetworkSource,
  LARGE_NETWORK_MIN_STATES,
  MAX_STATE_VARIABLES,
  type CompiledNetwork,
  type CompiledTemplate,
  type CompileOptions,
  type NetworkSource,
} from './network/compile.js';
export * from './ode/types.js';
export { resolveIntegrateOptions, DEFAULT_INTEGRATE_OPTIONS, type ResolvedIntegrateOptions } from './ode/options.js';
export { integrateRosenbrock, RODAS4, RODAS5P, type RosenbrockOptions, type RosenbrockTableau } from './ode/rosenbrock.js';
export { createDenseSolver, type IterationMatrixSolver } from './ode/linear-solver.js';
export {
  createSparseSolverFactory,
  DEFAULT_CODEGEN_AFTER,
  MAX_GENERATED_OPERATIONS,
  type SparseIterationMatrixSolver,
  type SparseLuAnalysis,
  type SparseSolverFactory,
  type SparseSolverOptions,
} from './ode/sparse-lu.js';
export { createSparseLowRankSolverFactory, MAX_LU_NON_ZEROS, type SparseLowRankSolverOptions } from './ode/sparse-low-rank.js';
export { integrateOdex } from './ode/odex.js';
export { decomposeLu, solveLu } from './ode/lu.js';
export {
  simulate,
  simulateOnGrid,
  extractSeries,
  makeTimeGrid,
  resolveTimeGrid,
  SPARSE_SOLVER_MIN_STATES,
  MAX_TRAJECTORY_VALUES,
  type SimulateOptions,
  type SimulationResult,
} from './simulate.js';
export {
  SOLVERS,
  SOLVER_DEFINITIONS,
  DEFAULT_SOLVER,
  DEFAULT_TOLERANCES,
  solverDefinition,
  type SolverName,
  type SolverDefinition,
  type SolverRunOptions,
} from './solvers.js';
export { analyzeSeries, BEHAVIOURS, type Behaviour, type SeriesAnalysis, type AnalyzeOptions } from './analysis.js';
export { BUILTIN_NETWORKS, isBuiltinNetwork, builtinNetworkUrl, type BuiltinNetworkName } from './builtin.js';
