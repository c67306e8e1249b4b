/**
 * Public market data in real n8n with NO credential on the Bybit node
 * (issue #14, section 3): Authentication "None", Environment Custom URL (the
 * sandbox). The market operations and a public Custom API Call run unsigned
 * (no X-BAPI header reaches the sandbox); a private Custom API Call and an
 * operation that needs the credential fail before sending, naming the fix.
 * Kept apart from cases.ts so other case lists merge cleanly.
 */
import type { ExecuteCase, Json, Workflow } from './support';

let restUrl = '';

/** Records the sandbox URL the workflow's nodes read from (called once the sandbox runs). */
export function usePublicSandbox(url: string): void {
	restUrl = url;
}

const BTC = { __rl: true, mode: 'id', value: 'BTCUSDT' };

function bybitNode(name: string, parameters: Json, x: number) {
	return {
		id: `e2ePublic-${x}`,
		name,
		type: 'n8n-nodes-bybit.bybit',
		typeVersion: 1,
		position: [x * 220, 0] as [number, number],
		parameters,
		// no `credentials`: the node runs without one
		executeOnce: true,
		alwaysOutputData: true,
		onError: 'continueRegularOutput',
	};
}

function publicWorkflow(): Workflow {
	const none = { authentication: 'none', environment: 'custom', baseUrl: restUrl };
	const nodes = [
		{ id: 'e2ePublic-0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} },
		bybitNode('Tickers', { resource: 'market', operation: 'getTickers', ...none, category: 'linear', symbol: BTC, returnAll: true }, 1),
		bybitNode('Kline', { resource: 'market', operation: 'getKline', ...none, category: 'linear', symbol: BTC, interval: '60', limit: 3 }, 2),
		bybitNode('Custom GET', { resource: 'custom', operation: 'apiCall', ...none, method: 'GET', path: '/v5/market/orderbook', parameters: { parameter: [{ name: 'category', value: 'linear' }, { name: 'symbol', value: 'BTCUSDT' }, { name: 'limit', value: '5' }] } }, 3),
		bybitNode('Custom POST', { resource: 'custom', operation: 'apiCall', ...none, method: 'POST', path: '/v5/order/create', specifyParameters: 'json', jsonParameters: '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.01"}' }, 4),
		bybitNode('Wallet', { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED' }, 5),
		bybitNode('Status', { resource: 'market', operation: 'getSystemStatus', ...none }, 6),
	];
	const connections: Workflow['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id: 'e2ePublicNoCredential', name: 'e2e public market data without a credential', nodes, connections, settings: { executionOrder: 'v1' } };
}

export const PUBLIC_CASES: ExecuteCase[] = [
	{
		title: 'Bybit node without a credential: market data and a public Custom API Call unsigned; private calls refused before sending',
		needs: ['action'],
		workflow: publicWorkflow,
		check: (out, { requests }) => {
			expect(out['Tickers'][0]).toMatchObject({ symbol: 'BTCUSDT' });
			expect(out['Kline']).toHaveLength(3);
			expect(out['Custom GET'][0]).toMatchObject({ s: 'BTCUSDT' });
			expect(JSON.stringify(out['Custom POST'])).toMatch(/POST \/v5\/order\/create needs a Bybit API credential/);
			expect(JSON.stringify(out['Wallet'])).toMatch(/needs a Bybit API credential, and none is set\. Add a Bybit credential to the node/);
			expect(out['Status']).toEqual([expect.objectContaining({ maintenanceOngoing: false, ongoing: [] })]);
			expect(requests.map((r) => r.path).sort()).toEqual(['/v5/market/kline', '/v5/market/orderbook', '/v5/market/tickers', '/v5/system/status']);
			for (const r of requests) {
				expect([r.path, Object.keys(r.headers ?? {}).filter((h) => h.toLowerCase().startsWith('x-bapi')), r.signatureValid]).toEqual([r.path, [], null]);
			}
		},
	},
];
