/**
 * `npm run bench`: prints P1-P5 (issue #8) with their targets. Every speed
 * figure is a ratio against a baseline measured in the same run, side by
 * side, because absolute times on shared 2-core machines are not stable.
 */
import { printFigures, type Figure } from './stats';

type Bench = { run: () => Promise<Figure[]> };

const BENCHES: Array<[string, () => Promise<Bench>]> = [
	['P1 request overhead', () => import('./p1-request-overhead')],
	['P2 order flow', () => import('./p2-order-flow')],
	['P3 trigger throughput', () => import('./p3-trigger-throughput')],
	['P4 reconnect', () => import('./p4-reconnect')],
	['P5 footprint', () => import('./p5-footprint')],
	['P6 queue mode', () => import('./p6-queue')],
	['P7 alert latency', () => import('./p7-alert-latency')],
	['P7n alert latency with a network between n8n and Bybit (latency proxy)', () => import('./p7-network')],
	['P8 shared connections', () => import('./p8-shared-connections')],
	['P8n shared connections in a real n8n', () => import('./p8-real-n8n')],
	['P9 WebSocket order entry', () => import('./p9-ws-orders')],
];

async function main(): Promise<void> {
	const only = process.argv.slice(2);
	const figures: Figure[] = [];
	for (const [name, load] of BENCHES) {
		// `P8` runs P8 only, `P8n` the real-n8n part; a longer argument ("P1 req") matches by prefix
		const id = name.split(' ')[0];
		if (only.length && !only.some((o) => o === id || (o.length > id.length && name.startsWith(o)))) continue;
		process.stdout.write(`running ${name}...\n`);
		try {
			figures.push(...(await (await load()).run()));
		} catch (error) {
			figures.push({ id: name.split(' ')[0], name, value: 'failed', target: '-', met: false, note: (error as Error).message });
		}
	}
	process.stdout.write('\n');
	printFigures(figures);
}

void main();
