'use strict';
/**
 * Real-n8n runtime for `npm start` and the end-to-end tests.
 *
 * `ensureRuntime()` prepares, once per machine, a cached npm project outside git:
 *
 *   ${N8N_BYBIT_CACHE:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-bybit}/n8n-<version>/   (N8N_VERSION, default 2.41.1)
 *     package.json            n8n@<version> + node-<platform>-<arch>@24.9.0 (Node 24 binary + headers),
 *                             "overrides": {"xlsx": "0.18.5"} (cdn.sheetjs.com is often unreachable)
 *     node_modules/           installed with --ignore-scripts (a Kafka native module would download zlib)
 *     node_modules/sqlite3/   rebuilt with node-gyp against the Node 24 headers
 *     .runtime-ok.json        written only after every step succeeded
 *
 * An interrupted install leaves no marker, so the next run redoes it (from a clean node_modules).
 *
 * Plain CommonJS that runs on Node 20 or newer: `npm start` may be started by any Node, n8n itself
 * always runs on the Node 24 binary of the runtime.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

/** n8n lines the package is tested on: 2.41.1 (default) and the newest 1.123.x that installs here. */
const DEFAULT_N8N_VERSION = '2.41.1';
const N8N_1X_VERSION = '1.123.81';
const TESTED_N8N_VERSIONS = [DEFAULT_N8N_VERSION, N8N_1X_VERSION];
/**
 * `N8N_VERSION=1.123.81 npm start` (or the e2e suites) prepares and runs that n8n instead; each
 * version gets its own cache folder n8n-<version>. Any exact x.y.z is accepted; only the versions
 * above are tested.
 */
const N8N_VERSION = resolveVersion(process.env.N8N_VERSION);
const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
const NODE_VERSION = '24.9.0';
const XLSX_OVERRIDE = '0.18.5';
const RUNTIME_LAYOUT = 1; // bump to force a reinstall when the recipe below changes
const REPO_ROOT = path.resolve(__dirname, '..');
const PACKAGE_NAME = 'n8n-nodes-bybit';

/** Fixed so that credentials imported by one command can be decrypted by the next. Demo/test only. */
const DEMO_ENCRYPTION_KEY = 'n8n-nodes-bybit-local-runtime-key-not-secret';

function resolveVersion(v) {
	if (v === undefined || v === '') return DEFAULT_N8N_VERSION;
	if (!/^\d+\.\d+\.\d+$/.test(v)) {
		throw new Error(`N8N_VERSION=${JSON.stringify(v)}: give an exact n8n version, e.g. ${N8N_1X_VERSION} or ${DEFAULT_N8N_VERSION}`);
	}
	return v;
}

function log(msg) {
	process.stdout.write(`[runtime] ${msg}\n`);
}

function cacheRoot() {
	if (process.env.N8N_BYBIT_CACHE) return path.resolve(process.env.N8N_BYBIT_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, PACKAGE_NAME);
}

function runtimeDir() {
	return path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
}

function markerPath() {
	return path.join(runtimeDir(), '.runtime-ok.json');
}

function nodeArchPackage() {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	const arch = platform === 'win' && process.arch === 'ia32' ? 'x86' : process.arch;
	const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
	return [prefix, platform, arch].join('-');
}

function nodeArchPackageDir() {
	return path.join(runtimeDir(), 'node_modules', nodeArchPackage());
}

/** The Node 24 binary n8n runs on (the runtime's own copy of the npm package `node@24`). */
function nodeBin() {
	return path.join(nodeArchPackageDir(), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
}

function n8nBin() {
	return path.join(runtimeDir(), 'node_modules', 'n8n', 'bin', 'n8n');
}

function readMarker() {
	try {
		return JSON.parse(fs.readFileSync(markerPath(), 'utf8'));
	} catch {
		return undefined;
	}
}

function isReady() {
	const m = readMarker();
	return Boolean(
		m &&
			m.layout === RUNTIME_LAYOUT &&
			m.n8n === N8N_VERSION &&
			m.node === NODE_VERSION &&
			fs.existsSync(n8nBin()) &&
			fs.existsSync(nodeBin()),
	);
}

/** npm, run by a Node that is certainly new enough, with our Node 24 first on PATH once it exists. */
function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && /npm-cli\.js$/.test(execPath) && fs.existsSync(execPath)) {
		return { cmd: process.execPath, pre: [execPath] };
	}
	return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', pre: [] };
}

