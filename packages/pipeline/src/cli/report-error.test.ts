import { OptionsError } from '@penvae/simulator';
import { BackendError, ModelFormatError, VaeConfigError, VaeDataError } from '@penvae/vae';
import { describe, expect, it } from 'vitest';
import { FileSystemError, InputError, InterruptedError, MetricInputError, NumericalError, PlotInputError, PlotRenderError } from '../errors.js';
import { exitCodeFor, reportError, userMessage } from './report-error.js';

const errno = (code: string, message: string, path: string) => Object.assign(new Error(message), { code, path });

describe('exit codes by error class (instanceof, not names)', () => {
  it.each([
    ['InputError', new InputError('x'), 2],
    ['FileSystemError', new FileSystemError('/x', 'ENOSPC', 'x'), 2],
    ['NumericalError', new NumericalError('x'), 3],
    ['InterruptedError', new InterruptedError('x'), 130],
    ['AbortError of an aborted signal', AbortSignal.abort().reason, 130],
    ['a network or option error of the simulator', new OptionsError('option tEnd: x'), 2],
    ['VaeConfigError', new VaeConfigError('config.latentDim', 'x'), 2],
    ['VaeDataError', new VaeDataError('train', 'x'), 2],
    ['ModelFormatError', new ModelFormatError('/m', 'x'), 2],
    ['BackendError of a backend the user chose', new BackendError('wasm', 'x'), 2],
    ['BackendError when no backend at all works under auto', new BackendError('auto', 'x'), 1],
    ['PlotRenderError (a chart we cannot draw: a bug)', new PlotRenderError('x'), 1],
    ['PlotRenderError caused by a full disk', new PlotRenderError('x', { cause: errno('ENOSPC', 'ENOSPC: no space', '/r/a.svg') }), 2],
    ['PlotInputError (our builders got bad data: a bug)', new PlotInputError('x'), 1],
    ['MetricInputError', new MetricInputError('x'), 2],
    ['a raw EROFS from node:fs', errno('EROFS', "EROFS: read-only file system, open '/r/.x.arrow.tmp-12-1'", '/r/.x.arrow.tmp-12-1'), 2],
    ['a TypeError', new TypeError('x is undefined'), 1],
    ['a string', 'boom', 1],
  ])('%s -> %i', async (_label, error, code) => expect(await exitCodeFor(error)).toBe(code));
});

describe('messages name what the user typed', () => {
  it.each([
    [new VaeConfigError('options.batchSize', 'expected an integer >= 1; got 0'), '--batch: expected an integer >= 1; got 0'],
    [new VaeConfigError('config.latentDim', 'expected an integer >= 1; got 0'), '--latent: expected an integer >= 1; got 0'],
    [new VaeConfigError('config.hiddenUnits[1]', 'expected an integer >= 1; got 0'), '--hidden: expected an integer >= 1; got 0'],
    [new OptionsError('option tEnd: expected a finite number > 0 (minutes), found -1'), '--t-end: expected a finite number > 0 (minutes), found -1'],
    [new OptionsError('option maxSteps: expected an integer >= 1, found 0'), '--max-steps: expected an integer >= 1, found 0'],
    [errno('EROFS', "EROFS: read-only file system, open '/r/.x.arrow.tmp-12-1'", '/r/.x.arrow.tmp-12-1'), "EROFS: read-only file system, open '/r/x.arrow'"],
    [new InputError("cannot read '/r/.report.tmp-Ab12Cd/figures/a.svg'"), "cannot read '/r/report/figures/a.svg'"],
  ])('%s', async (error, message) => expect(await userMessage(error)).toBe(message));

  it('prints `pipeline: ` lines, and for a bug how to get the stack trace (no stack by default)', async () => {
    const lines: string[] = [];
    expect(await reportError(new InputError('a\nb'), (l) => lines.push(l))).toBe(2);
    expect(lines).toEqual(['pipeline: a', 'pipeline: b']);
    lines.length = 0;
    const previous = process.env.PENVAE_DEBUG;
    delete process.env.PENVAE_DEBUG;
    expect(await reportError(new TypeError('oops'), (l) => lines.push(l))).toBe(1);
    process.env.PENVAE_DEBUG = previous;
    if (previous === undefined) delete process.env.PENVAE_DEBUG;
    expect(lines).toEqual(['pipeline: internal error: oops', '(this is a bug; run with PENVAE_DEBUG=1 for the stack trace and report it)']);
  });
});
