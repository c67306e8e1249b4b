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

/**
 * The demo credential (environment "custom" -> the sandbox), as n8n import:credentials takes it.
 * `extra` adds fields, e.g. { processesSharingKey: 3 } for queue mode.
 */
function demoCredential(sandbox, demo, extra = {}) {
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
			...extra,
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

/** The placeholder secret the shipped order-placing examples require (the README's alert template sends it). */
const EXAMPLE_ALERT_SECRET = 'change-me';

// Node types that talk to nothing but the Bybit credential's host (the sandbox in the demo) or to nothing at all.
const LOCAL_NODE_TYPES = new Set(
	['webhook', 'respondToWebhook', 'set', 'if', 'filter', 'switch', 'code', 'noOp', 'stickyNote', 'scheduleTrigger', 'manualTrigger', 'removeDuplicates', 'merge', 'splitOut', 'aggregate', 'sort', 'limit', 'summarize', 'dateTime', 'wait'].map((t) => `n8n-nodes-base.${t}`),
);
const isTriggerType = (type) => type !== 'n8n-nodes-base.manualTrigger' && (type === 'n8n-nodes-base.webhook' || /Trigger$/.test(type));

/**
 * Which examples the demo publishes: those whose every node talks only to the sandbox (or to
 * nothing) and that have a trigger n8n can publish. Returns one entry per example:
 *   { id, name, publish, webhooks: [path], reason (why not published), click (what to do instead) }
 */
function examplePlan(workflows = exampleWorkflows().map((e) => e.workflow)) {
	return workflows.map((wf) => {
		const nodes = wf.nodes || [];
		const external = nodes.filter((n) => !n.type.startsWith('n8n-nodes-bybit.') && !LOCAL_NODE_TYPES.has(n.type));
		const triggers = nodes.filter((n) => isTriggerType(n.type));
		const webhooks = nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => String(n.parameters.path));
		let reason;
		let click;
		if (external.length) {
			const what = external.map((n) => `"${n.name}"`).join(', ');
			reason = `${what} ${external.length > 1 ? 'talk' : 'talks'} to a service outside the demo`;
			const url = external.find((n) => n.type === 'n8n-nodes-base.httpRequest');
			click = `open "${wf.name}", set ${url ? `the URL in "${url.name}"` : `${what}`} to your own, then click ${runtime.N8N_MAJOR >= 2 ? 'Publish' : 'the Active toggle'} (top right)`;
		} else if (!triggers.length) {
			reason = 'it has no trigger to publish (run it with Execute workflow)';
		}
		return { id: wf.id, name: wf.name, publish: !reason, webhooks, reason, click };
	});
}

/**
 * Publishes (2.x) or activates (1.x) workflows on a running n8n through its REST API, as the
 * editor's Publish button does: POST /rest/workflows/:id/activate with the current versionId.
 * Resolves to { [id]: { ok, error? } }.
 */
async function publishWorkflows(base, owner, ids) {
	const { requestJson } = require('./queueStack');
	const results = {};
	if (!ids.length) return results;
	const login = await requestJson('POST', `${base}/rest/login`, { emailOrLdapLoginId: owner.email, password: owner.password });
	const cookie = String((login.headers['set-cookie'] || []).find((c) => c.startsWith('n8n-auth=')) || '').split(';')[0];
	if (login.status !== 200 || !cookie) {
		for (const id of ids) results[id] = { ok: false, error: `login answered ${login.status}` };
		return results;
	}
	for (const id of ids) {
		const wf = await requestJson('GET', `${base}/rest/workflows/${id}`, undefined, { cookie });
		const data = wf.json && wf.json.data;
		if (wf.status !== 200 || !data) {
			results[id] = { ok: false, error: `GET answered ${wf.status}` };
			continue;
		}
		if (data.active) {
			results[id] = { ok: true, already: true };
			continue;
		}
		const r = await requestJson('POST', `${base}/rest/workflows/${id}/activate`, { versionId: data.versionId }, { cookie });
		results[id] = r.status === 200 ? { ok: true } : { ok: false, error: String((r.json && r.json.message) || r.text).slice(0, 200) };
	}
	return results;
}

