/**
 * A real n8n for the e2e suites that start and stop it themselves (gallery, trigger-restart): its
 * CLI commands, `n8n start` until the editor is accessible (each start's output saved, redacted, as
 * n8n-start-N.log in the user folder), and a stop that waits for the exit (SIGTERM, then SIGKILL
 * after 30 s). `where` is read at each call: the suites fill env and user folder in beforeAll.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import * as runtime from '../../scripts/runtime';

export interface N8nProcess {
	/** Runs an n8n CLI command (import, publish, ...); throws with its redacted output if it fails. */
	n8n(args: string[]): Promise<void>;
	start(): Promise<void>;
	stop(): Promise<void>;
}

export function n8nProcess(where: () => { env: NodeJS.ProcessEnv; userFolder: string }, redact: (s: string) => string): N8nProcess {
	let child: ChildProcess | undefined;
	let exited: Promise<number | null> = Promise.resolve(null);
	let starts = 0;
	return {
		async n8n(args) {
			const r = await runtime.runN8n(args, where().env, { timeoutMs: 180_000 });
			if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} exited with ${r.code}:\n${redact(`${r.stdout}\n${r.stderr}`).slice(-3000)}`);
		},
		async start() {
			const { env, userFolder } = where();
			let output = '';
			const logFile = path.join(userFolder, `n8n-start-${++starts}.log`);
			const proc = spawn(runtime.nodeBin(), [runtime.n8nBin(), 'start'], { env, cwd: userFolder, stdio: ['ignore', 'pipe', 'pipe'] });
			child = proc;
			exited = new Promise((r) => proc.once('exit', (code) => r(code)));
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`n8n not ready after 180 s:\n${redact(output).slice(-3000)}`)), 180_000);
				const onData = (d: Buffer) => {
					output += d.toString();
					fs.appendFileSync(logFile, redact(d.toString()));
					if (output.includes('Editor is now accessible')) {
						clearTimeout(timer);
						resolve();
					}
				};
				proc.stdout!.on('data', onData);
				proc.stderr!.on('data', onData);
				proc.once('exit', (code) => {
					clearTimeout(timer);
					reject(new Error(`n8n exited (${code}) before it was ready:\n${redact(output).slice(-3000)}`));
				});
			});
		},
		async stop() {
			if (!child || child.exitCode !== null || child.signalCode !== null) return;
			const proc = child;
			proc.kill('SIGTERM');
			const t = setTimeout(() => proc.kill('SIGKILL'), 30_000);
			await exited;
			clearTimeout(t);
		},
	};
}