function findNodeGyp() {
	const candidates = [];
	if (process.env.npm_execpath) {
		candidates.push(
			path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
		);
	}
	candidates.push(path.join(runtimeDir(), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
	const npmWhich = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8' });
	if (npmWhich.status === 0) {
		const npmReal = fs.realpathSync(npmWhich.stdout.split(/\r?\n/)[0].trim());
		candidates.push(path.join(path.dirname(npmReal), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
	}
	return candidates.find((c) => fs.existsSync(c));
}

function envWithNode24(extra) {
	const env = { ...process.env, ...extra };
	const nodeDir = path.dirname(nodeBin());
	if (fs.existsSync(nodeDir)) env.PATH = `${nodeDir}${path.delimiter}${env.PATH || ''}`;
	// The machine's ~/.npmrc may say `yes=false`; nothing here must prompt.
	env.npm_config_yes = 'true';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	env.npm_config_update_notifier = 'false';
	return env;
}

/** Runs a command, output to a log file, one "still working" line per minute. */
function runStep(label, cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const logFile = path.join(runtimeDir(), 'install.log');
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n===== ${new Date().toISOString()} ${label}: ${cmd} ${args.join(' ')}\n`);
		const started = Date.now();
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', out, out] });
		const tick = setInterval(() => {
			log(`  ... ${label}: ${Math.round((Date.now() - started) / 1000)} s`);
		}, 60_000);
		child.on('error', (err) => {
			clearInterval(tick);
			fs.closeSync(out);
			reject(new Error(`${label}: could not start ${cmd}: ${err.message}`));
		});
		child.on('exit', (code, signal) => {
			clearInterval(tick);
			fs.closeSync(out);
			if (code === 0) resolve(Date.now() - started);
			else {
				const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
				reject(new Error(`${path.basename(cmd)} ended with ${signal || `exit code ${code}`}; last lines of ${logFile}:\n${tail}`));
			}
		});
	});
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** One installer per machine: a lock directory holding the owner's pid. */
async function withLock(fn) {
	const lock = `${runtimeDir()}.lock`;
	fs.mkdirSync(path.dirname(lock), { recursive: true });
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let pid = 0;
			try {
				pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			if (pid && !isAlive(pid)) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`another process (pid ${pid || '?'}) is preparing the runtime; waiting for it...`);
				announced = true;
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/**
 * Prepares (or reuses) the cached runtime. Resolves to { dir, nodeBin, n8nBin, reused, timings }.
 */
async function ensureRuntime(options = {}) {
	const dir = runtimeDir();
	if (!options.force && isReady()) {
		return { dir, nodeBin: nodeBin(), n8nBin: n8nBin(), reused: true, timings: {} };
	}
	return withLock(async () => {
		if (!options.force && isReady()) {
			return { dir, nodeBin: nodeBin(), n8nBin: n8nBin(), reused: true, timings: {} };
		}
		const timings = {};
		let step = 'preparing the folder';
		try {
			log(`preparing n8n ${N8N_VERSION} on Node ${NODE_VERSION} in ${dir}`);
			fs.mkdirSync(dir, { recursive: true });
			fs.rmSync(markerPath(), { force: true });
			// A previous, interrupted install may have left a half-written tree: start clean.
			fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
			fs.rmSync(path.join(dir, 'package-lock.json'), { force: true });
			fs.writeFileSync(path.join(dir, 'install.log'), '');
			fs.writeFileSync(
				path.join(dir, 'package.json'),
				JSON.stringify(
					{
						name: 'n8n-nodes-bybit-runtime',
						private: true,
						description: 'Cached n8n runtime for n8n-nodes-bybit (npm start, e2e tests). Safe to delete.',
						dependencies: { n8n: N8N_VERSION, [nodeArchPackage()]: NODE_VERSION },
						overrides: { xlsx: XLSX_OVERRIDE },
					},
					null,
					2,
				) + '\n',
			);
			fs.writeFileSync(path.join(dir, '.npmrc'), 'fund=false\naudit=false\nyes=true\nupdate-notifier=false\n');

			step = `installing n8n ${N8N_VERSION} and Node ${NODE_VERSION}`;
			log(`${step} (first run takes ~5 min)...`);
			const npm = npmCommand();
			timings.installMs = await runStep(
				step,
				npm.cmd,
				[...npm.pre, 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
				{ cwd: dir, env: envWithNode24({}) },
			);
			if (!fs.existsSync(n8nBin())) throw new Error(`n8n is missing after npm install (${n8nBin()})`);
			if (!fs.existsSync(nodeBin())) throw new Error(`the Node ${NODE_VERSION} binary is missing after npm install (${nodeBin()})`);
			fs.chmodSync(nodeBin(), 0o755);
			log(`  done in ${Math.round(timings.installMs / 1000)} s`);

			step = 'checking the Node 24 binary';
			const v = spawnSync(nodeBin(), ['--version'], { encoding: 'utf8' });
			if (v.status !== 0 || v.stdout.trim() !== `v${NODE_VERSION}`) {
				throw new Error(`${nodeBin()} --version printed ${JSON.stringify(v.stdout || v.stderr)}`);
			}

			step = 'rebuilding sqlite3 against the Node 24 headers';
			log(`${step} (about 1-2 min)...`);
			const sqliteDirs = findPackages(path.join(dir, 'node_modules'), 'sqlite3');
			if (!sqliteDirs.length) throw new Error('node_modules/sqlite3 not found');
			const gyp = findNodeGyp();
			if (!gyp) throw new Error('node-gyp not found (it ships with npm); install npm >= 10');
			const headers = nodeArchPackageDir();
			if (!fs.existsSync(path.join(headers, 'include', 'node', 'node.h'))) {
				throw new Error(`Node headers not found in ${headers}/include/node`);
			}
			const started = Date.now();
			for (const sqliteDir of sqliteDirs) {
				await runStep(step, nodeBin(), [gyp, 'rebuild', `--nodedir=${headers}`, `--jobs=${Math.max(1, os.cpus().length)}`], {
					cwd: sqliteDir,
					env: envWithNode24({ npm_config_nodedir: headers }),
				});
			}
			timings.sqliteMs = Date.now() - started;
			log(`  done in ${Math.round(timings.sqliteMs / 1000)} s`);

			step = 'checking that n8n loads';
			log(`${step}...`);
			const check = spawnSync(
				nodeBin(),
				['-e', `require(${JSON.stringify(sqliteDirs[0])}); process.stdout.write(require(${JSON.stringify(path.join(dir, 'node_modules', 'n8n', 'package.json'))}).version)`],
				{ encoding: 'utf8', cwd: dir },
			);
			if (check.status !== 0 || check.stdout.trim() !== N8N_VERSION) {
				throw new Error(`sqlite3/n8n did not load: ${(check.stderr || check.stdout).slice(-800)}`);
			}

			fs.writeFileSync(
				markerPath(),
				JSON.stringify(
					{
						layout: RUNTIME_LAYOUT,
						n8n: N8N_VERSION,
						node: NODE_VERSION,
						createdAt: new Date().toISOString(),
						timings,
					},
					null,
					2,
				) + '\n',
			);
			log(`ready: ${dir}`);
			return { dir, nodeBin: nodeBin(), n8nBin: n8nBin(), reused: false, timings };
		} catch (err) {
			const e = new Error(
				`[runtime] step "${step}" failed: ${err.message}\n` +
					`[runtime] the runtime is not marked ready, so the next run retries from scratch: rerun the command, ` +
					`or delete ${dir} to clear it completely (full log: ${path.join(dir, 'install.log')}).`,
			);
			e.step = step;
			throw e;
		}
	});
}

/** Every installed copy of a package (hoisted or nested) under node_modules. */
function findPackages(nodeModules, name) {
	const found = [];
	const walk = (nm, depth) => {
		if (depth > 6 || !fs.existsSync(nm)) return;
		const direct = path.join(nm, name);
		if (fs.existsSync(path.join(direct, 'package.json'))) found.push(direct);
		for (const entry of fs.readdirSync(nm)) {
			if (entry.startsWith('.')) continue;
			const entries = entry.startsWith('@')
				? fs.readdirSync(path.join(nm, entry)).map((s) => path.join(entry, s))
				: [entry];
			for (const e of entries) {
				const sub = path.join(nm, e, 'node_modules');
				if (fs.existsSync(sub)) walk(sub, depth + 1);
			}
		}
	};
	walk(nodeModules, 0);
	return found;
}

/**
 * Copies the built package (dist/, package.json, README, LICENSE) to where n8n loads community
 * packages: <userFolder>/.n8n/nodes/node_modules/n8n-nodes-bybit. Node types are then
 * `n8n-nodes-bybit.bybit` / `n8n-nodes-bybit.bybitTrigger`, as after a real install.
 * Builds nothing: run `npm run build` first.
 */
function installPackage(userFolder, repoRoot = REPO_ROOT) {
	const dist = path.join(repoRoot, 'dist');
	if (!fs.existsSync(path.join(dist, 'credentials'))) {
		throw new Error(`${dist} is missing or incomplete: run \`npm run build\` first`);
	}
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.cpSync(dist, path.join(target, 'dist'), { recursive: true });
	const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
	// As n8n's own installer does: no dev/peer deps in the installed copy.
	delete pkg.devDependencies;
	delete pkg.scripts;
	// n8n refuses the whole package when a registered file is missing; while a node is still being
	// written (dist lacks it), register only what was built, and say so.
	if (pkg.n8n) {
		for (const kind of ['nodes', 'credentials']) {
			const listed = pkg.n8n[kind] || [];
			const present = listed.filter((f) => fs.existsSync(path.join(repoRoot, f)));
			for (const missing of listed.filter((f) => !present.includes(f))) {
				process.stdout.write(`[runtime] warning: ${missing} is not built; n8n will not have it\n`);
			}
			pkg.n8n[kind] = present;
		}
	}
	fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
	for (const f of ['README.md', 'LICENSE.md']) {
		if (fs.existsSync(path.join(repoRoot, f))) fs.copyFileSync(path.join(repoRoot, f), path.join(target, f));
	}
	// The nodes folder's own package.json, as n8n's community-package installer leaves it.
	const nodesPkgPath = path.join(nodesDir, 'package.json');
	let nodesPkg = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		nodesPkg = JSON.parse(fs.readFileSync(nodesPkgPath, 'utf8'));
	} catch {
		/* new folder */
	}
	nodesPkg.dependencies = { ...(nodesPkg.dependencies || {}), [PACKAGE_NAME]: pkg.version };
	fs.writeFileSync(nodesPkgPath, JSON.stringify(nodesPkg, null, 2) + '\n');
	return target;
}

/** Environment for a headless, offline n8n (n8n-notes §6.3). */
function n8nEnv(userFolder, port, extra = {}) {
	const env = { ...process.env };
	// Do not leak npm's per-script variables (npm_config_*, npm_lifecycle_*) or NODE_OPTIONS from jest/ts-node.
	for (const k of Object.keys(env)) {
		if (/^npm_/i.test(k) || /^(NODE_OPTIONS|NODE_PATH|NODE_ENV|TS_NODE_\w+|JEST_WORKER_ID|WEBHOOK_URL)$/.test(k)) delete env[k];
		else if (/^(N8N_|DB_|EXECUTIONS_|GENERIC_|QUEUE_)/.test(k)) delete env[k];
	}
	env.PATH = `${path.dirname(nodeBin())}${path.delimiter}${env.PATH || ''}`;
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: DEMO_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false', // its list comes from api.n8n.io (offline here)
		N8N_SSRF_PROTECTION_ENABLED: 'false', // the sandbox is on loopback (this is also 2.41's default)
		N8N_RUNNERS_TASK_TIMEOUT: '60',
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(256 * 1024 * 1024),
		N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '1000',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_SQLITE_POOL_SIZE: '2',
		NODE_ENV: 'production',
	});
	return { ...env, ...extra };
}