/** Whether each workflow is published now: { [id]: boolean } (REST, with the owner's login). */
async function publishedState(base, owner, ids) {
	const { requestJson } = require('./queueStack');
	const login = await requestJson('POST', `${base}/rest/login`, { emailOrLdapLoginId: owner.email, password: owner.password });
	const cookie = String((login.headers['set-cookie'] || []).find((c) => c.startsWith('n8n-auth=')) || '').split(';')[0];
	const state = {};
	for (const id of ids) {
		const wf = await requestJson('GET', `${base}/rest/workflows/${id}`, undefined, { cookie });
		state[id] = Boolean(wf.json && wf.json.data && wf.json.data.active);
	}
	return state;
}

/**
 * Resolves once n8n serves each production webhook path (n8n registers published workflows'
 * webhooks a few seconds after "Editor is now accessible"; a GET then answers "Did you mean to make
 * a POST request?"). Resolves to the paths not served within timeoutMs.
 */
async function waitForWebhooks(base, paths, timeoutMs = 60_000) {
	const t0 = Date.now();
	const missing = [];
	for (const p of paths) {
		for (;;) {
			const r = await get(`${base}/webhook/${p}`);
			if (r.status !== 404 || /Did you mean to make a/.test(r.body)) break;
			if (Date.now() - t0 > timeoutMs) {
				missing.push(p);
				break;
			}
			await new Promise((res) => setTimeout(res, 250));
		}
	}
	return missing;
}

/**
 * The banner's lines about the examples: each published webhook's production URL (and the secret
 * it requires), the other published examples, and for each one left unpublished what to click.
 * `published` = { [id]: boolean }, `errors` = { [id]: message } for examples that failed to publish,
 * `stale` = ids whose shipped file changed since the demo imported it (npm start keeps the user's copy).
 */
function examplesBannerLines(base, plan, published, errors = {}, stale = new Set()) {
	const verb = runtime.N8N_MAJOR >= 2 ? 'Publish' : 'the Active toggle';
	const lines = [];
	const on = plan.filter((e) => published[e.id]);
	const off = plan.filter((e) => !published[e.id]);
	const hooks = on.flatMap((e) => e.webhooks.map((p) => ({ e, url: `${base}/webhook/${p}` })));
	if (hooks.length) {
		lines.push(`  Published webhooks (production URLs, answering now):`);
		for (const h of hooks) lines.push(`    POST ${h.url}   (${h.e.name.replace(/^Bybit example: /, '')})`);
		for (const h of hooks.filter((x) => stale.has(x.e.id))) lines.push(`    ! your copy of "${h.e.name.replace(/^Bybit example: /, '')}" predates the current example and may not check the secret: \`npm start -- --reset\` re-imports`);
		lines.push(`  The TradingView examples refuse an alert without "secret": "${EXAMPLE_ALERT_SECRET}" (the README template's`);
		lines.push(`  placeholder). Set your own: *Alert Secret* in "Trade the signal", the value in "Secret matches?"`);
		lines.push(`  of the alert-to-order example, and the same in your TradingView alert message.`);
	}
	const others = on.filter((e) => !e.webhooks.length);
	if (others.length) {
		lines.push('  Also published (schedules and Bybit Triggers; they trade on the sandbox only):');
		for (const e of others) lines.push(`    ${e.name.replace(/^Bybit example: /, '')}`);
	}
	for (const e of off) {
		if (errors[e.id]) lines.push(`  Not published: "${e.name}": ${errors[e.id]}. Open it and click ${verb} (top right) to see why.`);
		else if (e.publish) lines.push(`  Not published (you unpublished it): "${e.name}": open it and click ${verb} (top right).`);
		else if (e.click) lines.push(`  Not published: "${e.name}" (${e.reason}):`, `    ${e.click}.`);
		else lines.push(`  Not published: "${e.name}": ${e.reason}.`);
	}
	return lines;
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
	EXAMPLE_ALERT_SECRET,
	examplePlan,
	publishWorkflows,
	publishedState,
	waitForWebhooks,
	examplesBannerLines,
	banner,
};
