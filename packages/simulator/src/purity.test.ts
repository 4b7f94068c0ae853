import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Library sources of this package (tests excluded). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the simulator is pure computation', () => {
  it('imports no node:* module (or fs/path/process) in library code', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const offenders = sources(dir).filter((file) =>
      /from ['"](node:|fs['"]|path['"]|child_process|worker_threads)|process\.(exit|argv|env)/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
