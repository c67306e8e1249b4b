/**
 * The stack the browser suite drives: the in-process Bybit sandbox (port 0), a fresh n8n 2.41.1
 * user folder with this package installed (scripts/runtime.js), `n8n start` on free ports, and
 * the owner account. Nothing is imported: the suite creates what it needs through the editor or
 * n8n's REST API, as a user would.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as runtime from '../../scripts/runtime';
import { freePort, httpJson, REPO, type HttpResult } from '../e2e/support';
import { startSandbox, type Sandbox } from '../sandbox';

export const OWNER = { email: 'ui@n8n-nodes-bybit.local', firstName: 'UI', lastName: 'Owner', password: 'Ui-owner-password-1' };

export interface Stack {
	base: string;
	sandbox: Sandbox;
	userFolder: string;
	/** n8n's REST API as the signed-in owner */
	rest(method: string, p: string, body?: unknown): Promise<HttpResult>;
	/** n8n's output so far (for error messages), secrets redacted */
	output(): string;
	stop(): Promise<void>;
}

export async function startStack(log: (msg: string) => void = () => undefined): Promise<Stack> {
	await runtime.ensureRuntime();
	const sandbox = await startSandbox({ port: 0 });
	const secret = sandbox.control.defaultKey.secret;
	const redact = (s: string) => s.split(secret).join('***');
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-ui-'));
	runtime.installPackage(userFolder, REPO);
	const port = await freePort();
	const env = runtime.n8nEnv(userFolder, port, { N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
	const base = `http://127.0.0.1:${port}`;

	let output = '';
	const child: ChildProcess = spawn(runtime.nodeBin(), [runtime.n8nBin(), 'start'], { env, cwd: userFolder, stdio: ['ignore', 'pipe', 'pipe'] });
	const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
			await exited;
			clearTimeout(t);
		}
		await sandbox.close();
		if (!process.env.BYBIT_UI_KEEP) fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		const t0 = Date.now();
		await new Promise<void>((resolve, reject) => {
			const onData = (d: Buffer) => {
				output += d.toString();
				if (output.includes('Editor is now accessible')) resolve();
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', onData);
			child.once('exit', (code) => reject(new Error(`n8n exited (${code}) before it was ready:\n${redact(output).slice(-4000)}`)));
			setTimeout(() => reject(new Error(`n8n not ready after 180 s:\n${redact(output).slice(-4000)}`)), 180_000).unref();
		});
		log(`n8n started in ${Math.round((Date.now() - t0) / 1000)} s at ${base}`);
		const setup = await httpJson('POST', `${base}/rest/owner/setup`, OWNER);
		if (setup.status !== 200) throw new Error(`owner setup answered ${setup.status}: ${setup.text.slice(0, 300)}`);
		const login = await httpJson('POST', `${base}/rest/login`, { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		const cookie = String((login.headers['set-cookie'] ?? []).find((c) => c.startsWith('n8n-auth=')) ?? '').split(';')[0];
		if (!cookie) throw new Error(`login answered ${login.status} without a session cookie`);
		return {
			base,
			sandbox,
			userFolder,
			rest: (method, p, body) => httpJson(method, `${base}${p}`, body, { cookie }),
			output: () => redact(output),
			stop,
		};
	} catch (err) {
		await stop();
		throw err;
	}
}
