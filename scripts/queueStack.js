'use strict';
/**
 * n8n 2.41.1 in queue mode on loopback, for `npm run start:queue` and the queue-mode e2e suite:
 *
 *   Redis (Bull queue) + Postgres 17 (workflows, credentials, executions)   scripts/services.js
 *   1 main  `n8n start`   receives webhooks, holds the triggers, enqueues executions
 *   N workers `n8n worker` run the executions (manual ones too: OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS)
 *
 * Every process has its own user folder with the package installed as n8n's installer lays it out
 * (<folder>/.n8n/nodes/node_modules/n8n-nodes-bybit), one encryption key, one database, one Redis.
 * `stop()` stops what was started, by PID: workers and main first (SIGTERM, so the trigger closes
 * its sockets with 1000), then Redis and Postgres.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');

const runtime = require('./runtime');
const services = require('./services');

function requestJson(method, url, body, headers = {}) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const u = new URL(url);
		const req = http.request(
			{ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } },
			(res) => {
				let text = '';
				res.on('data', (d) => (text += d));
				res.on('end', () => {
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('error', reject);
		req.end(data);
	});
}

/** One n8n process with its output kept (and optionally echoed line by line). */
function startN8nProcess(label, args, env, cwd, echo) {
	const child = spawn(runtime.nodeBin(), [runtime.n8nBin(), ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	const proc = { label, child, output: '', exited: new Promise((r) => child.once('exit', (code, signal) => r(code === null ? signal : code))) };
	let partial = '';
	const onData = (d) => {
		proc.output += d;
		if (proc.output.length > 2_000_000) proc.output = proc.output.slice(-1_000_000);
		if (!echo) return;
		partial += d;
		let i;
		while ((i = partial.indexOf('\n')) >= 0) {
			echo(label, partial.slice(0, i));
			partial = partial.slice(i + 1);
		}
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	proc.waitFor = (text, timeoutMs = 180_000) =>
		new Promise((resolve, reject) => {
			const t0 = Date.now();
			const tick = () => {
				if (proc.output.includes(text)) return resolve();
				if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${label} exited before "${text}":\n${proc.output.slice(-3000)}`));
				if (Date.now() - t0 > timeoutMs) return reject(new Error(`${label}: no "${text}" within ${timeoutMs / 1000} s:\n${proc.output.slice(-3000)}`));
				setTimeout(tick, 200);
			};
			tick();
		});
	return proc;
}

async function runCli(args, env, what) {
	const r = await runtime.runN8n(args, env, { timeoutMs: 180_000 });
	if (r.code !== 0) throw new Error(`n8n ${what || args[0]} failed (${r.code}):\n${`${r.stdout}\n${r.stderr}`.split('\n').slice(-30).join('\n')}`);
	return r;
}

/**
 * Starts the stack: in queue mode (default), or one n8n process on SQLite with `queue: false`
 * (no Redis, Postgres or workers). Options:
 *   dir          folder for the user folders (created; kept)
 *   port         the main's HTTP port (default: a free one)
 *   workers      how many workers (default 2)
 *   concurrency  executions per worker (default 10)
 *   credentials  [{ id, name, type, data }] imported before start
 *   workflows    [workflow objects] imported before start
 *   publish      workflow ids to publish (activate) before start
 *   owner        { email, firstName, lastName, password } set up and logged in
 *   env          extra environment for every n8n process
 *   echo         (label, line) => void, to print the processes' output
 *   redisPort, postgresPort, postgresDir: fixed ports / a kept data folder (start:queue)
 */
async function startN8nStack(options) {
	const queue = options.queue !== false;
	const started = [];
	const stack = { processes: [], redis: undefined, postgres: undefined };
	stack.stop = async () => {
		const n8ns = [...stack.processes].reverse();
		await Promise.all(n8ns.map((p) => services.stopProcess(p.child, 'SIGTERM', 20000)));
		await Promise.all(started.map((s) => s.stop()));
	};
	try {
		await runtime.ensureRuntime();
		let queueEnv = { N8N_LOG_LEVEL: 'info', ...(options.env || {}) };
		if (queue) {
			const [redis, postgres] = await Promise.all([
				services.startRedis({ port: options.redisPort }),
				services.startPostgres({ port: options.postgresPort, dir: options.postgresDir }),
			]);
			started.push(redis, postgres);
			stack.redis = redis;
			stack.postgres = postgres;
			queueEnv = {
				...postgres.env,
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				QUEUE_HEALTH_CHECK_ACTIVE: 'false',
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
				...queueEnv,
			};
		}
		const port = options.port || (await services.freePort());
		const folder = (name) => {
			const f = path.join(options.dir, name);
			fs.mkdirSync(f, { recursive: true, mode: 0o700 });
			runtime.installPackage(f);
			return f;
		};
		const mainFolder = folder('main');
		const mainEnv = runtime.n8nEnv(mainFolder, port, { ...queueEnv, N8N_RUNNERS_BROKER_PORT: String(await services.freePort()) });

		if (options.credentials && options.credentials.length) {
			const file = path.join(mainFolder, 'credentials.import.json');
			fs.writeFileSync(file, JSON.stringify(options.credentials), { mode: 0o600 });
			try {
				await runCli(['import:credentials', `--input=${file}`], mainEnv, 'import:credentials');
			} finally {
				fs.rmSync(file, { force: true });
			}
		}
		if (options.workflows && options.workflows.length) {
			const wfDir = path.join(mainFolder, 'workflows.import');
			fs.rmSync(wfDir, { recursive: true, force: true });
			fs.mkdirSync(wfDir);
			for (const wf of options.workflows) fs.writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
			await runCli(['import:workflow', '--separate', `--input=${wfDir}`], mainEnv, 'import:workflow');
		}
		for (const id of options.publish || []) await runCli(['publish:workflow', `--id=${id}`], mainEnv, `publish:workflow ${id}`);

		const main = startN8nProcess('main', ['start'], mainEnv, mainFolder, options.echo);
		stack.processes.push(main);
		await main.waitFor('Editor is now accessible');
		stack.main = main;
		stack.workers = [];
		/** Starts `count` more workers; resolves when they are ready to take jobs. */
		stack.addWorkers = async (count) => {
			const added = [];
			for (let k = 0; k < count; k++) {
				const label = `worker-${stack.workers.length + 1}`;
				const f = folder(label);
				const env = runtime.n8nEnv(f, port, { ...queueEnv, N8N_RUNNERS_BROKER_PORT: String(await services.freePort()) });
				const worker = startN8nProcess(label, ['worker', `--concurrency=${options.concurrency || 10}`], env, f, options.echo);
				stack.processes.push(worker);
				stack.workers.push(worker);
				added.push(worker);
			}
			await Promise.all(added.map((w) => w.waitFor('n8n worker is now ready')));
		};
		if (queue) await stack.addWorkers(options.workers === undefined ? 2 : options.workers);

		stack.base = `http://127.0.0.1:${port}`;
		stack.port = port;
		stack.mainEnv = mainEnv;
		if (options.owner) {
			const setup = await requestJson('POST', `${stack.base}/rest/owner/setup`, options.owner);
			if (setup.status !== 200 && !/already/i.test(setup.text)) throw new Error(`owner setup answered ${setup.status}: ${setup.text.slice(0, 300)}`);
			const login = await requestJson('POST', `${stack.base}/rest/login`, { emailOrLdapLoginId: options.owner.email, password: options.owner.password });
			if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text.slice(0, 300)}`);
			stack.cookie = String((login.headers['set-cookie'] || []).find((c) => c.startsWith('n8n-auth=')) || '').split(';')[0];
		}
		/**
		 * n8n 2.41 registers published workflows' webhooks a few seconds after "Editor is now accessible":
		 * resolves once each POST path is registered (a GET then answers "Did you mean to make a POST request?").
		 */
		stack.waitForWebhooks = async (paths, timeoutMs = 60_000) => {
			const t0 = Date.now();
			for (const p of paths) {
				for (;;) {
					const r = await requestJson('GET', `${stack.base}/webhook/${p}`);
					if (r.status !== 404 || /Did you mean to make a/.test(r.text)) break;
					if (Date.now() - t0 > timeoutMs) throw new Error(`webhook ${p} not registered within ${timeoutMs / 1000} s: ${r.text.slice(0, 200)}`);
					await new Promise((res) => setTimeout(res, 250));
				}
			}
		};
		/** Which worker ran each execution, from the workers' "Worker started execution N" lines. */
		stack.executionsByWorker = () =>
			Object.fromEntries(stack.workers.map((w) => [w.label, [...w.output.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1])]));
		return stack;
	} catch (err) {
		await stack.stop().catch(() => undefined);
		throw err;
	}
}

/** The queue-mode stack (see startN8nStack). */
function startQueueStack(options) {
	return startN8nStack({ ...options, queue: true });
}

module.exports = { startN8nStack, startQueueStack, requestJson };