/** Runs an n8n CLI command to completion; resolves to { code, stdout, stderr }. */
function runN8n(args, env, opts = {}) {
	return new Promise((resolve, reject) => {
		// Without a user folder n8n would write .n8n/ into the current directory or $HOME.
		if (!env || !env.N8N_USER_FOLDER) return reject(new Error('runN8n: env.N8N_USER_FOLDER is required (use n8nEnv())'));
		const child = spawn(nodeBin(), [n8nBin(), ...args], { env, cwd: opts.cwd || env.N8N_USER_FOLDER, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = opts.timeoutMs
			? setTimeout(() => {
					child.kill('SIGKILL');
				}, opts.timeoutMs)
			: undefined;
		child.on('error', (e) => {
			if (timer) clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			resolve({ code: code === null ? -1 : code, signal, stdout, stderr });
		});
	});
}

/**
 * The JSON document that `n8n execute --rawOutput` prints after its log lines (pretty-printed, so it
 * opens with a line that is exactly "{" and closes with one that is exactly "}"). Log lines written
 * in between by other writers (task runner) never start with a space and are dropped.
 */
function parseExecuteOutput(stdout) {
	const lines = stdout.split(/\r?\n/);
	const start = lines.findIndex((l) => l === '{' || l.startsWith('{"'));
	let end = -1;
	for (let i = lines.length - 1; i >= start && start >= 0; i--) {
		if (lines[i] === '}' || (lines[i].startsWith('{"') && lines[i].endsWith('}'))) {
			end = i;
			break;
		}
	}
	if (start < 0 || end < 0) throw new Error(`no JSON document in the n8n execute output:\n${stdout.slice(-1500)}`);
	const body = lines.slice(start, end + 1).filter((l, i, all) => i === 0 || i === all.length - 1 || /^\s/.test(l));
	try {
		return JSON.parse(body.join('\n'));
	} catch (err) {
		throw new Error(`could not parse the n8n execute output (${err.message}):\n${stdout.slice(-1500)}`);
	}
}

module.exports = {
	N8N_VERSION,
	N8N_MAJOR,
	DEFAULT_N8N_VERSION,
	N8N_1X_VERSION,
	TESTED_N8N_VERSIONS,
	NODE_VERSION,
	REPO_ROOT,
	PACKAGE_NAME,
	cacheRoot,
	runtimeDir,
	nodeBin,
	n8nBin,
	isReady,
	ensureRuntime,
	installPackage,
	n8nEnv,
	runN8n,
	parseExecuteOutput,
};

if (require.main === module) {
	const force = process.argv.includes('--force');
	const t0 = Date.now();
	ensureRuntime({ force }).then(
		(r) => {
			log(`${r.reused ? 'already prepared' : 'prepared'} in ${Math.round((Date.now() - t0) / 1000)} s: n8n ${N8N_VERSION} at ${r.dir}`);
		},
		(err) => {
			process.stderr.write(`${err.message}\n`);
			process.exit(1);
		},
	);
}
