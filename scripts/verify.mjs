#!/usr/bin/env node
/**
 * `npm run verify`: n8n's verification scan (@n8n/scan-community-package), run locally.
 *
 * n8n's pipeline (`npx @n8n/scan-community-package <name>`) only scans a published version: it
 * checks the npm provenance, downloads the attested GitHub source and the npm tarball, and lints
 * both with the scanner's own ESLint configuration. This script runs the same analysis on what
 * would be published from this checkout:
 *
 *   1. source leg: the repository, with the scanner's SOURCE_FILE_PATTERNS
 *      (package.json, {nodes,credentials}/**), as the pipeline lints the attested checkout;
 *   2. tarball leg: `npm pack` of the built package, unpacked into a temporary folder, with the
 *      patterns the pipeline uses for the tarball (**\/*.js and package.json).
 *
 * For each leg it prints the scanner's verdict (its exported analyzePackage()) and the error and
 * warning counts (the same ESLint run with the scanner's buildScanConfig(); the scanner's verdict
 * only looks at errors). Exits 1 on any error, any warning or a failed verdict. Expects a built
 * dist/ (`npm run verify` builds first). Offline: nothing is fetched.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCANNER = import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
// Load ESLint, fast-glob and tmp exactly as the scanner resolves them.
const scannerRequire = createRequire(SCANNER);
const { ESLint } = scannerRequire('eslint');
const glob = scannerRequire('fast-glob');
// The scanner makes a temporary folder when it is imported; let tmp remove it on exit.
scannerRequire('tmp').setGracefulCleanup();
const scanner = await import(SCANNER);

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The same lint as the scanner's analyzePackage(), returning ESLint's results with warnings. */
async function lintLikeScanner(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	return { eslint, files, results };
}

async function scanLeg(name, dir, patterns) {
	const verdict = await scanner.analyzePackage(dir, patterns);
	const { eslint, files, results } = await lintLikeScanner(dir, patterns);
	const errors = results.reduce((n, r) => n + r.errorCount + r.fatalErrorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	const verdictText = verdict.passed ? 'passed' : `FAILED (${verdict.message})`;
	console.log(`[verify] ${name}: ${files.length} files, ${errors} errors, ${warnings} warnings; scanner verdict: ${verdictText}`);
	if (errors || warnings) {
		const formatter = await eslint.loadFormatter('stylish');
		console.log(await formatter.format(results));
	}
	return verdict.passed && errors === 0 && warnings === 0 && files.length > 0;
}

/** The pipeline lints the folder whose package.json carries the package's name: it must be the root. */
function checkPackageRoot(packageName) {
	const tracked = run('git', ['ls-files'], REPO)
		.split('\n')
		.filter((file) => path.basename(file) === 'package.json');
	const named = tracked.filter((file) => {
		try {
			return JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8')).name === packageName;
		} catch {
			return false;
		}
	});
	const ok = named.length === 1 && named[0] === 'package.json';
	console.log(`[verify] package root: ${ok ? 'the repository root' : `ambiguous (${named.join(', ') || 'none'})`}`);
	return ok;
}

async function main() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
		if (!fs.existsSync(path.join(REPO, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first (npm run verify does).`);
	}
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-bybit-verify-'));
	try {
		const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], REPO))[0];
		const unpacked = path.join(tmp, 'package');
		fs.mkdirSync(unpacked);
		run('tar', ['-xzf', path.join(tmp, packed.filename), '-C', unpacked, '--strip-components=1'], tmp);
		console.log(`[verify] packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} KB`);

		const results = [
			checkPackageRoot(pkg.name),
			await scanLeg('source (package.json, nodes/, credentials/)', REPO, scanner.SOURCE_FILE_PATTERNS),
			await scanLeg('npm tarball (**/*.js, package.json)', unpacked, ['**/*.js', 'package.json']),
		];
		if (results.every(Boolean)) {
			console.log('[verify] n8n scan: 0 errors, 0 warnings on the source and the tarball');
		} else {
			console.error('[verify] n8n scan FAILED');
			process.exitCode = 1;
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

await main();
