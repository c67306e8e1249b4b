'use strict';
/**
 * What `npm start` (scripts/start.js) and `npm run start:queue` (scripts/start-queue.js) share:
 * the demo's login and key pair, the Bybit sandbox process, the demo credential, the examples,
 * building the package, and a supervisor that prefixes the services' output and stops every one
 * of them by PID on Ctrl-C (n8n first, so its trigger closes its sockets with code 1000).
 */
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const runtime = require('./runtime');
const { stopProcess } = require('./services');

const REPO = runtime.REPO_ROOT;
const DEMO_CREDENTIAL_ID = 'bybitDemoSandbox';
const DEMO_CREDENTIAL_NAME = 'Bybit sandbox (demo)';

const children = new Set();
const stopHooks = [];
let stopping = false;
let tag = 'start';

function say(msg) {
	process.stdout.write(`[${tag}] ${msg}\n`);
}

function fail(msg) {
	process.stderr.write(`\n[${tag}] ${msg}\n`);
	shutdown(1);
}

function portFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
	});
}

function get(url, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: timeoutMs }, (res) => {
			let body = '';
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode, body }));
		});
		req.on('error', () => resolve({ status: 0, body: '' }));
		req.on('timeout', () => req.destroy());
	});
}

function postJson(url, payload) {
	return new Promise((resolve, reject) => {
		const data = JSON.stringify(payload);
		const u = new URL(url);
		const req = http.request(
			{ hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
			(res) => {
				let body = '';
				res.on('data', (d) => (body += d));
				res.on('end', () => resolve({ status: res.statusCode, body }));
			},
		);
		req.on('error', reject);
		req.end(data);
	});
}

function run(cmd, argv, opts) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, argv, { stdio: 'inherit', ...opts });
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${argv.join(' ')} exited with ${code}`))));
	});
}

/** Spawns a long-running child in its own process group; its output is prefixed line by line. */
function spawnService(label, cmd, argv, opts, onLine) {
	const child = spawn(cmd, argv, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
	children.add(child);
	const pipe = (stream, out) => {
		let buf = '';
		stream.on('data', (d) => {
			buf += d;
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 1);
				out.write(`[${label}] ${line}\n`);
				if (onLine) onLine(line);
			}
		});
	};
	pipe(child.stdout, process.stdout);
	pipe(child.stderr, process.stderr);
	child.on('exit', (code, signal) => {
		children.delete(child);
		if (!stopping) fail(`${label} stopped unexpectedly (${signal || `exit code ${code}`}); see its output above.`);
	});
	return child;
}


/** Runs before the children are stopped (the queue stack stops its own processes). */
function onStop(fn) {
	stopHooks.push(fn);
}

let shuttingDown;
function shutdown(code) {
	if (shuttingDown) return shuttingDown;
	stopping = true;
	const list = [...children];
	if (list.length || stopHooks.length) say('stopping n8n and the services...');
	// n8n first (its trigger closes its sockets to the sandbox with code 1000), then the sandbox.
	const n8n = list.filter((c) => c.label === 'n8n');
	const others = list.filter((c) => c.label !== 'n8n');
	shuttingDown = Promise.all(stopHooks.map((fn) => Promise.resolve(fn()).catch(() => undefined)))
		.then(() => Promise.all(n8n.map((c) => stopProcess(c, 'SIGTERM', 15000))))
		.then(() => Promise.all(others.map((c) => stopProcess(c, 'SIGTERM', 5000))))
		.then(() => {
			if (list.length || stopHooks.length) say('stopped.');
			process.exit(code);
		});
	return shuttingDown;
}

/** Installs the Ctrl-C / SIGTERM handlers; `label` prefixes this script's own lines. */
function supervise(label) {
	tag = label;
	process.on('SIGINT', () => shutdown(0));
	process.on('SIGTERM', () => shutdown(0));
	process.on('exit', () => {
		for (const c of children) {
			try {
				c.kill('SIGKILL');
			} catch {
				/* gone */
			}
		}
	});
}

function loadOrCreate(file, create) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		const value = create();
		fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
		return value;
	}
}

/** `npm run build` with the npm that runs this script (unless --skip-build). */
async function buildPackage(skip) {
	if (skip) return;
	const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
	say('building the package (npm run build)...');
	if (npmCli) await run(process.execPath, [npmCli, 'run', '--silent', 'build'], { cwd: REPO });
	else await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: REPO });
}

/** Stable demo key pair and login, created once per demo folder. */
function demoLogin(demoDir) {
	return loadOrCreate(path.join(demoDir, 'demo-login.json'), () => ({
		apiKey: `DEMO${crypto.randomBytes(8).toString('hex').toUpperCase()}`,
		apiSecret: crypto.randomBytes(18).toString('base64url'),
		email: 'demo@n8n-nodes-bybit.local',
		password: `Demo-${crypto.randomBytes(6).toString('hex')}-1`,
	}));
}

/** Starts the Bybit sandbox (test/sandbox/cli.ts) with the demo key; resolves when it answers. */
async function startSandboxService(port, demo) {
	const tsNode = path.join(REPO, 'node_modules', 'ts-node', 'dist', 'bin.js');
	const sandboxCli = path.join(REPO, 'test', 'sandbox', 'cli.ts');
	if (!fs.existsSync(sandboxCli)) throw new Error(`${sandboxCli} not found: the Bybit sandbox is missing from this checkout.`);
	if (!fs.existsSync(tsNode)) throw new Error('ts-node is missing: run `npm install` first.');
	say(`starting the Bybit sandbox on 127.0.0.1:${port}...`);
	const sandbox = spawnService(
		'sandbox',
		process.execPath,
		[tsNode, '--transpile-only', sandboxCli, '--port', String(port), '--key', demo.apiKey, '--secret', demo.apiSecret],
		{ cwd: REPO, env: { ...process.env } },
	);
	sandbox.label = 'sandbox';
	const restUrl = `http://127.0.0.1:${port}`;
	const t0 = Date.now();
	for (;;) {
		const r = await get(`${restUrl}/v5/market/time`);
		if (r.status === 200) break;
		if (Date.now() - t0 > 60000) throw new Error(`the sandbox did not answer ${restUrl}/v5/market/time within 60 s.`);
		await new Promise((res) => setTimeout(res, 300));
	}
	return { restUrl, wsUrl: `ws://127.0.0.1:${port}` };
}

/** The demo credential (environment "custom" -> the sandbox), as n8n import:credentials takes it. */
function demoCredential(sandbox, demo) {
	return {
		id: DEMO_CREDENTIAL_ID,
		name: DEMO_CREDENTIAL_NAME,
		type: 'bybitApi',
		data: {
			environment: 'custom',
			baseUrl: sandbox.restUrl,
			wsBaseUrl: sandbox.wsUrl,
			signatureMethod: 'hmac',
			apiKey: demo.apiKey,
			apiSecret: demo.apiSecret,
			recvWindow: 5000,
		},
	};
}

/** examples/*.json, sorted by file name: [{ file, workflow }]. */
function exampleWorkflows() {
	const dir = path.join(REPO, 'examples');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file: path.join(dir, file), workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

function banner(lines) {
	const line = '-'.repeat(72);
	process.stdout.write(['', line, ...lines, line, ''].join('\n'));
}

module.exports = {
	DEMO_CREDENTIAL_NAME,
	say,
	fail,
	supervise,
	onStop,
	shutdown,
	portFree,
	get,
	postJson,
	spawnService,
	loadOrCreate,
	buildPackage,
	demoLogin,
	startSandboxService,
	demoCredential,
	exampleWorkflows,
	banner,
};
