/**
 * P5 footprint: time to load every node and credential module in a fresh
 * process (as n8n does at start-up), and the size of the published tarball.
 * Baseline in the same run: loading n8n-workflow alone, which every n8n node
 * pays anyway, so the figure reported is what this package adds.
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { median, type Figure } from './stats';

const ROOT = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).n8n;
/** Every module n8n loads from this package (as registered in package.json). */
const MODULES: string[] = [...manifest.credentials, ...manifest.nodes];

function loadTimeMs(files: string[]): number {
	const script = `
		require('n8n-workflow');
		const t = process.hrtime.bigint();
		for (const f of ${JSON.stringify(files.map((f) => join(ROOT, f)))}) require(f);
		process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
	return Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

export async function run(): Promise<Figure[]> {
	const missing = MODULES.filter((m) => !existsSync(join(ROOT, m)));
	if (missing.length) throw new Error(`not built: ${missing.join(', ')} (run npm run build)`);
	const runs = Array.from({ length: 7 }, () => loadTimeMs(MODULES));
	const load = median(runs);
	const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0];
	const kb = pack.size / 1024;
	return [
		{ id: 'P5a', name: 'load all node + credential modules (fresh process, after n8n-workflow)', value: `${load.toFixed(1)} ms`, target: '<= 30 ms', met: load <= 30 },
		{ id: 'P5b', name: `npm pack size (${pack.entryCount} files, unpacked ${(pack.unpackedSize / 1024).toFixed(0)} KB)`, value: `${kb.toFixed(1)} KB`, target: '<= 250 KB', met: kb <= 250 },
	];
}
