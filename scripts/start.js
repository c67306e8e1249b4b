#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a real n8n 2.41.1 with this package installed, talking to the local Bybit sandbox.
 *
 *   1. prepare (or reuse) the cached n8n + Node 24 runtime       scripts/runtime.js
 *   2. `npm run build`, then copy the package where n8n loads community packages
 *   3. start the Bybit sandbox (test/sandbox/cli.ts)
 *   4. import the demo credential (environment "custom" -> sandbox) and examples/*.json
 *   5. start n8n on 127.0.0.1:5678, create the owner account, print URL and login
 *   6. Ctrl-C stops both
 *
 * Environment: N8N_PORT (5678), SANDBOX_PORT (8790), N8N_RUNNERS_BROKER_PORT (N8N_PORT + 1),
 * N8N_BYBIT_CACHE (cache folder). Flags: --reset (fresh demo n8n data), --skip-build.
 */
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const runtime = require('./runtime');

const REPO = runtime.REPO_ROOT;
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 8790);
const BROKER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || N8N_PORT + 1);
const DEMO_CREDENTIAL_ID = 'bybitDemoSandbox';
const DEMO_CREDENTIAL_NAME = 'Bybit sandbox (demo)';
const args = new Set(process.argv.slice(2));

function say(msg) {
	process.stdout.write(`[start] ${msg}\n`);
}

function fail(msg) {
	process.stderr.write(`\n[start] ${msg}\n`);
	shutdown(1);
}

const children = new Set();
let stopping = false;

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

function stopChild(child, timeoutMs = 15000) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => {
			try {
				child.kill('SIGKILL');
			} catch {
				/* gone */
			}
		}, timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		try {
			child.kill('SIGTERM');
		} catch {
			clearTimeout(timer);
			resolve();
		}
	});
}

let shuttingDown;
function shutdown(code) {
	if (shuttingDown) return shuttingDown;
	stopping = true;
	const list = [...children];
	if (list.length) say('stopping n8n and the sandbox...');
	// n8n first (its trigger closes its sockets to the sandbox with code 1000), then the sandbox.
	const n8n = list.filter((c) => c.label === 'n8n');
	const others = list.filter((c) => c.label !== 'n8n');
	shuttingDown = Promise.all(n8n.map((c) => stopChild(c)))
		.then(() => Promise.all(others.map((c) => stopChild(c, 5000))))
		.then(() => {
			if (list.length) say('stopped.');
			process.exit(code);
		});
	return shuttingDown;
}

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

function loadOrCreate(file, create) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		const value = create();
		fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
		return value;
	}
}

