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

/**
 * One n8n process with its output kept (and optionally echoed line by line). Detached (its own
 * process group), so a Ctrl-C in the terminal reaches only the script that started it, which
 * stops n8n before Redis and Postgres. `proc.spawn()` starts it again in the same object (the
 * output is kept: executionsByWorker() still counts what the previous process ran).
 */
function startN8nProcess(label, args, env, cwd, echo) {
	const proc = { label, output: '' };
	proc.spawn = () => {
		const child = spawn(runtime.nodeBin(), [runtime.n8nBin(), ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
		proc.child = child;
		proc.exited = new Promise((r) => child.once('exit', (code, signal) => r(code === null ? signal : code)));
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
		return child;
	};
	proc.spawn();
	/** Resolves once `text` appears in the output after `from` (an offset into proc.output). */
	proc.waitFor = (text, timeoutMs = 180_000, from = 0) =>
		new Promise((resolve, reject) => {
			const t0 = Date.now();
			const child = proc.child;
			const tick = () => {
				if (proc.output.indexOf(text, from) >= 0) return resolve();
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
 *   restarts     how many times a worker that dies is restarted within restartWindowMs (default 3 in
 *                10 min; 0: never). Every death and restart is reported through `report`.
 *   report       (message, event) => void, for worker deaths and restarts (default: stderr).
 *                event = { type: 'died' | 'restarting' | 'restarted' | 'gave-up' | 'restart-failed' | 'main-died', label, pid, code, signal };
 *                also kept in stack.events (with the message)
 *   onMainExit   (event) => void, when the main process dies unexpectedly
 *   onStack      (stack) => void, called at once with the stack object (its stop() works before start resolves)
 *   redisPort, postgresPort, postgresDir: fixed ports / a kept data folder (start:queue)
 */
async function startN8nStack(options) {
	const queue = options.queue !== false;
	const started = [];
	const stack = { processes: [], redis: undefined, postgres: undefined, events: [], stopping: false };
	const report = options.report || ((message) => process.stderr.write(`${message}\n`));
	const maxRestarts = options.restarts === undefined ? 3 : options.restarts;
	const restartWindowMs = options.restartWindowMs || 10 * 60_000;
	// n8n main and workers run detached: should this process end without stop(), they go with it.
	const killAll = () => {
		for (const c of [...stack.processes.map((p) => p.child), ...started.map((s) => s.child)]) {
			try {
				if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
			} catch {
				/* gone */
			}
		}
	};
	process.once('exit', killAll);
	const stopAll = () => {
		stack.stopping = true;
		// n8n main and workers first, and wait for them (the workers finish their jobs, the trigger
		// closes its sockets), then Redis and Postgres, which n8n needs while it shuts down.
		// The grace is above n8n's own shutdown timeout (30 s); a main that still waits for an execution
		// whose worker died (n8n never clears it) is killed then, and said so.
		const n8ns = [...stack.processes].reverse();
		const stopN8n = async (p) => {
			const wasRunning = p.child.exitCode === null && p.child.signalCode === null;
			await services.stopProcess(p.child, 'SIGTERM', 35000);
			if (wasRunning && p.child.signalCode === 'SIGKILL') report(`${p.label} (pid ${p.child.pid}) did not stop within 35 s of SIGTERM: killed.`, { type: 'killed', label: p.label, pid: p.child.pid });
		};
		return Promise.all(n8ns.map(stopN8n)).then(() => Promise.all(started.map((s) => s.stop())));
	};
	let stopped;
	stack.stop = () => {
		if (!stopped) stopped = stopAll().then(() => process.removeListener('exit', killAll));
		return stopped;
	};
	const emit = (event, message) => {
		stack.events.push({ ...event, at: Date.now(), message });
		report(message, event);
	};
	/** Reports a process that dies while the stack is not stopping; restarts workers within the budget. */
	const supervise = (proc, role, readyText) => {
		const child = proc.child;
		child.once('exit', (code, signal) => {
			if (stack.stopping) return;
			// whatever the dead process left in its process group (its task runner) goes with it
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				/* nothing left */
			}
			const how = signal ? `killed by ${signal}` : `exit code ${code}`;
			const base = { label: proc.label, pid: child.pid, code, signal };
			if (role === 'main') {
				emit({ ...base, type: 'main-died' }, `!!! n8n main (pid ${child.pid}) died: ${how}. Webhooks and triggers are down.`);
				if (options.onMainExit) options.onMainExit(base);
				return;
			}
			const now = Date.now();
			proc.crashes = (proc.crashes || []).filter((t) => now - t < restartWindowMs);
			proc.crashes.push(now);
			const alive = stack.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).length;
			emit({ ...base, type: 'died' }, `!!! ${proc.label} (pid ${child.pid}) died: ${how}. ${alive} of ${stack.workers.length} worker(s) running. An execution it was running is not re-run by n8n (its webhook caller gets a 500): re-send that alert (same id) within Max Alert Age.`);
			if (proc.crashes.length > maxRestarts) {
				emit({ ...base, type: 'gave-up' }, `!!! ${proc.label} died ${proc.crashes.length} times within ${Math.round(restartWindowMs / 60000)} min: not restarted again (restart budget ${maxRestarts}). See its output above.`);
				return;
			}
			const delayMs = 1000 * proc.crashes.length;
			emit({ ...base, type: 'restarting' }, `!!! restarting ${proc.label} in ${delayMs / 1000} s (restart ${proc.crashes.length} of ${maxRestarts} within ${Math.round(restartWindowMs / 60000)} min)...`);
			setTimeout(() => {
				if (stack.stopping) return;
				const from = proc.output.length;
				proc.output += `\n--- ${proc.label} restarted after it died (${how}) ---\n`;
				proc.spawn();
				supervise(proc, role, readyText);
				proc.waitFor(readyText, 180_000, from).then(
					() => emit({ ...base, pid: proc.child.pid, type: 'restarted' }, `!!! ${proc.label} restarted: pid ${proc.child.pid}, ready.`),
					(err) => emit({ ...base, type: 'restart-failed' }, `!!! ${proc.label} did not start again: ${err.message.split('\n')[0]}`),
				);
			}, delayMs);
		});
	};
	stack.supervise = supervise;
	// The caller can stop what has started so far (a Ctrl-C during the start), before this resolves.
	if (options.onStack) options.onStack(stack);
	const checkStopping = () => {
		if (stack.stopping) throw new Error('stopped while starting');
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
			checkStopping();
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

		checkStopping();
		const main = startN8nProcess('main', ['start'], mainEnv, mainFolder, options.echo);
		stack.processes.push(main);
		await main.waitFor('Editor is now accessible');
		stack.main = main;
		supervise(main, 'main', 'Editor is now accessible');
		stack.workers = [];
		/** Starts `count` more workers; resolves when they are ready to take jobs. */
		stack.addWorkers = async (count) => {
			const added = [];
			checkStopping();
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
			for (const w of added) supervise(w, 'worker', 'n8n worker is now ready');
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
		await stopAll().catch(() => undefined); // what started while an early stop() ran
		process.removeListener('exit', killAll);
		throw err;
	}
}

/** The queue-mode stack (see startN8nStack). */
function startQueueStack(options) {
	return startN8nStack({ ...options, queue: true });
}

module.exports = { startN8nStack, startQueueStack, requestJson };
