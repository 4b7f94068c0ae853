// odex 2.0.4 is CommonJS and ships no usable declarations (its bundled odex.ts does not compile
// under strict settings): tsconfig maps 'odex' here. These cover the part we use.
export declare enum Outcome {
  Converged = 0,
  MaxStepsExceeded = 1,
  EarlyReturn = 2,
}
export type OdexDerivative = (x: number, y: number[]) => number[];
export type OdexSolutionObserver = (n: number, xOld: number, x: number, y: number[], interpolate: (i: number, x: number) => number) => boolean | void;
export interface OdexResult {
  y: number[];
  outcome: Outcome;
  nStep: number;
  xEnd: number;
  nAccept: number;
  nReject: number;
  nEval: number;
}
export declare class Solver {
  constructor(n: number);
  n: number;
  maxSteps: number;
  initialStepSize: number;
  maxStepSize: number;
  denseOutput: boolean;
  absoluteTolerance: number | number[];
  relativeTolerance: number | number[];
  solve(f: OdexDerivative, x: number, y0: number[], xEnd: number, solOut?: OdexSolutionObserver): OdexResult;
}
