#!/usr/bin/env node
'use strict';
/**
 * `npm run start:queue`: the demo stack in n8n's queue mode on loopback.
 *
 *   Redis + Postgres 17 (scripts/services.js), n8n 2.41.1 main + 2 workers (scripts/queueStack.js),
 *   each with this package installed, the Bybit sandbox, the demo credential and the examples.
 *
 * The queue demo starts from fresh data every time (Postgres in a temporary folder, removed on
 * Ctrl-C); the single-process `npm start` keeps its data. Ctrl-C stops everything it started, by PID:
 * n8n main and workers first (waiting for them), then Redis and Postgres (each in its own process
 * group, so the terminal's Ctrl-C does not reach them before n8n is down), then the sandbox.
 *
 * The examples that talk only to the sandbox are published (the banner lists their production
 * webhook URLs; the one that posts to a chat URL is left for you to set and publish). The demo
 * credential's Processes Sharing This Key is QUEUE_WORKERS + 1: every worker runs the Bybit node,
 * and the main process runs the published examples' Bybit Triggers, which catch up over REST with
 * the same key. A worker that dies is reported and restarted (at most 3 times in 10 minutes).
 *
 * Environment: N8N_PORT (5678), SANDBOX_PORT (8790), QUEUE_WORKERS (2), REDIS_PORT / POSTGRES_PORT
 * (free ports when unset). Flags: --skip-build.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const runtime = require('./runtime');
const demoKit = require('./demo');
const { startQueueStack } = require('./queueStack');
const services = require('./services');

const { say, fail, portFree } = demoKit;
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 8790);
const WORKERS = Math.max(1, Number(process.env.QUEUE_WORKERS || 2));
const args = new Set(process.argv.slice(2));

demoKit.supervise('start:queue');

async function main() {
	const busy = [];
	if (!(await portFree(N8N_PORT))) busy.push(`n8n port ${N8N_PORT} is in use (set N8N_PORT=<free port>); is \`npm start\` running?`);
	if (!(await portFree(SANDBOX_PORT))) busy.push(`sandbox port ${SANDBOX_PORT} is in use (set SANDBOX_PORT=<free port>)`);
	if (busy.length) return fail(`cannot start:\n  - ${busy.join('\n  - ')}`);

	try {
		const rt = await runtime.ensureRuntime();
		say(`n8n ${runtime.N8N_VERSION} on Node ${runtime.NODE_VERSION}: ${rt.dir}`);
		await demoKit.buildPackage(args.has('--skip-build'));
	} catch (err) {
		return fail(err.message);
	}

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-queue-demo-'));
	const pgDir = fs.mkdtempSync(path.join(services.isRoot() ? '/var/tmp' : os.tmpdir(), 'n8n-bybit-queue-pg-'));
	const demoDir = path.join(runtime.cacheRoot(), 'demo');
	fs.mkdirSync(demoDir, { recursive: true, mode: 0o700 });
	const demo = demoKit.demoLogin(demoDir); // the same login as `npm start`
	const owner = { email: demo.email, firstName: 'Demo', lastName: 'Owner', password: demo.password };
	// Every worker runs the Bybit node; main runs the published examples' Bybit Triggers, whose catch-up uses the key too.
	const sharing = WORKERS + 1;
	let stack;
	demoKit.onStop(async () => {
		if (stack) await stack.stop();
		fs.rmSync(dir, { recursive: true, force: true });
		fs.rmSync(pgDir, { recursive: true, force: true });
	});

	let sandbox;
	try {
		sandbox = await demoKit.startSandboxService(SANDBOX_PORT, demo);
	} catch (err) {
		return fail(err.message);
	}

	say(`starting Redis, Postgres 17, n8n main and ${WORKERS} worker(s) (the first start runs n8n's database migrations, about a minute)...`);
	const passthrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^N8N_/.test(k) && !['N8N_BYBIT_CACHE', 'N8N_PORT'].includes(k)));
	try {
		stack = await startQueueStack({
			dir,
			port: N8N_PORT,
			workers: WORKERS,
			redisPort: Number(process.env.REDIS_PORT) || undefined,
			postgresPort: Number(process.env.POSTGRES_PORT) || undefined,
			postgresDir: pgDir,
			credentials: [demoKit.demoCredential(sandbox, demo, { processesSharingKey: sharing })],
			workflows: demoKit.exampleWorkflows().map((e) => e.workflow),
			owner,
			env: passthrough,
			echo: (label, line) => process.stdout.write(`[${label}] ${line}\n`),
			onStack: (s) => (stack = s),
			report: loud,
			onMainExit: () => fail('n8n main died (see above); stopping the demo.'),
		});
	} catch (err) {
		return fail(err.message);
	}

	const plan = demoKit.examplePlan();
	say(`publishing the examples that talk only to the sandbox (${plan.filter((e) => e.publish).length} of ${plan.length})...`);
	const results = await demoKit.publishWorkflows(stack.base, owner, plan.filter((e) => e.publish).map((e) => e.id));
	const errors = Object.fromEntries(Object.entries(results).filter(([, r]) => !r.ok).map(([id, r]) => [id, r.error]));
	const published = Object.fromEntries(plan.map((e) => [e.id, Boolean(results[e.id] && results[e.id].ok)]));
	const missing = await demoKit.waitForWebhooks(stack.base, plan.filter((e) => published[e.id]).flatMap((e) => e.webhooks));
	for (const p of missing) say(`warning: the webhook ${p} is published but n8n does not serve it yet`);

	demoKit.banner([
		`  n8n ${runtime.N8N_VERSION} in queue mode with n8n-nodes-bybit is running`,
		'',
		`  Open:      ${stack.base}`,
		`  Login:     ${demo.email}`,
		`  Password:  ${demo.password}`,
		'',
		`  main (webhooks, triggers) pid ${stack.main.child.pid}; workers ${stack.workers.map((w) => `${w.label} pid ${w.child.pid}`).join(', ')}`,
		`  Redis 127.0.0.1:${stack.redis.port} (pid ${stack.redis.pid}), Postgres 17 127.0.0.1:${stack.postgres.port} (pid ${stack.postgres.pid})`,
		`  Bybit sandbox: ${sandbox.restUrl} (REST), ${sandbox.wsUrl} (WebSocket)`,
		`  Credential "${demoKit.DEMO_CREDENTIAL_NAME}" points at the sandbox, Processes Sharing This Key = ${sharing}`,
		`  (${WORKERS} worker(s) + main, which runs the Bybit Triggers); examples are in the Overview.`,
		'',
		...demoKit.examplesBannerLines(stack.base, plan, published, errors),
		'',
		'  Try it (the same alert twice is one order):',
		`    curl -X POST ${stack.base}/webhook/bybit-alert -H 'content-type: application/json' \\`,
		`         -d '{"secret":"${demoKit.EXAMPLE_ALERT_SECRET}","id":"demo-1","ticker":"BYBIT:BTCUSDT.P","action":"buy","contracts":"0.01"}'`,
		'  Executions run on the workers: their lines read "Worker started execution N". A worker that dies',
		'  is reported here and restarted (3 times in 10 min at most); re-send an alert it was running.',
		'',
		'  Ctrl-C stops n8n and the workers, then Redis, Postgres and the sandbox.',
	]);
}

/** Worker deaths and restarts: impossible to miss in the scrolling log. */
function loud(message) {
	const bar = '!'.repeat(72);
	process.stderr.write(`\n${bar}\n[start:queue] ${message}\n${bar}\n\n`);
}

main().catch((err) => fail(err.stack || err.message));
