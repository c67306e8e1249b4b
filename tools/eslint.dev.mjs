// ESLint configuration for code that never ships: tests, the sandbox, benchmarks and tools.
//
// `n8n-node lint` runs `eslint .` with the repository's eslint.config.mjs, which strict mode
// (package.json "n8n.strict") requires to be n8n's default. That config applies n8n's
// community-node rules (no timers, no `process`, no Node built-ins, ...) to every .ts file;
// they are right for nodes/ and credentials/, which run inside n8n, and wrong for a test
// sandbox that has to open sockets and spawn processes. test/, bench/ and tools/ each have an
// eslint.config.mjs that re-exports this file; `npm run lint` sets ESLINT_FLAGS so ESLint 9
// uses the nearest eslint.config.mjs (ESLint 10's default), and the root config, untouched,
// still governs nodes/, credentials/ and package.json.
//
// The plugins are loaded from @n8n/node-cli's own dependencies: the same versions n8n's lint uses.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.resolve('@n8n/node-cli/eslint'));
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

export default tseslint.config({
	files: ['**/*.ts'],
	// Disable comments written for n8n's rules would otherwise be reported as unused here.
	linterOptions: { reportUnusedDisableDirectives: 'off' },
	extends: [js.configs.recommended, tseslint.configs.recommended],
	rules: {
		// tsconfig.test.json keeps noUnusedLocals off for tests; report, do not fail.
		'@typescript-eslint/no-unused-vars': [
			'warn',
			{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
		],
		'@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
		// Style only: late-initialised handles referenced from closures are written with let.
		'prefer-const': 'off',
	},
});
