import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './cli-helpers.js';
import { cliText, hasStackTrace, tempDir } from './in-process.js';

/**
 * The chain at tiny sizes, as a user runs it: sweeps + baseline -> two VAEs -> compare, every
 * command in process through `main` with the temporary folder as the working directory (one
 * training run is killed as a spawned process: SIGKILL is the point there).
 * Numbers here are not quality claims (a few epochs on ~100 series); they check the plumbing.
 */
const dir = tempDir('penvae-chain-');
const cwd = { cwd: dir };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ok = async (args: string[]) => {
  const r = await cliText(args, cwd);
  if (r.code !== 0) throw new Error(`pipeline ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r;
};

beforeAll(async () => {
  await ok([
    'simulate',
    '--network',
    'oscillator',
    '--samples',
    '40',
    '--vary',
    'templates[a->a].concentration=25:60:log',
    '--t-end',
    '2000',
    '--step',
    '10',
    '--seed',
    '1',
    '--no-progress',
    '--out',
    'd/osc.arrow',
  ]);
  await ok([
    'simulate',
    '--network',
    'switch',
    '--samples',
    '40',
    '--vary',
    'strands[a].initial=0.1:20:log',
    '--vary',
    'strands[b].initial=0.1:20:log',
    '--seed',
    '2',
    '--no-progress',
    '--out',
    'd/switch.arrow',
  ]);
  await ok(['baseline', '--samples', '80', '--seed', '3', '--out', 'd/baseline.arrow']);
  await ok(['baseline', '--samples', '20', '--length', '64', '--seed', '3', '--out', 'd/short.arrow']);
}, 300_000);

describe('pipeline train', () => {
  it('trains, saves the model in the TensorFlow.js layers format and records the run', async () => {
    const r = await ok(['train', '--data', 'd/osc.arrow', '--data', 'd/switch.arrow', '--out', 'runs/sim', '--epochs', '6', '--seed', '1', '--verbose']);
    expect(r.stderr).toMatch(/backend: (tensorflow|wasm|cpu)/);
    expect(r.stderr).toMatch(/epoch 6\/6 {2}loss [\d.e+-]+ {2}recon [\d.e+-]+ {2}kl [\d.e+-]+ \(beta [\d.]+\) {2}val [\d.e+-]+ {2}active \d+\/10/);
    for (const part of ['encoder', 'decoder']) {
      const model = JSON.parse(readFileSync(join(dir, 'runs/sim/model', part, 'model.json'), 'utf8'));
      expect(model.format).toBe('layers-model');
      expect(model.weightsManifest[0].paths).toEqual(['weights.bin']);
      expect(statSync(join(dir, 'runs/sim/model', part, 'weights.bin')).size).toBeGreaterThan(10_000);
    }
    const run = JSON.parse(readFileSync(join(dir, 'runs/sim/run.json'), 'utf8'));
    expect(run).toMatchObject({ formatVersion: 2, status: 'complete', seriesLength: 128 });
    expect(run.datasets.map((d: { path: string }) => d.path)).toEqual(['d/osc.arrow', 'd/switch.arrow']);
    expect(run.datasets[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.split.train.length + run.split.validation.length + run.split.test.length).toBe(80);
    expect(run.history).toHaveLength(6);
    expect(Object.keys(run.history[0]).sort()).toEqual([
      'activeUnits',
      'beta',
      'epoch',
      'kl',
      'klPerDim',
      'loss',
      'recon',
      'seconds',
      'sigma',
      'valKl',
      'valLoss',
      'valRecon',
    ]);
    expect(Object.keys(run.test).sort()).toEqual(['behaviour', 'decodability', 'latent', 'prior', 'relativeMse']);
    expect(Object.keys(run.test.relativeMse).sort()).toEqual(['byBehaviour', 'byFamily', 'pca', 'rows', 'vae']);
    expect(Object.keys(run.test.relativeMse.byFamily).sort()).toEqual(['oscillator', 'switch']);
    expect(Object.keys(run.test.behaviour.vae.byFamily).sort()).toEqual(['oscillator', 'switch']);
    expect(run.test.prior.distance).toBeGreaterThanOrEqual(0);
    expect(run.test.latent.activeUnits + run.test.latent.unneeded.length).toBe(10);
    // Two families: a learned sigma for each.
    expect(run.config.sigmaGroups).toEqual(['oscillator', 'switch']);
    expect(Object.keys(run.modelFiles).sort()).toEqual(['decoder/model.json', 'decoder/weights.bin', 'encoder/model.json', 'encoder/weights.bin', 'vae.json']);
    expect(r.stderr).toMatch(/oscillator \(\d+\): VAE [\d.e+-]+, PCA [\d.e+-]+/);
    expect(run.backend.backend).toBe(JSON.parse(readFileSync(join(dir, 'runs/sim/model/vae.json'), 'utf8')).backend);
    expect(existsSync(join(dir, 'runs/sim/checkpoint'))).toBe(false);
    await ok(['train', '--data', 'd/baseline.arrow', '--out', 'runs/baseline', '--epochs', '6', '--seed', '1', '--architecture', 'dense']);
  }, 300_000);

  it('same seed, same backend: the same weights, byte for byte', async () => {
    await ok(['train', '--data', 'd/baseline.arrow', '--out', 'runs/again', '--epochs', '6', '--seed', '1', '--architecture', 'dense']);
    for (const part of ['encoder', 'decoder']) {
      const a = readFileSync(join(dir, 'runs/baseline/model', part, 'weights.bin'));
      const b = readFileSync(join(dir, 'runs/again/model', part, 'weights.bin'));
      expect(a.equals(b)).toBe(true);
    }
  }, 300_000);

  it('--resume continues an interrupted run to the same result as an uninterrupted one', async () => {
    const args = ['train', '--data', 'd/baseline.arrow', '--epochs', '30', '--seed', '5', '--architecture', 'dense', '--verbose'];
    await ok([...args, '--out', 'runs/whole']);
    const child = startCli([...args, '--out', 'runs/cut'], dir);
    await new Promise<void>((resolve) => {
      let killed = false;
      child.stderr.on('data', (chunk: Buffer) => {
        if (!killed && /epoch 4\/30/.test(chunk.toString())) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
    });
    expect(existsSync(join(dir, 'runs/cut/checkpoint'))).toBe(true);
    expect(existsSync(join(dir, 'runs/cut/model'))).toBe(false);
    const r = await ok([...args, '--out', 'runs/cut', '--resume']);
    const resumedAt = Number(/resuming after epoch (\d+)/.exec(r.stderr)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(1);
    expect(resumedAt).toBeLessThan(30);
    const whole = JSON.parse(readFileSync(join(dir, 'runs/whole/run.json'), 'utf8'));
    const cut = JSON.parse(readFileSync(join(dir, 'runs/cut/run.json'), 'utf8'));
    expect(cut.history.map((h: { loss: number }) => h.loss)).toEqual(whole.history.map((h: { loss: number }) => h.loss));
    expect(readFileSync(join(dir, 'runs/cut/model/decoder/weights.bin')).equals(readFileSync(join(dir, 'runs/whole/model/decoder/weights.bin')))).toBe(true);
  }, 300_000);

  it.each([
    [
      'a dataset without a normalised series column',
      () => {
        // A penvae dataset (metadata kept) whose series column was dropped.
        const t = tableFromIPC(readFileSync(join(dir, 'd/osc.arrow')));
        const kept = t.select(t.schema.fields.map((f) => f.name).filter((n) => n !== 'series'));
        writeFileSync(join(dir, 'd/noseries.arrow'), tableToIPC(kept, 'file'));
        return ['--data', 'd/noseries.arrow'];
      },
      /d\/noseries\.arrow: dataset has no column series/,
    ],
    [
      'datasets of mixed series lengths',
      () => ['--data', 'd/baseline.arrow', '--data', 'd/short.arrow'],
      /the datasets have different series lengths \(d\/baseline\.arrow: 128, d\/short\.arrow: 64\)/,
    ],
    ['an empty training split', () => ['--data', 'd/short.arrow', '--split', '0,0.5,0.5'], /the training split of 20 rows is empty/],
    ['a bad split', () => ['--data', 'd/short.arrow', '--split', '0.5,0.1'], /--split 0\.5,0\.1: expected 3 comma-separated numbers/],
  ])('rejects %s: exit 2, a clear message, no run directory', async (_label, args, message) => {
    const out = `runs/bad-${Math.random().toString(36).slice(2)}`;
    const r = await cliText(['train', ...args(), '--out', out, '--epochs', '1'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(join(dir, out))).toBe(false);
  });

  it('rejects a model directory written by another format version', async () => {
    await ok(['train', '--data', 'd/short.arrow', '--out', 'runs/old', '--epochs', '2', '--architecture', 'dense']);
    const vaeJson = join(dir, 'runs/old/model/vae.json');
    writeFileSync(
      vaeJson,
      readFileSync(vaeJson, 'utf8').replace('"formatVersion":2', '"formatVersion":99').replace('"formatVersion": 2', '"formatVersion": 99'),
    );
    const r = await cliText(['compare', '--run', 'runs/old', '--out', 'reports/old'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/vae\.json.*(version|formatVersion).*99/);
    expect(existsSync(join(dir, 'reports/old'))).toBe(false);
  }, 120_000);
});

describe('pipeline compare', () => {
  it('writes the report: every file, every metric key, valid figures', async () => {
    const r = await ok(['compare', '--run', 'runs/sim', '--run', 'runs/baseline', '--out', 'reports/cmp', '--seed', '1']);
    expect(r.stdout).toMatch(/sim reconstructs its own held-out series/);
    expect(r.stdout).toMatch(/Cross-domain: baseline on sim test/);
    const report = join(dir, 'reports/cmp');
    expect(readdirSync(report).sort()).toEqual(['figures', 'index.html', 'metrics.json', 'report.md']);
    const m = JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'));
    expect(Object.keys(m).sort()).toEqual(['evaluations', 'formatVersion', 'interpolations', 'packageVersion', 'runs', 'seed', 'summary', 'warnings']);
    expect(m.evaluations.map((e: { run: string; domain: string }) => `${e.run}/${e.domain}`).sort()).toEqual([
      'baseline/cross',
      'baseline/own',
      'sim/cross',
      'sim/own',
    ]);
    for (const e of m.evaluations) {
      expect(Object.keys(e).sort()).toEqual([
        'activeUnits',
        'behaviour',
        'data',
        'decodability',
        'domain',
        'generation',
        'klPerDim',
        'latent',
        'negativeElbo',
        'prior',
        'relativeMse',
        'rows',
        'run',
        'unneededUnits',
      ]);
      expect(Object.keys(e.behaviour.vae.overall).sort()).toEqual(['level', 'oscillating', 'preserved', 'rows', 'sameLabel']);
      expect(Object.keys(e.relativeMse).sort()).toEqual(['byBehaviour', 'byFamily', 'pca', 'rows', 'vae']);
      expect(Object.keys(e.negativeElbo).sort()).toEqual(['kl', 'recon', 'total']);
      expect(Object.keys(e.latent).sort()).toEqual(['k', 'knnAccuracy', 'silhouette']);
      expect(Object.keys(e.generation).sort()).toEqual(['bandwidth', 'coverage', 'density', 'mmd2', 'precision', 'recall', 'reference', 'samples']);
      expect(Number.isFinite(e.relativeMse.vae)).toBe(true);
      expect(Number.isFinite(e.relativeMse.pca)).toBe(true);
      expect(e.klPerDim).toHaveLength(10);
    }
    const paths = m.interpolations.map((i: { run: string; from: string; to: string }) => `${i.run}: ${i.from} -> ${i.to}`).sort();
    expect(paths[0]).toMatch(/^baseline: \S+ \((oscillating|damped-oscillation)\) -> \S+ \(\S+\)$/);
    expect(paths[1]).toMatch(/^sim: oscillator \((oscillating|damped-oscillation)\) -> switch \(\S+\)$/);
    expect(r.stdout).toMatch(/Of \d+ oscillating inputs, sim's reconstructions keep the peak count and period of \d+ %/);
    for (const i of m.interpolations) expect(Object.keys(i).sort()).toEqual(['from', 'maxStepRatio', 'pathLengthRatio', 'roughness', 'run', 'steps', 'to']);
    const figures = readdirSync(join(report, 'figures')).sort();
    expect(figures).toEqual(
      ['fig3-traces', 'fig4-reconstruction', 'fig5-latent-baseline', 'fig5-latent-sim', 'fig6-interpolation', 'metric-bars', 'training-curves'].flatMap((f) => [
        `${f}.png`,
        `${f}.svg`,
      ]),
    );
    for (const f of figures) {
      const bytes = readFileSync(join(report, 'figures', f));
      if (f.endsWith('.png')) {
        expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
        expect(bytes.length).toBeGreaterThan(20_000);
      } else {
        const text = bytes.toString('utf8');
        expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        expect(text.trimEnd().endsWith('</svg>')).toBe(true);
        expect(text.length).toBeGreaterThan(5_000);
      }
    }
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    expect((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length).toBe(7);
    expect(html).not.toMatch(/src="(?!data:)/); // self-contained: nothing fetched
    const md = readFileSync(join(report, 'report.md'), 'utf8');
    expect(md).toContain('## Summary');
    expect(md).toContain('![Figure 6 — latent interpolation](figures/fig6-interpolation.png)');
  }, 300_000);

  it.skipIf(!existsSync('/usr/bin/chromium') && !process.env.PENVAE_CHROMIUM)(
    'renders in headless Chromium: every image loads, no console errors, screenshot saved',
    async () => {
      const r = await ok(['check-report', 'reports/cmp']);
      expect(r.stdout).toMatch(/7\/7 images loaded, 0 errors/);
      expect(statSync(join(dir, 'reports/cmp/screenshot.png')).size).toBeGreaterThan(50_000);
    },
    120_000,
  );

  it.each([
    ['a --run pointing at nothing', ['--run', 'runs/nothing'], /--run runs\/nothing: no such directory/],
    ['a run directory without a model', ['--run', 'runs/empty'], /--run runs\/empty: not a run directory \(no run\.json\)/],
    [
      'a dataset of another series length',
      ['--run', 'runs/sim', '--data', 'd/short.arrow'],
      /--data d\/short\.arrow: series of length 64, but the models expect 128/,
    ],
  ])(
    'rejects %s: exit 2, no report left behind',
    async (_label, args, message) => {
      mkdirSync(join(dir, 'runs/empty'), { recursive: true });
      const r = await cliText(['compare', ...args, '--out', 'reports/bad'], cwd);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(existsSync(join(dir, 'reports/bad'))).toBe(false);
      expect(readdirSync(join(dir, 'reports')).filter((f) => f.includes('bad'))).toEqual([]);
    },
    120_000,
  );
});
