#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a real n8n 2.41.1 with this package installed, talking to the local Bybit sandbox
 * (`N8N_VERSION=1.123.81 npm start`: the n8n 1.x line instead, in its own cache folder).
 *
 *   1. prepare (or reuse) the cached n8n + Node 24 runtime       scripts/runtime.js
 *   2. `npm run build`, then copy the package where n8n loads community packages
 *   3. start the Bybit sandbox (test/sandbox/cli.ts)
 *   4. import the demo credential (environment "custom" -> sandbox) and examples/*.json
 *   5. start n8n on 127.0.0.1:5678, create the owner account, print URL and login
 *   6. publish the examples that talk only to the sandbox (once: one you unpublish stays so) and
 *      print each published webhook's production URL; say what to click for the others
 *   7. Ctrl-C stops both
 *
 * Environment: N8N_VERSION (2.41.1), N8N_PORT (5678), SANDBOX_PORT (8790), N8N_RUNNERS_BROKER_PORT (N8N_PORT + 1),
 * N8N_BYBIT_CACHE (cache folder). Flags: --reset (fresh demo n8n data), --skip-build.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const runtime = require('./runtime');
const demoKit = require('./demo');

const { say, fail, portFree, postJson, spawnService, loadOrCreate } = demoKit;
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 8790);
const BROKER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || N8N_PORT + 1);
const args = new Set(process.argv.slice(2));

demoKit.supervise('start');

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
	try {
		await demoKit.buildPackage(args.has('--skip-build'));
	} catch (err) {
		return fail(`build failed: ${err.message}. Fix the TypeScript errors above, then rerun npm start.`);
	}
	// n8n migrates its database forward only: each n8n version other than the default keeps its own demo data.
	const demoDir = path.join(runtime.cacheRoot(), runtime.N8N_VERSION === runtime.DEFAULT_N8N_VERSION ? 'demo' : `demo-${runtime.N8N_VERSION}`);
	if (args.has('--reset')) {
		say(`--reset: removing ${demoDir}`);
		fs.rmSync(demoDir, { recursive: true, force: true });
	}
	fs.mkdirSync(demoDir, { recursive: true, mode: 0o700 });
	const installed = runtime.installPackage(demoDir);
	say(`installed the package into ${installed}`);

	const demo = demoKit.demoLogin(demoDir);

	// -- 3. sandbox
	let sandbox;
	try {
		sandbox = await demoKit.startSandboxService(SANDBOX_PORT, demo);
	} catch (err) {
		return fail(err.message);
	}
	const { restUrl, wsUrl } = sandbox;

	// -- 4. credential + examples
	// The user's own N8N_* settings (e.g. N8N_LOG_LEVEL=debug) win over the demo defaults.
	const passthrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^N8N_/.test(k) && k !== 'N8N_BYBIT_CACHE' && k !== 'N8N_VERSION'));
	const env = runtime.n8nEnv(demoDir, N8N_PORT, { ...passthrough, N8N_PORT: String(N8N_PORT), N8N_RUNNERS_BROKER_PORT: String(BROKER_PORT) });
	const credFile = path.join(demoDir, 'demo-credential.json');
	fs.writeFileSync(credFile, JSON.stringify([demoKit.demoCredential(sandbox, demo)]), { mode: 0o600 });
	say('importing the demo credential...');
	const credImport = await runtime.runN8n(['import:credentials', `--input=${credFile}`], env);
	fs.rmSync(credFile, { force: true });
	if (credImport.code !== 0) return fail(`n8n import:credentials failed:\n${tail(credImport)}`);

	// Import each example once, so later edits in the editor are kept across restarts (--reset re-imports).
	// imported-examples.json: { id: sha256 of the file imported } (an array of ids before: imported by an earlier version).
	const importedFile = path.join(demoDir, 'imported-examples.json');
	const saved = loadOrCreate(importedFile, () => ({}));
	const imported = Array.isArray(saved) ? Object.fromEntries(saved.map((id) => [id, ''])) : saved;
	const changedSinceImport = [];
	const staleIds = new Set();
	for (const { file, workflow: wf } of demoKit.exampleWorkflows()) {
		const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
		if (wf.id in imported) {
			if (imported[wf.id] !== hash) {
				changedSinceImport.push(wf.name);
				staleIds.add(wf.id);
			}
			continue;
		}
		say(`importing example workflow "${wf.name}"...`);
		const r = await runtime.runN8n(['import:workflow', `--input=${file}`], env);
		if (r.code !== 0) return fail(`n8n import:workflow ${path.basename(file)} failed:\n${tail(r)}`);
		imported[wf.id] = hash;
	}
	fs.writeFileSync(importedFile, JSON.stringify(imported, null, 2) + '\n');

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

	// Publish each example that talks only to the sandbox, once per demo folder (one you unpublish stays unpublished).
	const plan = demoKit.examplePlan();
	const publishedFile = path.join(demoDir, 'published-examples.json');
	const publishedOnce = new Set(loadOrCreate(publishedFile, () => []));
	const toPublish = plan.filter((e) => e.publish && !publishedOnce.has(e.id)).map((e) => e.id);
	if (toPublish.length) say(`${runtime.N8N_MAJOR >= 2 ? 'publishing' : 'activating'} the examples that talk only to the sandbox (${toPublish.length})...`);
	const results = await demoKit.publishWorkflows(base, demo, toPublish);
	const errors = {};
	for (const [id, r] of Object.entries(results)) {
		if (r.ok) publishedOnce.add(id);
		else errors[id] = r.error;
	}
	fs.writeFileSync(publishedFile, JSON.stringify([...publishedOnce], null, 2) + '\n');
	const published = await demoKit.publishedState(base, demo, plan.map((e) => e.id));
	const missing = await demoKit.waitForWebhooks(base, plan.filter((e) => published[e.id]).flatMap((e) => e.webhooks));
	for (const p of missing) say(`warning: the webhook ${p} is published but n8n does not serve it yet`);

	demoKit.banner([
		`  n8n ${runtime.N8N_VERSION} with n8n-nodes-bybit is running`,
		'',
		`  Open:      ${base}`,
		`  Login:     ${demo.email}`,
		`  Password:  ${demo.password}`,
		'',
		`  Bybit sandbox: ${restUrl} (REST), ${wsUrl} (WebSocket)`,
		`  Credential "${demoKit.DEMO_CREDENTIAL_NAME}" points at the sandbox; examples are in the Overview.`,
		'',
		...demoKit.examplesBannerLines(base, plan, published, errors, staleIds),
		...(changedSinceImport.length
			? [`  Changed since your demo imported them (your copies are kept; \`npm start -- --reset\` re-imports):`, ...changedSinceImport.map((n) => `    ${n.replace(/^Bybit example: /, '')}`)]
			: []),
		'',
		'  Try it (the same alert twice is one order):',
		`    curl -X POST ${base}/webhook/bybit-alert -H 'content-type: application/json' \\`,
		`         -d '{"secret":"${demoKit.EXAMPLE_ALERT_SECRET}","id":"demo-1","ticker":"BYBIT:BTCUSDT.P","action":"buy","contracts":"0.01"}'`,
		'',
		'  Ctrl-C stops n8n and the sandbox. `npm start -- --reset` starts from fresh demo data.',
	]);
}

function tail(r) {
	return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-20).join('\n');
}

main().catch((err) => fail(err.stack || err.message));
