import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';

/**
 * SHA-256 of every file of a saved model folder (`model/`: encoder/, decoder/, vae.json), by
 * path relative to it with `/` separators, sorted. `pipeline train` records it in run.json;
 * `pipeline compare` checks it, so a model folder swapped for another is noticed.
 */
export function hashModelFiles(dir: string): Record<string, string> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dir);
  const hashes: Record<string, string> = {};
  for (const path of files.map((f) => relative(dir, f).split(sep).join('/')).sort()) {
    hashes[path] = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
  }
  return hashes;
}

/**
 * Checks a model folder against the hashes recorded with its run.
 * @throws InputError naming the run and the files that differ, are missing or were added
 */
export function checkModelFiles(runDir: string, modelDir: string, recorded: Record<string, string>): void {
  const actual = hashModelFiles(modelDir);
  const changed = Object.keys(recorded).filter((f) => actual[f] !== undefined && actual[f] !== recorded[f]);
  const missing = Object.keys(recorded).filter((f) => actual[f] === undefined);
  const added = Object.keys(actual).filter((f) => recorded[f] === undefined);
  if (changed.length + missing.length + added.length === 0) return;
  const parts = [
    changed.length ? `changed: ${changed.join(', ')}` : '',
    missing.length ? `missing: ${missing.join(', ')}` : '',
    added.length ? `not from training: ${added.join(', ')}` : '',
  ].filter(Boolean);
  throw new InputError(`--run ${runDir}: model/ is not the model this run trained (${parts.join('; ')}; SHA-256 recorded in run.json); retrain, or restore the run's own model/`);
}
