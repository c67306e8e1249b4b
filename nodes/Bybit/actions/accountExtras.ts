/**
 * Account operations beyond the core (docs: account/*, demo.mdx): manual
 * borrow and repay, collateral switches, spot hedging, market maker
 * protection, greeks, settings, transferable amount and demo funds.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { bybitApiRequest } from '../transport';
import { additional, choice, coin, decimal, text } from './fields';
import { checkDecimal, InputError } from './inputs';
import type { OperationSpec } from './types';

const ON_OFF: Array<[string, string]> = [['On', 'ON'], ['Off', 'OFF']];
const REPAYMENT_TYPE = choice('Repayment Type', 'repaymentType', [['All (Floating-Rate First)', 'ALL'], ['Fixed-Rate Only', 'FIXED'], ['Floating-Rate Only', 'FLEXIBLE']], 'FLEXIBLE', 'Which liabilities to repay (Bybit\'s default: floating-rate only)');
const BASE_COIN = text('Base Coin', 'baseCoin', 'Options base coin, e.g. BTC', { required: true });
const MMP_LIMIT = /^\d+(\.\d{1,2})?$/;
const WHOLE_MS = /^\d+$/;

function refuse(ctx: IExecuteFunctions, i: number, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}

/** Sends a POST whose answer may have no `result` (Bybit: set-hedging-mode, MMP): the output is the result, or the settings sent. */
async function post(ctx: IExecuteFunctions, i: number, path: string, body: IDataObject): Promise<IDataObject> {
	const result = (await bybitApiRequest.call(ctx, { method: 'POST', path, body, itemIndex: i })) as IDataObject | undefined;
	return result && typeof result === 'object' && Object.keys(result).length ? result : { ...body };
}

/** Coins from a comma-separated list: upper case, no duplicates, at most `max`. */
function coinList(ctx: IExecuteFunctions, i: number, name: string, value: unknown, max: number): string[] {
	const coins = String(value ?? '').split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
	if (!coins.length) throw refuse(ctx, i, `"${name}" is empty: give one or more coins separated by commas, e.g. BTC,ETH.`);
	const bad = coins.find((c) => !/^[A-Z0-9]{1,20}$/.test(c));
	if (bad) throw refuse(ctx, i, `"${name}" has "${bad.slice(0, 40)}", which is not a coin such as BTC. Separate coins with commas.`);
	if (new Set(coins).size !== coins.length) throw refuse(ctx, i, `"${name}" lists a coin twice. Give each coin once.`);
	if (coins.length > max) throw refuse(ctx, i, `"${name}" has ${coins.length} coins; Bybit takes at most ${max} per request. Split them over several items.`);
	return coins;
}

export const DEMO_ENVIRONMENTS = new Set(['demo', 'custom']);

