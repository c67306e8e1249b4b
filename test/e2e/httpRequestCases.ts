/**
 * n8n's own HTTP Request node with the Bybit credential (authentication
 * "predefinedCredentialType", nodeCredentialType bybitApi): the legacy request
 * options it hands to `authenticate` are signed over the bytes sent, and the
 * credential's safety limits hold there too (a read-only credential sends
 * nothing). Kept apart from cases.ts so other case lists merge cleanly.
 */
import { CRED_ID, type ExecuteCase, type Json, type Workflow } from './support';

export const READ_ONLY_CRED_ID = 'e2eBybitReadOnly';

let restUrl = '';

/** The extra credentials these cases use; records the sandbox URL the workflow calls. */
export function httpRequestCredentials(credData: (over?: Json) => Json): Json[] {
	restUrl = String(credData().baseUrl);
	return [{ id: READ_ONLY_CRED_ID, name: 'Bybit sandbox (read-only, e2e)', type: 'bybitApi', data: credData({ readOnly: true }) }];
}

function httpNode(name: string, credentialId: string, parameters: Json, x: number) {
	return {
		id: `e2eHttp-${x}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [x * 220, 0] as [number, number],
		parameters: { authentication: 'predefinedCredentialType', nodeCredentialType: 'bybitApi', options: {}, ...parameters },
		credentials: { bybitApi: { id: credentialId, name: credentialId } },
		executeOnce: true,
		alwaysOutputData: true,
		onError: 'continueRegularOutput',
	};
}

function httpRequestWorkflow(): Workflow {
	const nodes = [
		{ id: 'e2eHttp-0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} },
		httpNode('GET tickers', CRED_ID, {
			method: 'GET',
			url: `${restUrl}/v5/market/tickers`,
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'category', value: 'linear' }, { name: 'symbol', value: 'BTCUSDT' }] },
		}, 1),
		httpNode('POST leverage', CRED_ID, {
			method: 'POST',
			url: `${restUrl}/v5/position/set-leverage`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '{"category":"linear","symbol":"BTCUSDT","buyLeverage":"3","sellLeverage":"3"}',
		}, 2),
		httpNode('POST order read-only', READ_ONLY_CRED_ID, {
			method: 'POST',
			url: `${restUrl}/v5/order/create`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.01","orderLinkId":"e2e-http-ro"}',
		}, 3),
	];
	const connections: Workflow['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id: 'e2eHttpRequest', name: 'e2e HTTP Request node with the Bybit credential', nodes, connections, settings: { executionOrder: 'v1' } };
}

export const HTTP_REQUEST_CASES: ExecuteCase[] = [
	{
		title: "n8n's HTTP Request node signs with the Bybit credential (GET query, POST JSON) and obeys read-only mode",
		needs: ['action'],
		workflow: httpRequestWorkflow,
		check: (out, { requests }) => {
			const tickers = out['GET tickers'][0] as { retCode?: number; result?: { list?: Array<{ symbol: string }> } };
			expect(tickers.retCode).toBe(0);
			expect(tickers.result?.list?.[0].symbol).toBe('BTCUSDT');
			const get = requests.filter((r) => r.path === '/v5/market/tickers');
			expect(get).toHaveLength(1);
			expect(get[0]).toMatchObject({ signatureValid: true, query: 'category=linear&symbol=BTCUSDT' });
			const leverage = requests.filter((r) => r.path === '/v5/position/set-leverage');
			expect(leverage).toHaveLength(1);
			expect(leverage[0]).toMatchObject({ method: 'POST', signatureValid: true, body: '{"category":"linear","symbol":"BTCUSDT","buyLeverage":"3","sellLeverage":"3"}' });
			expect([0, 110043]).toContain((out['POST leverage'][0] as { retCode?: number }).retCode);
			expect(JSON.stringify(out['POST order read-only'])).toMatch(/read-only mode, so \/v5\/order\/create was not sent/);
			expect(requests.filter((r) => r.path === '/v5/order/create')).toHaveLength(0);
		},
	},
];
