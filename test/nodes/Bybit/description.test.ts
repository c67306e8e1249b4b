/**
 * UI conventions n8n's linter cannot see in generated descriptions.
 */
import { NodeHelpers, type INode, type INodeParameters, type INodeProperties, type INodePropertyOptions } from 'n8n-workflow';

import { Bybit } from '../../../nodes/Bybit/Bybit.node';
import { ALL_SPECS } from '../../../nodes/Bybit/actions/index';

const props = new Bybit().description.properties;

function walk(list: INodeProperties[], visit: (p: INodeProperties) => void): void {
	for (const p of list) {
		visit(p);
		if (p.type === 'collection' || p.type === 'fixedCollection') walk((p.options ?? []) as INodeProperties[], visit);
	}
}

describe('Bybit node description', () => {
	it('has the public contract', () => {
		const d = new Bybit().description;
		expect(d.name).toBe('bybit');
		expect(d.displayName).toBe('Bybit');
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials).toEqual([{ name: 'bybitApi', required: true, displayOptions: { hide: { authentication: ['none'] } } }]);
	});

	it('n8n shows the credential (required) everywhere except Market / Custom API Call with Authentication "None"', () => {
		const d = new Bybit().description;
		const node: INode = { id: '1', name: 'Bybit', type: 'bybit', typeVersion: 1, position: [0, 0], parameters: {} };
		const shown = (parameters: INodeParameters) => {
			// as n8n resolves a saved node: defaults filled in, hidden parameters dropped
			const params = NodeHelpers.getNodeParameters(d.properties, parameters, false, false, node, d)!;
			return NodeHelpers.displayParameter(params, d.credentials![0], node, d, params);
		};
		expect(shown({ resource: 'market', operation: 'getTickers' })).toBe(true);
		expect(shown({ resource: 'market', operation: 'getTickers', authentication: 'none' })).toBe(false);
		expect(shown({ resource: 'custom', operation: 'apiCall', authentication: 'none' })).toBe(false);
		expect(shown({ resource: 'custom', operation: 'apiCall', authentication: 'bybitApi' })).toBe(true);
		// a stale "None" on a resource that does not offer it is dropped: the credential is shown and required
		expect(shown({ resource: 'order', operation: 'create', authentication: 'none' })).toBe(true);
		expect(d.credentials![0].required).toBe(true);
	});

	it('n8n 2.41 adds no second "Custom API Call" to Resource or to the custom resource\'s Operation', () => {
		// n8n's injectCustomApiCallOptions (packages/cli load-nodes-and-credentials.ts): for a node whose credential has
		// `authenticate`, every resource/operation options list whose LAST option is not named "Custom API Call" gets one
		const injected = (p: INodeProperties) => ['resource', 'operation'].includes(p.name) && (p.options as INodePropertyOptions[]).at(-1)?.name !== 'Custom API Call';
		const resource = props.find((p) => p.name === 'resource')!;
		const customOps = props.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.[0] === 'custom')!;
		expect([injected(resource), injected(customOps)]).toEqual([false, false]);
		expect((customOps.options as INodePropertyOptions[]).map((o) => o.value)).toEqual(['apiCall']);
	});

	it('offers every operation of the issue, with an action and a valid default per resource', () => {
		const expected: Record<string, string[]> = {
			market: ['getServerTime', 'getOrderbook', 'getRecentTrades', 'getKline', 'getInstrumentsInfo', 'getTickers', 'getFundingRateHistory', 'getOpenInterest', 'getHistoricalVolatility', 'getInsurance', 'getRiskLimit', 'getDeliveryPrice', 'getLongShortRatio'],
			order: ['getOpenOrders', 'create', 'cancel', 'amend', 'createBatch', 'cancelBatch', 'cancelAll', 'getOrderHistory', 'getExecutions', 'amendBatch', 'getSpotBorrowQuota', 'setDisconnectCancelAll'],
			position: ['getPositions', 'switchIsolatedMargin', 'setTradingStop', 'setLeverage', 'switchPositionMode', 'setAutoAddMargin', 'addOrReduceMargin', 'getClosedPnl', 'closePosition', 'closeAll', 'flip', 'setTarget'],
			account: ['getWalletBalance', 'getFeeRate', 'getAccountInfo', 'getTransactionLog', 'setMarginMode', 'getCollateralInfo', 'getBorrowHistory'],
			asset: ['getCoinInfo', 'getAllCoinsBalance', 'getSingleCoinBalance', 'getTransferableCoins', 'createInternalTransfer', 'getInternalTransferRecords', 'createUniversalTransfer', 'getUniversalTransferRecords', 'getDepositRecords', 'getWithdrawalRecords', 'getDepositAddress', 'withdraw'],
			user: ['getApiKeyInfo'],
			custom: ['apiCall'],
		};
		for (const [resource, ops] of Object.entries(expected)) {
			const param = props.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.[0] === resource)!;
			const options = param.options as INodePropertyOptions[];
			expect(options.map((o) => o.value)).toEqual(expect.arrayContaining(ops));
			expect(options.map((o) => o.value)).toContain(param.default);
			for (const o of options) expect(typeof o.action === 'string' && o.action.length > 0).toBe(true);
		}
	});

	it('sorts options alphabetically by name (Resource: Custom API Call last, where n8n puts it)', () => {
		walk(props, (p) => {
			if (p.type !== 'options' && p.type !== 'multiOptions') return;
			let names = (p.options as INodePropertyOptions[]).map((o) => o.name);
			if (p.name === 'resource') {
				expect(names[names.length - 1]).toBe('Custom API Call');
				names = names.slice(0, -1);
			}
			expect([p.name, names]).toEqual([p.name, [...names].sort((a, b) => a.localeCompare(b))]);
		});
	});

	it('describes booleans with "Whether" and gives options params a default among their values', () => {
		walk(props, (p) => {
			if (p.type === 'boolean' && p.description) expect([p.name, p.description.startsWith('Whether')]).toEqual([p.name, true]);
			if (p.type === 'options' && p.default !== '') {
				expect([p.name, (p.options as INodePropertyOptions[]).some((o) => o.value === p.default)]).toEqual([p.name, true]);
			}
		});
	});

	it('has no duplicate parameter names within one operation, except variants never shown together', () => {
		// two fields of one name (e.g. Category per kline Price Type) must be told apart by one displayOptions key with disjoint values
		const exclusive = (a: INodeProperties, b: INodeProperties) =>
			Object.entries(a.displayOptions?.show ?? {}).some(([key, values]) => {
				const other = b.displayOptions?.show?.[key];
				return Array.isArray(values) && Array.isArray(other) && values.every((v) => !other.includes(v as never));
			});
		for (const spec of ALL_SPECS) {
			spec.fields.forEach((f, k) => {
				for (const g of spec.fields.slice(k + 1)) {
					if (g.name === f.name) expect([spec.operation, f.name, exclusive(f, g)]).toEqual([spec.operation, f.name, true]);
				}
			});
		}
		expect(ALL_SPECS.find((s) => s.operation === 'getKline')!.fields.filter((f) => f.name === 'category')).toHaveLength(4);
	});

	it('n8n resolves those variants: each variant\'s default, and saved values kept as they are', () => {
		const d = new Bybit().description;
		const node: INode = { id: '1', name: 'Bybit', type: 'bybit', typeVersion: 1, position: [0, 0], parameters: {} };
		const resolve = (parameters: INodeParameters) => {
			const params = NodeHelpers.getNodeParameters(d.properties, parameters, true, false, node, d)!;
			const issues = NodeHelpers.getNodeParametersIssues(d.properties, { ...node, parameters: params }, d)?.parameters ?? {};
			// a required Symbol left empty is an issue too: only these two parameters matter here
			return { category: params.category, tpslMode: params.tpslMode, issues: Object.keys(issues).filter((k) => k === 'category' || k === 'tpslMode') };
		};
		expect(resolve({ resource: 'market', operation: 'getKline', priceType: 'mark', category: 'option' })).toMatchObject({ category: 'option', issues: [] });
		expect(resolve({ resource: 'market', operation: 'getKline', priceType: 'premiumIndex' })).toMatchObject({ category: 'linear' });
		// a workflow saved with spot + mark price: the editor flags Category (the engine refuses it before sending)
		// a workflow saved with spot + mark price keeps its value (the editor flags it; the engine refuses it before sending, naming the fix)
		expect(resolve({ resource: 'market', operation: 'getKline', priceType: 'mark', category: 'spot' })).toMatchObject({ category: 'spot' });
		expect(resolve({ resource: 'position', operation: 'setTradingStop', category: 'option' })).toMatchObject({ tpslMode: 'Full' });
		expect(resolve({ resource: 'position', operation: 'setTradingStop', category: 'option', tpslMode: 'Partial' })).toMatchObject({ tpslMode: 'Partial' });
		expect(resolve({ resource: 'position', operation: 'setTradingStop', category: 'linear' })).toMatchObject({ tpslMode: 'Full', issues: [] });
	});
});
