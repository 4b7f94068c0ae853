/** Plotting errors live in the package's errors.ts; re-exported for the module's own imports. */
export { PlotInputError, PlotRenderError } from '../errors.js';
