/**
 * The n8n line the real-n8n suites run on, and what differs between the lines they drive.
 *
 * `npm test` runs test/e2e on n8n 2.41.1 (the default), then n8n.e2e, trigger-restart.e2e and
 * agent.e2e once more on the newest n8n 1.123.x (scripts/test-n8n-1x.js sets N8N_VERSION, which
 * scripts/runtime.js reads). Everything a suite does differently on 1.x goes through here:
 *
 * - making a workflow's triggers and webhooks live: 2.x `n8n publish:workflow --id`,
 *   1.x `n8n update:workflow --id --active=true` (1.x has no publish:workflow);
 * - the owner account, login cookie and public-API key over /rest (same routes on both lines);
 * - POST /rest/credentials/test: 2.x tests unsaved data (id ''); 1.x answers 403 unless the id is a
 *   credential the user can read (its editor saves first), then tests the data sent with it.
 */
import * as runtime from '../../scripts/runtime';
import { httpJson } from './support';

export const N8N_VERSION = runtime.N8N_VERSION;
export const IS_N8N_1 = runtime.N8N_MAJOR < 2;
/** "real n8n 1.123.81" / "real n8n 2.41.1": the suites' titles name the line they ran on. */
export const REAL_N8N = `real n8n ${N8N_VERSION}`;

/** CLI arguments that make an imported workflow's triggers and webhooks live at the next `n8n start`. */
export function activateArgs(workflowId: string): string[] {
	return IS_N8N_1 ? ['update:workflow', `--id=${workflowId}`, '--active=true'] : ['publish:workflow', `--id=${workflowId}`];
}

export const E2E_OWNER = { email: 'e2e@n8n-nodes-bybit.local', firstName: 'E2E', lastName: 'Owner', password: 'E2e-owner-password-1' };

export interface OwnerSession {
	/** the `n8n-auth=...` cookie for /rest */
	cookie: string;
	/** a public-API key (X-N8N-API-KEY) with the scopes asked for */
	apiKey: string;
}

/** Creates the owner on a fresh n8n, logs in, and creates a public-API key. */
export async function ownerSession(base: string, scopes: string[]): Promise<OwnerSession> {
	const setup = await httpJson('POST', `${base}/rest/owner/setup`, E2E_OWNER);
	if (setup.status !== 200) throw new Error(`owner setup answered ${setup.status}: ${setup.text.slice(0, 300)}`);
	const login = await httpJson('POST', `${base}/rest/login`, { emailOrLdapLoginId: E2E_OWNER.email, password: E2E_OWNER.password });
	if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text.slice(0, 300)}`);
	const cookie = String((login.headers['set-cookie'] ?? []).find((c) => c.startsWith('n8n-auth=')) ?? '').split(';')[0];
	if (!/^n8n-auth=/.test(cookie)) throw new Error(`login set no n8n-auth cookie: ${JSON.stringify(login.headers['set-cookie'])}`);
	const key = await httpJson('POST', `${base}/rest/api-keys`, { label: 'e2e', expiresAt: null, scopes }, { cookie });
	if (key.status !== 200 || !key.json?.data?.rawApiKey) throw new Error(`API key creation answered ${key.status}: ${key.text.slice(0, 300)}`);
	return { cookie, apiKey: String(key.json.data.rawApiKey) };
}

/** The credential id a /rest/credentials/test body carries: '' (unsaved) on 2.x, a stored one on 1.x. */
export function credentialTestId(storedId: string): string {
	return IS_N8N_1 ? storedId : '';
}
