import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * SHA-256 of every file under a saved model folder (relative path -> hex), in sorted order.
 * run.json records it, so a reader can tell that `model/` still holds the model the run
 * trained and evaluated, not another run's encoder or a model of another latent size.
 */
export function hashModelFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) out[relative(dir, p).split('\\').join('/')] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/**
 * Files whose content differs from `expected` (changed, missing or extra), as messages; empty
 * when the folder holds exactly the recorded files.
 */
export function modelFileDifferences(dir: string, expected: Record<string, string>): string[] {
  const actual = hashModelFiles(dir);
  const problems: string[] = [];
  for (const [file, hash] of Object.entries(expected)) {
    if (!(file in actual)) problems.push(`${file} is missing`);
    else if (actual[file] !== hash) problems.push(`${file} has changed`);
  }
  for (const file of Object.keys(actual)) if (!(file in expected)) problems.push(`${file} was not part of the trained model`);
  return problems;
}
