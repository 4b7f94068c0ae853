/**
 * @penvae/pipeline — the `pipeline` CLI as a library: every command is a plain `runX(options)`
 * function that tests and scripts can call without argv.
 */
export * from './errors.js';
export { main, exitCodeFor, type MainOptions } from './cli/main.js';
export { runProcess } from './cli/process.js';
export { runSimulate, trajectoryCsv, type SimulateCommandOptions, type SimulateCommandResult } from './tasks/simulate.js';
export {
  runNetworks, runSweepPaths, runValidate,
  type NetworkListing, type NetworksCommandOptions, type NetworksCommandResult, type SweepPathsCommandOptions, type ValidateCommandOptions, type ValidateCommandResult,
} from './tasks/networks.js';
export { loadNetwork, type LoadedNetwork } from './io/network-source.js';
export { writeFileAtomic, AtomicFile } from './io/atomic.js';
export { captureOutput, processOutput, quietOutput, type Output } from './io/output.js';
export { PACKAGE_VERSION } from './version.js';
export { runSweep, type SweepCommandOptions, type SweepCommandResult } from './tasks/sweep.js';
export { runBaseline, type BaselineCommandOptions, type BaselineCommandResult } from './tasks/baseline.js';
export { runNormalize, type NormalizeCommandOptions, type NormalizeCommandResult } from './tasks/normalize.js';
export { runInspect, type InspectCommandOptions, type InspectResult } from './tasks/inspect.js';
export { exampleTraces } from './dataset/example-traces.js';
export { runMerge, type MergeCommandOptions, type MergeCommandResult } from './tasks/merge.js';
export { runCheckReport, type CheckReportCommandOptions } from './tasks/check-report.js';
export {
  runSlurm,
  runSlurmStatus,
  runSlurmResubmit,
  type SlurmCommandOptions,
  type SlurmCommandResult,
  type SlurmFolderOptions,
  type SlurmResubmitOptions,
  type SlurmResubmitResult,
  type SlurmStatusResult,
  type ShardStatus,
} from './tasks/slurm.js';
export { runTrain, trainingBudget, TRAIN_BUDGET, TRAIN_COMMAND_DEFAULTS, type TrainCommandOptions } from './tasks/train.js';
export { RUN_FORMAT_VERSION, type RunRecord, type RunTrainingOptions } from './run/record.js';
export type { ModelTestReport, ReconstructionReport } from './run/evaluation.js';
export { runCompare, type CompareCommandOptions } from './tasks/compare.js';
export { runDemo, runExperiment, runStudy, DEMO_PLAN, EXPERIMENT_PLAN, type StudyOptions, type StudyPlan, type StudyResult, type StudySweep } from './tasks/demo.js';
export { checkReportInBrowser, findChromium, type BrowserCheckResult } from './report/browser-check.js';
export type { ComparisonMetrics } from './report/document.js';
export type { Evaluation, GenerationMetrics } from './report/evaluate.js';
export { readDataset, datasetRows, readSeriesMatrix, type Dataset, type DatasetMetadata, type SeriesMatrix } from './dataset/arrow.js';
export { DATASET_FORMAT_VERSION, METADATA_KEYS, type DatasetLayout, type DatasetRow, type NormalizationSpec, type TimeGridSpec } from './dataset/schema.js';
export { createSampleRunner, type SweepJob } from './dataset/run-sample.js';
export { resolveNormalization } from './dataset/normalize.js';
export { listSweepPaths, parseVary, prepareSweep, sampleValues, type SweepSpec, type VarySpec, type Design, type Distribution } from './dataset/sweep-spec.js';
