// Lint rules that protect the design: no lost promises, no `any`, and imports that go one way
// (api ← store ← compile ← push; the proxy sees only the compiled config types). See docs/architecture.md.
import tseslint from 'typescript-eslint';

const layer = (banned) => ({
  'no-restricted-imports': ['error', { patterns: banned.map((l) => ({ group: [`**/${l}/*`, `**/${l}`], message: `this layer may not import from ${l}/ (imports go one way: api ← store ← compile ← push; proxy sees only compile/config)` })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  { files: ['src/api/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: layer(['store', 'compile', 'push', 'proxy', 'platform', 'control', 'cli']) },
  { files: ['src/store/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: layer(['compile', 'push', 'proxy', 'platform', 'control', 'cli']) },
  { files: ['src/compile/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: layer(['push', 'proxy', 'platform', 'control', 'cli']) },
  { files: ['src/push/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: layer(['proxy', 'platform', 'control', 'cli']) },
  {
    // One clock (src/proxy/clock.ts): time, timers and chance in the proxy come from it, so tests can fake them.
    files: ['src/proxy/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/proxy/clock.ts'],
    rules: {
      'no-restricted-globals': ['error', ...['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'setImmediate'].map((name) => ({ name, message: 'use the Clock from src/proxy/clock.ts' }))],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'use clock.now() from src/proxy/clock.ts' }, { object: 'Math', property: 'random', message: 'use clock.random() from src/proxy/clock.ts' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use clock.now() from src/proxy/clock.ts' }],
    },
  },
  {
    files: ['src/proxy/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        ...['api', 'store', 'push', 'platform', 'control', 'cli'].map((l) => ({ group: [`**/${l}/*`], message: `the proxy may not import from ${l}/: it knows only the compiled configuration` })),
        { group: ['**/compile/*', '!**/compile/config.js'], message: 'the proxy may import only compile/config.js from the compiler' },
      ] }],
    },
  },
);