export const accountExtraSpecs: OperationSpec[] = [
	{
		resource: 'account', operation: 'getDcpInfo', name: 'Get DCP Info', action: 'Get disconnect cancel all settings',
		description: 'Get the Disconnect-Cancel-All (DCP) window per product', method: 'GET', path: '/v5/account/query-dcp-info', docs: 'account/dcp-info',
		fields: [], list: { listKey: 'dcpInfos' },
	},
	{
		resource: 'account', operation: 'borrow', name: 'Borrow', action: 'Borrow a coin',
		description: 'Manually borrow a coin at the variable rate (under Max Order Notional, worth amount × the coin\'s USD price)', method: 'POST', path: '/v5/account/borrow', docs: 'account/borrow', write: true,
		fields: [coin(), decimal('Amount', 'amount', 'Amount to borrow', true, '0.01')],
	},
	{
		resource: 'account', operation: 'repay', name: 'Repay', action: 'Repay liabilities',
		description: 'Repay liabilities, converting other assets when the coin\'s balance is short (without Coin: every liability)', method: 'POST', path: '/v5/account/repay', docs: 'account/repay', write: true,
		fields: [additional([text('Coin', 'coin', 'Coin to repay, e.g. BTC (empty: every coin, Repayment Type All)'), decimal('Amount', 'amount', 'Amount to repay (needs Coin; empty: all of the coin\'s liability)'), REPAYMENT_TYPE])],
		async run(i, params) {
			// docs: amount needs coin; without coin, repaymentType must be ALL (Bybit's default is FLEXIBLE)
			if (!params.coin && params.amount !== undefined) throw refuse(this, i, '"amount" needs "coin": set Coin to the coin to repay, or remove Amount to repay everything.');
			if (!params.coin && params.repaymentType !== 'ALL') throw refuse(this, i, 'Without "coin", Bybit repays every liability only with Repayment Type "All": set Repayment Type to All, or set Coin.');
			return await bybitApiRequest.call(this, { method: 'POST', path: '/v5/account/repay', body: params, itemIndex: i });
		},
	},
	{
		resource: 'account', operation: 'repayWithoutConversion', name: 'Repay Without Conversion', action: 'Repay from the coin balance only',
		description: 'Repay a coin\'s liability from its own balance only, never converting other assets', method: 'POST', path: '/v5/account/no-convert-repay', docs: 'account/no-convert-repay', write: true,
		fields: [coin(), additional([decimal('Amount', 'amount', 'Amount to repay (empty: as much as the balance covers)'), REPAYMENT_TYPE])],
	},
	{
		resource: 'account', operation: 'setCollateralCoin', name: 'Set Collateral Coin', action: 'Set whether a coin is collateral',
		description: 'Turn a coin\'s use as collateral on or off (not USDT or USDC)', method: 'POST', path: '/v5/account/set-collateral-switch', docs: 'account/set-collateral', write: true,
		fields: [coin(), choice('Collateral Switch', 'collateralSwitch', ON_OFF, 'ON', 'Whether the coin counts as collateral', true)],
	},
	{
		resource: 'account', operation: 'setCollateralCoins', name: 'Set Collateral Coins', action: 'Set whether several coins are collateral',
		description: 'Turn several coins\' use as collateral on or off in one request', method: 'POST', path: '/v5/account/set-collateral-switch-batch', docs: 'account/batch-set-collateral', write: true,
		fields: [text('Coins', 'coins', 'Comma-separated coins, e.g. BTC,ETH,SOL (not USDT or USDC)', { required: true }), choice('Collateral Switch', 'collateralSwitch', ON_OFF, 'ON', 'Whether these coins count as collateral', true)],
		async run(i, params) {
			const request = coinList(this, i, 'coins', params.coins, 50).map((c) => ({ coin: c, collateralSwitch: params.collateralSwitch }));
			const result = await bybitApiRequest.call(this, { method: 'POST', path: '/v5/account/set-collateral-switch-batch', body: { request }, itemIndex: i });
			return (result.list as IDataObject[] | undefined) ?? request;
		},
	},
	{
		resource: 'account', operation: 'setSpotHedging', name: 'Set Spot Hedging', action: 'Turn spot hedging on or off',
		description: 'Turn spot hedging on or off (Portfolio Margin accounts only)', method: 'POST', path: '/v5/account/set-hedging-mode', docs: 'account/set-spot-hedge', write: true,
		fields: [choice('Spot Hedging', 'setHedgingMode', ON_OFF, 'ON', 'Whether spot holdings hedge derivatives positions', true)],
		async run(i, params) {
			return await post(this, i, '/v5/account/set-hedging-mode', params);
		},
	},
	{
		resource: 'account', operation: 'getMmpState', name: 'Get MMP State', action: 'Get market maker protection state',
		description: 'Get the Market Maker Protection (options) settings and whether it is frozen', method: 'GET', path: '/v5/account/mmp-state', docs: 'account/get-mmp-state',
		fields: [BASE_COIN], list: { listKey: 'result' },
	},
	{
		resource: 'account', operation: 'setMmp', name: 'Set MMP', action: 'Set market maker protection',
		description: 'Set the Market Maker Protection (options) limits of a base coin', method: 'POST', path: '/v5/account/mmp-modify', docs: 'account/set-mmp', write: true,
		fields: [
			BASE_COIN,
			text('Window (Ms)', 'window', 'Time window in milliseconds', { required: true, placeholder: '5000' }),
			text('Frozen Period (Ms)', 'frozenPeriod', 'How long trading stays frozen once triggered, in milliseconds (0: until reset)', { required: true, placeholder: '100000' }),
			text('Quantity Limit', 'qtyLimit', 'Trade quantity limit (positive, up to 2 decimals)', { required: true, placeholder: '50' }),
			text('Delta Limit', 'deltaLimit', 'Delta limit (positive, up to 2 decimals)', { required: true, placeholder: '20' }),
			additional([text('Vega Limit', 'vegaLimit', 'Vega limit (positive, up to 2 decimals; Bybit\'s default 500000)')]),
		],
		wireTypes: { window: 'string', frozenPeriod: 'string', qtyLimit: 'string', deltaLimit: 'string', vegaLimit: 'string' },
		async run(i, params) {
			for (const [name, rule, what] of [['window', WHOLE_MS, 'whole milliseconds'], ['frozenPeriod', WHOLE_MS, 'whole milliseconds'], ['qtyLimit', MMP_LIMIT, 'a positive number with at most 2 decimals'], ['deltaLimit', MMP_LIMIT, 'a positive number with at most 2 decimals'], ['vegaLimit', MMP_LIMIT, 'a positive number with at most 2 decimals']] as const) {
				const value = params[name];
				if (value === undefined) continue;
				if (!rule.test(String(value).trim()) || (rule === MMP_LIMIT && Number(value) <= 0)) throw refuse(this, i, `"${name}" must be ${what}, got "${String(value).slice(0, 40)}".`);
				params[name] = String(value).trim();
			}
			return await post(this, i, '/v5/account/mmp-modify', params);
		},
	},
	{
		resource: 'account', operation: 'resetMmp', name: 'Reset MMP', action: 'Reset market maker protection',
		description: 'Unfreeze Market Maker Protection and clear its counters for a base coin', method: 'POST', path: '/v5/account/mmp-reset', docs: 'account/reset-mmp', write: true,
		fields: [BASE_COIN],
		async run(i, params) {
			return await post(this, i, '/v5/account/mmp-reset', params);
		},
	},
	{
		resource: 'account', operation: 'getCoinGreeks', name: 'Get Coin Greeks', action: 'Get coin greeks',
		description: 'Get the account\'s delta, gamma, vega and theta per options base coin', method: 'GET', path: '/v5/asset/coin-greeks', docs: 'account/coin-greeks',
		fields: [additional([text('Base Coin', 'baseCoin', 'Base coin, e.g. BTC (default: every base coin)')])], list: { listKey: 'list' },
	},
	{
		resource: 'account', operation: 'getTradeBehaviourConfig', name: 'Get Trade Behaviour Config', action: 'Get trade behaviour config',
		description: 'Get how limit prices beyond the price limit are handled, delta-neutral mode and MNT fee deduction', method: 'GET', path: '/v5/account/user-setting-config', docs: 'account/get-user-setting-config', fields: [],
	},
	{
		resource: 'account', operation: 'getSmpGroup', name: 'Get SMP Group', action: 'Get the self match prevention group',
		description: 'Get the Self Match Prevention group ID (0: none)', method: 'GET', path: '/v5/account/smp-group', docs: 'account/smp-group', fields: [],
	},
	{
		resource: 'account', operation: 'getTransferableAmount', name: 'Get Transferable Amount', action: 'Get the transferable amount',
		description: 'Get how much of each coin can leave the unified account (a read: not a withdrawal)', method: 'GET', path: '/v5/account/withdrawal', docs: 'account/unified-trans-amnt',
		fields: [text('Coins', 'coinName', 'Comma-separated coins, up to 20, e.g. BTC,USDT', { required: true })],
		async run(i, params) {
			const coinName = coinList(this, i, 'coinName', params.coinName, 20).join(',');
			return await bybitApiRequest.call(this, { method: 'GET', path: '/v5/account/withdrawal', qs: { coinName }, itemIndex: i });
		},
	},
	{
		resource: 'account', operation: 'getOptionAssetInfo', name: 'Get Option Asset Info', action: 'Get option asset info',
		description: 'Get options delta, P&L and margin per coin', method: 'GET', path: '/v5/account/option-asset-info', docs: 'account/option-asset-info',
		fields: [], list: { listKey: 'result' },
	},
	{
		resource: 'account', operation: 'requestDemoFunds', name: 'Request Demo Funds', action: 'Request demo trading funds',
		description: 'Add or remove demo trading funds (Demo Trading only; Bybit allows 1 request per minute)', method: 'POST', path: '/v5/account/demo-apply-money', docs: 'demo', write: true,
		fields: [
			choice('Adjust Type', 'adjustType', [['Add Funds (0)', 0], ['Reduce Funds (1)', 1]], 0, 'Whether to add or remove demo funds', true),
			{
				displayName: 'Funds', name: 'funds', type: 'fixedCollection', typeOptions: { multipleValues: true }, default: {}, placeholder: 'Add Coin',
				description: 'Coins and amounts (at most BTC 15, ETH 200, USDT 100000, USDC 100000 per request)',
				options: [{
					displayName: 'Coin', name: 'coin',
					values: [
						{ displayName: 'Coin', name: 'coin', type: 'options', options: ['BTC', 'ETH', 'USDC', 'USDT'].map((c) => ({ name: c, value: c })), default: 'USDT', description: 'Demo coin' },
						{ displayName: 'Amount', name: 'amountStr', type: 'string', default: '', placeholder: '10000', description: 'Amount to add or remove' },
					],
				}],
			},
		],
		wireTypes: { adjustType: 'integer' },
		async run(i, params) {
			const credentials = await this.getCredentials('bybitApi');
			const environment = String(credentials.environment ?? 'mainnet');
			if (!DEMO_ENVIRONMENTS.has(environment)) {
				throw refuse(this, i, `Request Demo Funds works only on Demo Trading, but the credential's Environment is "${environment}". Use a credential with Environment "Demo Trading" (a key created in Bybit's demo trading).`);
			}
			const rows = (((params.funds as IDataObject | undefined)?.coin as IDataObject[] | undefined) ?? []);
			if (!rows.length) throw refuse(this, i, '"funds" is empty: add at least one coin and amount.');
			const utaDemoApplyMoney = rows.map((row, n) => {
				try {
					return { coin: String(row.coin ?? ''), amountStr: checkDecimal('amountStr', row.amountStr as string) };
				} catch (error) {
					throw refuse(this, i, `Funds entry ${n + 1}: ${(error as InputError).message}`);
				}
			});
			const max: Record<string, number> = { BTC: 15, ETH: 200, USDT: 100_000, USDC: 100_000 };
			for (const f of utaDemoApplyMoney) {
				if (!(f.coin in max)) throw refuse(this, i, `Demo funds come in BTC, ETH, USDT or USDC, not "${f.coin.slice(0, 20)}".`);
				if (!(Number(f.amountStr) > 0) || Number(f.amountStr) > max[f.coin]) throw refuse(this, i, `"amountStr" for ${f.coin} must be above 0 and at most ${max[f.coin]} per request, got ${f.amountStr}.`);
			}
			const result = await bybitApiRequest.call(this, { method: 'POST', path: '/v5/account/demo-apply-money', body: { adjustType: params.adjustType, utaDemoApplyMoney }, itemIndex: i });
			return result && Object.keys(result).length ? result : { adjustType: params.adjustType, utaDemoApplyMoney };
		},
	},
];
