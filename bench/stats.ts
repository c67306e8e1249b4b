/** Small statistics helpers for benchmarks that report ratios measured side by side. */
export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Figure {
	id: string;
	name: string;
	value: string;
	target: string;
	met: boolean;
	note?: string;
}

export function printFigures(figures: Figure[]): void {
	const rows = figures.map((f) => [f.id, f.name, f.value, f.target, f.met ? 'met' : 'MISSED', f.note ?? '']);
	const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i].length), 4));
	for (const r of rows) {
		process.stdout.write(`${r.slice(0, 5).map((c, i) => c.padEnd(widths[i])).join('  ')}  ${r[5]}\n`);
	}
}

export function hrtimeMs(start: bigint): number {
	return Number(process.hrtime.bigint() - start) / 1e6;
}
