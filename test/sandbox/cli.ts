/**
 * Run the sandbox from the shell:
 *
 *   npm run sandbox -- --port 8790 --key K --secret S [--host 127.0.0.1] [--seed 1] [--no-rate-limits]
 *
 * Prints the REST and WebSocket base URLs and the key pair (a random pair
 * when none is given), then runs until Ctrl-C.
 */
import { startSandbox } from './index';

function parse(argv: string[]): Record<string, string | boolean> {
	const out: Record<string, string | boolean> = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) continue;
		const [name, inline] = a.slice(2).split('=', 2);
		if (inline !== undefined) out[name] = inline;
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[name] = argv[++i];
		else out[name] = true;
	}
	return out;
}

async function main(): Promise<void> {
	const args = parse(process.argv.slice(2));
	if (args.help || args.h) {
		process.stdout.write('usage: npm run sandbox -- [--port 8790] [--host 127.0.0.1] [--key K --secret S] [--seed N] [--no-rate-limits]\n');
		return;
	}
	if ((typeof args.key === 'string') !== (typeof args.secret === 'string')) {
		process.stderr.write('sandbox: --key and --secret go together (omit both for a random pair)\n');
		process.exit(2);
	}
	const port = args.port === undefined ? 8790 : Number(args.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		process.stderr.write(`sandbox: bad --port ${String(args.port)}\n`);
		process.exit(2);
	}
	let sandbox;
	try {
		sandbox = await startSandbox({
			port,
			host: typeof args.host === 'string' ? args.host : undefined,
			seed: typeof args.seed === 'string' ? Number(args.seed) : undefined,
			rateLimits: !args['no-rate-limits'],
			keys: typeof args.key === 'string' ? [{ apiKey: args.key, secret: String(args.secret) }] : undefined,
		});
	} catch (e) {
		const err = e as NodeJS.ErrnoException;
		process.stderr.write(err.code === 'EADDRINUSE' ? `sandbox: port ${port} is in use (pick another with --port)\n` : `sandbox: ${err.message}\n`);
		process.exit(1);
	}
	const { apiKey, secret } = sandbox.control.defaultKey;
	process.stdout.write(
		[
			'Bybit V5 sandbox running',
			`  REST:      ${sandbox.restUrl}`,
			`  WebSocket: ${sandbox.wsUrl}/v5/public/{spot|linear|inverse|option}, ${sandbox.wsUrl}/v5/private`,
			`  API key:   ${apiKey}`,
			`  Secret:    ${secret}`,
			`  Control:   POST ${sandbox.restUrl}/sandbox/<operation> (see test/sandbox/README.md)`,
			'Ctrl-C to stop.',
			'',
		].join('\n'),
	);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
