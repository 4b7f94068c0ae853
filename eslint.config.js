// ESLint (flat config): the recommended JavaScript and typescript-eslint rules (syntax-only, so
// `npm run lint` stays a few seconds; the type-aware checks are tsc's), and the import
// boundaries of the house style: pipeline -> simulator, pipeline -> vae; simulator and vae never
// import each other; the simulator is pure computation (no node:* module, no process); nothing
// reaches into another package by a relative path.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const PACKAGES = ['simulator', 'vae', 'pipeline'];

/** Packages each package must not import (its tests included). */
const FORBIDDEN_PACKAGES = {
  simulator: ['@penvae/vae', '@penvae/pipeline'],
  vae: ['@penvae/simulator', '@penvae/pipeline'],
  pipeline: [],
};

const NODE_BUILTINS = [...new Set(builtinModules.filter((name) => !name.startsWith('_')))];

/** `no-restricted-imports` options for files `depth` folders below packages/<name>/. */
function boundaryOptions(name, depth, { pure }) {
  const paths = FORBIDDEN_PACKAGES[name].map((pkg) => ({
    name: pkg,
    message: `${name} must not depend on ${pkg} (only pipeline joins the packages).`,
  }));
  if (pure) {
    for (const builtin of NODE_BUILTINS) {
      paths.push({ name: builtin, message: 'The simulator is pure computation: no Node.js modules.' });
    }
  }
  const patterns = [
    { regex: '^@penvae/[^/]+/', message: 'Import a package by its entry (@penvae/<name>), not a file inside it.' },
    {
      // From a file `depth` folders below the package root, `../` repeated more than `depth` times
      // climbs out of the package.
      regex: `^(\\.\\./){${depth + 1},}`,
      message: 'This relative import leaves the package: import the other package by its name (@penvae/...).',
    },
  ];
  if (pure) patterns.push({ regex: '^node:', message: 'The simulator is pure computation: no node:* modules.' });
  return { paths, patterns };
}

/** What else keeps the simulator's library code pure: no module loaded at run time, no process. */
const PURE_RULES = {
  'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: 'The simulator loads no module at run time.' }],
  'no-restricted-globals': ['error', ...['process', 'Buffer', 'require'].map((name) => ({ name, message: 'The simulator is pure computation.' }))],
};

/** import() is not seen by no-restricted-imports: vae loads neither other package at run time either. */
const VAE_RULES = {
  'no-restricted-syntax': [
    'error',
    { selector: 'ImportExpression[source.value=/^@penvae\\u002F(simulator|pipeline)/]', message: 'vae must not depend on simulator or pipeline.' },
  ],
};

/** Tests and their helpers: they may use Node.js (the simulator's tests read fixtures). */
const TEST_FILES = ['**/*.test.ts', '**/test-support/**'];

/** One config per package and folder depth (no-restricted-imports options do not merge). */
function boundaryConfigs() {
  const configs = [];
  for (const name of PACKAGES) {
    for (let depth = 1; depth <= 8; depth++) {
      const files = [`packages/${name}/${'*/'.repeat(depth)}*.{ts,js}`];
      const imports = (pure) => ['error', boundaryOptions(name, depth, { pure })];
      if (name === 'simulator') {
        configs.push({ files, rules: { 'no-restricted-imports': imports(true), ...PURE_RULES } });
        // An inner array means "all of these patterns": this depth's test files.
        configs.push({
          files: TEST_FILES.map((glob) => [files[0], glob]),
          rules: { 'no-restricted-imports': imports(false), 'no-restricted-syntax': 'off', 'no-restricted-globals': 'off' },
        });
      } else {
        configs.push({ files, rules: { 'no-restricted-imports': imports(false), ...(name === 'vae' ? VAE_RULES : {}) } });
      }
    }
  }
  return configs;
}

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'datasets/**', 'runs/**', 'reports/**', 'bench/out/**', 'coverage/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // As tsc's noUnusedLocals/noUnusedParameters: a leading _ marks a value left out on purpose
      // (`const { seconds: _s, ...rest } = log` drops a field).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  ...boundaryConfigs(),
);