async function main() {
	// -- ports first: fail fast, before minutes of work
	const busy = [];
	if (!(await portFree(N8N_PORT))) busy.push(`n8n port ${N8N_PORT} is in use (set N8N_PORT=<free port>, e.g. N8N_PORT=5680 npm start)`);
	if (!(await portFree(BROKER_PORT))) busy.push(`n8n task-runner broker port ${BROKER_PORT} is in use (set N8N_RUNNERS_BROKER_PORT=<free port>); is another n8n running?`);
	if (!(await portFree(SANDBOX_PORT))) busy.push(`sandbox port ${SANDBOX_PORT} is in use (set SANDBOX_PORT=<free port>, e.g. SANDBOX_PORT=8791 npm start)`);
	if (busy.length) return fail(`cannot start:\n  - ${busy.join('\n  - ')}`);

	// -- 1. runtime
	let rt;
	try {
		rt = await runtime.ensureRuntime();
	} catch (err) {
		return fail(err.message);
	}
	say(`n8n ${runtime.N8N_VERSION} on Node ${runtime.NODE_VERSION}: ${rt.dir}`);

	// -- 2. build + install
	const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
	if (!args.has('--skip-build')) {
		say('building the package (npm run build)...');
		try {
			if (npmCli) await run(process.execPath, [npmCli, 'run', '--silent', 'build'], { cwd: REPO });
			else await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: REPO });
		} catch (err) {
			return fail(`build failed: ${err.message}. Fix the TypeScript errors above, then rerun npm start.`);
		}
	}
	const demoDir = path.join(runtime.cacheRoot(), 'demo');
	if (args.has('--reset')) {
		say(`--reset: removing ${demoDir}`);
		fs.rmSync(demoDir, { recursive: true, force: true });
	}
	fs.mkdirSync(demoDir, { recursive: true, mode: 0o700 });
	const installed = runtime.installPackage(demoDir);
	say(`installed the package into ${installed}`);

	// Stable demo key pair and login, created once per demo folder.
	const demo = loadOrCreate(path.join(demoDir, 'demo-login.json'), () => ({
		apiKey: `DEMO${crypto.randomBytes(8).toString('hex').toUpperCase()}`,
		apiSecret: crypto.randomBytes(18).toString('base64url'),
		email: 'demo@n8n-nodes-bybit.local',
		password: `Demo-${crypto.randomBytes(6).toString('hex')}-1`,
	}));

	// -- 3. sandbox
	const tsNode = path.join(REPO, 'node_modules', 'ts-node', 'dist', 'bin.js');
	const sandboxCli = path.join(REPO, 'test', 'sandbox', 'cli.ts');
	if (!fs.existsSync(sandboxCli)) return fail(`${sandboxCli} not found: the Bybit sandbox is missing from this checkout.`);
	if (!fs.existsSync(tsNode)) return fail('ts-node is missing: run `npm install` first.');
	say(`starting the Bybit sandbox on 127.0.0.1:${SANDBOX_PORT}...`);
	const sandbox = spawnService(
		'sandbox',
		process.execPath,
		[tsNode, '--transpile-only', sandboxCli, '--port', String(SANDBOX_PORT), '--key', demo.apiKey, '--secret', demo.apiSecret],
		{ cwd: REPO, env: { ...process.env } },
	);
	sandbox.label = 'sandbox';
	const restUrl = `http://127.0.0.1:${SANDBOX_PORT}`;
	const wsUrl = `ws://127.0.0.1:${SANDBOX_PORT}`;
	{
		const t0 = Date.now();
		for (;;) {
			const r = await get(`${restUrl}/v5/market/time`);
			if (r.status === 200) break;
			if (Date.now() - t0 > 60000) return fail(`the sandbox did not answer ${restUrl}/v5/market/time within 60 s.`);
			await new Promise((res) => setTimeout(res, 300));
		}
	}

	// -- 4. credential + examples
	// The user's own N8N_* settings (e.g. N8N_LOG_LEVEL=debug) win over the demo defaults.
	const passthrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^N8N_/.test(k) && k !== 'N8N_BYBIT_CACHE'));
	const env = runtime.n8nEnv(demoDir, N8N_PORT, { ...passthrough, N8N_PORT: String(N8N_PORT), N8N_RUNNERS_BROKER_PORT: String(BROKER_PORT) });
	const credFile = path.join(demoDir, 'demo-credential.json');
	fs.writeFileSync(
		credFile,
		JSON.stringify([
			{
				id: DEMO_CREDENTIAL_ID,
				name: DEMO_CREDENTIAL_NAME,
				type: 'bybitApi',
				data: {
					environment: 'custom',
					baseUrl: restUrl,
					wsBaseUrl: wsUrl,
					signatureMethod: 'hmac',
					apiKey: demo.apiKey,
					apiSecret: demo.apiSecret,
					recvWindow: 5000,
				},
			},
		]),
		{ mode: 0o600 },
	);
	say('importing the demo credential...');
	const credImport = await runtime.runN8n(['import:credentials', `--input=${credFile}`], env);
	fs.rmSync(credFile, { force: true });
	if (credImport.code !== 0) return fail(`n8n import:credentials failed:\n${tail(credImport)}`);

	// Import each example once, so later edits in the editor are kept across restarts (--reset re-imports).
	const importedFile = path.join(demoDir, 'imported-examples.json');
	const imported = new Set(loadOrCreate(importedFile, () => []));
	const examplesDir = path.join(REPO, 'examples');
	const examples = fs.existsSync(examplesDir) ? fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort() : [];
	for (const file of examples) {
		const wf = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
		if (imported.has(wf.id)) continue;
		say(`importing example workflow "${wf.name}"...`);
		const r = await runtime.runN8n(['import:workflow', `--input=${path.join(examplesDir, file)}`], env);
		if (r.code !== 0) return fail(`n8n import:workflow ${file} failed:\n${tail(r)}`);
		imported.add(wf.id);
	}
	fs.writeFileSync(importedFile, JSON.stringify([...imported], null, 2) + '\n');

	// -- 5. n8n
	say(`starting n8n on http://127.0.0.1:${N8N_PORT} ...`);
	let ready;
	const readyPromise = new Promise((resolve) => (ready = resolve));
	const n8n = spawnService('n8n', runtime.nodeBin(), [runtime.n8nBin(), 'start'], { cwd: demoDir, env }, (line) => {
		if (line.includes('Editor is now accessible')) ready();
	});
	n8n.label = 'n8n';
	const timeout = setTimeout(() => fail('n8n did not print "Editor is now accessible" within 180 s; see its output above.'), 180000);
	await readyPromise;
	clearTimeout(timeout);

	const base = `http://127.0.0.1:${N8N_PORT}`;
	const setup = await postJson(`${base}/rest/owner/setup`, { email: demo.email, firstName: 'Demo', lastName: 'Owner', password: demo.password });
	if (setup.status !== 200 && !/already/i.test(setup.body)) {
		say(`note: owner setup answered HTTP ${setup.status}: ${setup.body.slice(0, 200)}`);
	}

	const line = '-'.repeat(72);
	process.stdout.write(
		[
			'',
			line,
			`  n8n ${runtime.N8N_VERSION} with n8n-nodes-bybit is running`,
			'',
			`  Open:      ${base}`,
			`  Login:     ${demo.email}`,
			`  Password:  ${demo.password}`,
			'',
			`  Bybit sandbox: ${restUrl} (REST), ${wsUrl} (WebSocket)`,
			`  Credential "${DEMO_CREDENTIAL_NAME}" points at the sandbox; examples are in the Overview.`,
			'  Publish "TradingView alert to order", then try:',
			`    curl -X POST ${base}/webhook/bybit-alert -H 'content-type: application/json' \\`,
			`         -d '{"id":"demo-1","ticker":"BYBIT:BTCUSDT.P","action":"buy","contracts":"0.01"}'`,
			'',
			'  Ctrl-C stops n8n and the sandbox. `npm start -- --reset` starts from fresh demo data.',
			line,
			'',
		].join('\n'),
	);
}

function tail(r) {
	return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-20).join('\n');
}

main().catch((err) => fail(err.stack || err.message));
