/** Prints the README's operations table from the specs (the single source of truth). */
import { ALL_SPECS } from '../nodes/Bybit/actions/index';

const PUBLIC = (path: string) => path.startsWith('/v5/market/');
const rows = ALL_SPECS.map(
	(s) => `| ${s.resource} | ${s.operation} | ${s.name} | ${s.method} \`${s.path}\` | ${PUBLIC(s.path) ? 'public' : 'private'}${s.write ? ', writes' : ''} |`,
);
process.stdout.write(['| resource | operation | name | request | access |', '|---|---|---|---|---|', ...rows].join('\n') + '\n');
