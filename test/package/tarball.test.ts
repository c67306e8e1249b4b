/**
 * What `npm publish` would ship (`npm pack --dry-run` of the built package, `npm test` builds first):
 * only the compiled package, and compiled code that needs nothing but n8n-workflow and Node's crypto.
 * n8n's scanner lints the tarball's JavaScript too (npm run verify); this checks what the scanner
 * does not: where every require() goes, and that no test, sandbox, bench or tool code is packed.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, posix } from 'path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

interface PackResult {
	filename: string;
	size: number;
	files: Array<{ path: string; size: number }>;
}

const ALLOWED_MODULES = new Set(['n8n-workflow', 'crypto', 'node:crypto']);
const TOP_LEVEL_FILES = new Set(['package.json', 'README.md', 'LICENSE.md']);

/** Every module a compiled file loads: require('x') and import('x'); a computed target is reported as such. */
function moduleTargets(js: string): string[] {
	const targets: string[] = [];
	const call = /\b(require|import)\s*\(\s*([^)]*?)\s*\)/g;
	for (const m of js.matchAll(call)) {
		const literal = /^(['"`])([^'"`]+)\1$/.exec(m[2]);
		targets.push(literal ? literal[2] : `<computed ${m[1]}(${m[2]})>`);
	}
	return targets;
}

/** Whether a compiled file may load `target`: n8n-workflow, crypto, or a file of the package itself. */
function targetProblem(fromFile: string, target: string, packed: Set<string>): string | undefined {
	if (ALLOWED_MODULES.has(target)) return undefined;
	if (!target.startsWith('./') && !target.startsWith('../')) return `${fromFile} loads '${target}'`;
	const base = posix.normalize(posix.join(posix.dirname(fromFile), target));
	const found = [base, `${base}.js`, `${base}.json`, `${base}/index.js`].some((candidate) => packed.has(candidate));
	return found ? undefined : `${fromFile} loads '${target}', which is not in the package`;
}

describe('the published package (npm pack)', () => {
	let pack: PackResult;
	let packed: Set<string>;

	beforeAll(() => {
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		pack = JSON.parse(out)[0];
		packed = new Set(pack.files.map((f) => f.path));
	});

	it('holds only dist/ and the top-level package files', () => {
		const outside = [...packed].filter((p) => !p.startsWith('dist/') && !TOP_LEVEL_FILES.has(p));
		expect(outside).toEqual([]);
		for (const f of TOP_LEVEL_FILES) expect(packed).toContain(f);
	});

	it('holds no test, sandbox, benchmark or tool code', () => {
		const devCode = [...packed].filter((p) =>
			/^dist\/(test|bench|tools|scripts|examples)\//.test(p) || /\.(test|spec|bench)\.(js|ts)$/.test(p) || /(^|\/)sandbox(\/|$)/.test(p),
		);
		expect(devCode).toEqual([]);
		expect([...packed].filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
	});

	it('holds every node and credential that package.json registers, with its codex and icons', () => {
		const entries: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
		expect(entries.length).toBeGreaterThan(0);
		for (const entry of entries) expect(packed).toContain(entry);
		for (const node of pkg.n8n.nodes as string[]) expect(packed).toContain(node.replace(/\.js$/, '.json'));
		expect([...packed].filter((p) => p.endsWith('.svg')).length).toBeGreaterThan(0);
	});

	it('loads nothing at run time but n8n-workflow, crypto and its own files', () => {
		const jsFiles = [...packed].filter((p) => p.endsWith('.js'));
		expect(jsFiles.length).toBeGreaterThan(10);
		const problems: string[] = [];
		const modules = new Set<string>();
		for (const file of jsFiles) {
			for (const target of moduleTargets(readFileSync(join(ROOT, file), 'utf8'))) {
				if (!target.startsWith('.')) modules.add(target);
				const problem = targetProblem(file, target, packed);
				if (problem) problems.push(problem);
			}
		}
		expect(problems).toEqual([]);
		expect([...modules].sort()).toEqual(expect.arrayContaining(['n8n-workflow']));
	});

	it('declares no runtime dependencies and n8n-workflow only as a peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(Object.keys(pkg.peerDependencies ?? {})).toEqual(['n8n-workflow']);
		expect(pkg.files).toEqual(['dist']);
	});
});

describe('the require() scan itself', () => {
	const packed = new Set(['dist/a/x.js', 'dist/a/y.js', 'dist/b/index.js', 'dist/a/data.json']);

	it('finds literal, template and computed targets', () => {
		const js = 'const a = require("n8n-workflow"); const b = require(\'./y\'); import(`crypto`); require(name); require( "fs" )';
		expect(moduleTargets(js)).toEqual(['n8n-workflow', './y', 'crypto', '<computed require(name)>', 'fs']);
	});

	it('accepts n8n-workflow, crypto and files of the package; refuses the rest', () => {
		expect(targetProblem('dist/a/x.js', 'n8n-workflow', packed)).toBeUndefined();
		expect(targetProblem('dist/a/x.js', 'crypto', packed)).toBeUndefined();
		expect(targetProblem('dist/a/x.js', './y', packed)).toBeUndefined();
		expect(targetProblem('dist/a/x.js', '../b', packed)).toBeUndefined();
		expect(targetProblem('dist/a/x.js', './data.json', packed)).toBeUndefined();
		expect(targetProblem('dist/a/x.js', 'fs', packed)).toMatch(/loads 'fs'/);
		expect(targetProblem('dist/a/x.js', 'node:http', packed)).toMatch(/loads 'node:http'/);
		expect(targetProblem('dist/a/x.js', '../../package.json', packed)).toMatch(/not in the package/);
		expect(targetProblem('dist/a/x.js', '<computed require(name)>', packed)).toMatch(/computed/);
	});
});
