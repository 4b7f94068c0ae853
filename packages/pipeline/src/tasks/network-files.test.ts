import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeChainNetwork, MAX_STATE_VARIABLES, NetworkTooLargeError } from '@penvae/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { loadNetwork } from '../io/network-source.js';
import { captureOutput } from '../io/output.js';
import { runValidate } from './networks.js';
import { runSimulate } from './simulate.js';

/** Network files as users write them: a byte-order mark, a species named `t`, large networks. */

const dir = mkdtempSync(join(tmpdir(), 'penvae-network-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeNetwork(name: string, doc: unknown, prefix = ''): string {
  const file = join(dir, name);
  writeFileSync(file, `${prefix}${JSON.stringify(doc)}`);
  return file;
}

describe('network files', () => {
  it('accepts a UTF-8 byte-order mark and keeps the provenance text without it', async () => {
    const file = writeNetwork('bom.json', makeChainNetwork({ strands: 3 }), '\uFEFF');
    const loaded = loadNetwork(file);
    expect(loaded.network.name).toBe('chain-3');
    // Dataset metadata stores this text; other readers parse it with JSON.parse.
    expect(JSON.parse(loaded.text)).toMatchObject({ name: 'chain-3' });
    expect((await runValidate({ file }, captureOutput())).states).toBe(13);
  });

  it('names the CSV time column "t (min)" when a species is named t', async () => {
    const file = writeNetwork('t.json', {
      schemaVersion: 1,
      kind: 'reactions',
      name: 'decay of t',
      species: [{ name: 't', initial: 5 }, { name: 'P' }],
      reactions: [{ id: 'convert', reactants: ['t'], products: ['P'], k: 0.1 }],
    });
    const out = join(dir, 't.csv');
    await runSimulate({ network: file, out, tEnd: 2 }, captureOutput());
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('t (min),t,P');
    expect(lines[1]).toBe('0,5,0');
    expect(lines).toHaveLength(4); // header, t = 0, 1, 2
  });

  it('keeps "t" as the time column otherwise (the reference traces\' header)', async () => {
    const out = join(dir, 'amp.csv');
    await runSimulate({ network: 'amplifier', out, tEnd: 1 }, captureOutput());
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('t,a');
  });

  it('validates a chain of 2000 strands (11 995 states)', async () => {
    const file = writeNetwork('chain-2000.json', makeChainNetwork({ strands: 2000 }));
    const output = captureOutput();
    expect((await runValidate({ file }, output)).states).toBe(11995);
    expect(output.lines[0]).toContain('valid pen network "chain-2000" (2000 strands, 1999 templates; 11995 state variables');
  });

  it('simulates a chain of 100 strands and summarises every strand', async () => {
    const output = captureOutput();
    const { result, summary } = await runSimulate({ network: writeNetwork('chain-100.json', makeChainNetwork({ strands: 100 })), tEnd: 100 }, output);
    expect(result.outcome).toBe('converged');
    expect(summary).toHaveLength(100);
    expect(output.lines.filter((l) => /^s\d+ /.test(l))).toHaveLength(100);
  });

  it('runs the solver named on the command line, RODAS4 included', async () => {
    const { result } = await runSimulate({ network: 'amplifier', solver: 'rodas4', tEnd: 10 }, captureOutput());
    expect(result.solver.name).toBe('rodas4');
  });

  it.each([
    [
      'validate',
      () => ['validate', writeNetwork('huge.json', makeChainNetwork({ strands: Math.ceil(MAX_STATE_VARIABLES / 6) + 1 }))],
      'state variables; at most',
    ],
    ['simulate', () => ['simulate', '--network', writeNetwork('chain-10.json', makeChainNetwork({ strands: 10 })), '--t-end', '999999'], 'numbers; at most'],
  ])('%s beyond the stated limits: exit 2 with the limit, no stack trace', async (_label, args, message) => {
    const output = captureOutput();
    expect(await main(args(), output)).toBe(2);
    expect(output.errors.join('\n')).toContain(message);
    expect(output.errors.join('\n')).not.toMatch(/\n\s+at /);
  });

  it("the too-large error is the simulator's NetworkTooLargeError", async () => {
    await expect(
      runValidate({ file: writeNetwork('huge2.json', makeChainNetwork({ strands: Math.ceil(MAX_STATE_VARIABLES / 6) + 1 })) }, captureOutput()),
    ).rejects.toThrow(NetworkTooLargeError);
  });
});
