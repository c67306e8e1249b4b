/** Prints the README's operations table from the specs (the single source of truth). */
import { ALL_SPECS } from '../nodes/Bybit/actions/index';

const PUBLIC = (path: string) => path.startsWith('/v5/market/');
const request = (s: (typeof ALL_SPECS)[number]) => (s.anyEndpoint ? 'GET or POST `/v5/...` (any documented path)' : `${s.method} \`${s.path}\``);
const access = (s: (typeof ALL_SPECS)[number]) =>
	s.anyEndpoint ? 'public (no credential: GET `/v5/market/...`) or private, writes under the credential\'s limits' : `${PUBLIC(s.path) ? 'public (credential optional)' : 'private'}${s.write ? ', writes' : ''}`;
const rows = ALL_SPECS.map((s) => `| ${s.resource} | ${s.operation} | ${s.name} | ${request(s)} | ${access(s)} |`);
process.stdout.write(['| resource | operation | name | request | access |', '|---|---|---|---|---|', ...rows].join('\n') + '\n');
