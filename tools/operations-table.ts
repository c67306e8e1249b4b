/** Prints the README's operations table from the specs (the single source of truth). */
import { isPublicRead } from '../credentials/common/bybit/safety';
import { ALL_SPECS } from '../nodes/Bybit/actions/index';

/** The signer's own rule (GET /v5/market/..., system status, announcements). */
const PUBLIC = (path: string) => isPublicRead('GET', path);
const request = (s: (typeof ALL_SPECS)[number]) => (s.anyEndpoint ? 'GET or POST `/v5/...` (any documented path)' : `${s.method} \`${s.path}\``);
const access = (s: (typeof ALL_SPECS)[number]) =>
	s.anyEndpoint ? 'public (no credential: GET `/v5/market/...`) or private, writes under the credential\'s limits' : `${PUBLIC(s.path) ? 'public (credential optional)' : 'private'}${s.write ? ', writes' : ''}`;
const rows = ALL_SPECS.map((s) => `| ${s.resource} | ${s.operation} | ${s.name} | ${request(s)} | ${access(s)} |`);
process.stdout.write(['| resource | operation | name | request | access |', '|---|---|---|---|---|', ...rows].join('\n') + '\n');
