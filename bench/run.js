// @ts-check
// `npm run bench`: every benchmark, one after the other (they would disturb each other's
// timings if run together), each in its own process. Each script prints a table and, as its
// last line, a JSON summary; this collects the summaries into bench/out/latest.json.
//
//   node bench/run.js [--quick] [simulator|scaling|sweep|scale-out|vae-train|vae-conv|interrupt|explore ...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const quick = process.argv.includes('--quick');
const ALL = ['simulator', 'scaling', 'sweep', 'scale-out', 'vae-train', 'vae-conv', 'interrupt', 'explore'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const benches = chosen.length ? chosen : ALL;
for (const b of benches) if (!ALL.includes(b)) throw new Error(`unknown benchmark "${b}" (known: ${ALL.join(', ')})`);

/** @type {Record<string, unknown>} */
const results = {};
let failed = 0;
for (const name of benches) {
  console.log(`\n=== bench/${name}.js${quick ? ' --quick' : ''}`);
  const args = [`${HERE}${name}.js`, ...(quick && name !== 'vae-train' ? ['--quick'] : []), ...(quick && name === 'vae-train' ? ['--seconds', '2'] : [])];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  const last = (r.stdout ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .pop();
  if (r.status !== 0) failed++;
  try {
    results[name] = last ? JSON.parse(last) : { error: `no JSON summary (exit ${r.status})` };
  } catch {
    results[name] = { error: 'the last line was not JSON' };
  }
}
mkdirSync(`${HERE}out`, { recursive: true });
writeFileSync(`${HERE}out/latest.json`, `${JSON.stringify({ node: process.version, quick, results }, null, 1)}\n`);
console.log(`\nsummaries written to bench/out/latest.json${failed ? ` (${failed} benchmark(s) failed)` : ''}`);
process.exitCode = failed ? 1 : 0;
