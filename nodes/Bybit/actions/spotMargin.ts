/**
 * Spot margin trading of the unified account (docs: spot-margin-uta/*):
 * switch it on, set the leverage, then place spot orders with Is Leverage 1.
 * Every field is a string on Bybit's side (`spotMarginMode` "1"/"0",
 * `leverage` "2".."10"), except the time range of the interest history.
 */
import { additional, choice, coin, text, TIME_RANGE } from './fields';
import type { OperationSpec } from './types';

const VIP_LEVELS: Array<[string, string]> = ['No VIP', 'VIP-1', 'VIP-2', 'VIP-3', 'VIP-4', 'VIP-5', 'VIP-Supreme', 'PRO-1', 'PRO-2', 'PRO-3', 'PRO-4', 'PRO-5', 'PRO-6'].map((v) => [v, v]);
const VIP_LEVEL = choice('VIP Level', 'vipLevel', VIP_LEVELS, 'No VIP', 'VIP level (default: your account\'s)');
const ON_OFF: Array<[string, string]> = [['Off (0)', '0'], ['On (1)', '1']];
const CURRENCY = coin('currency', true, 'Currency');
const OPTIONAL_CURRENCY = text('Currency', 'currency', 'Coin, upper case, e.g. BTC (default: every coin)');
const STRING_FIELDS = { spotMarginMode: 'string', leverage: 'string', autoRepayMode: 'string', vipLevel: 'string', currency: 'string' } as const;

const read = (operation: string, name: string, action: string, description: string, path: `/v5/${string}`, docs: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
	resource: 'spotMargin', operation, name, action, description, method: 'GET', path, docs: `spot-margin-uta/${docs}`, fields: [], wireTypes: STRING_FIELDS, ...extra,
});

export const spotMarginSpecs: OperationSpec[] = [
	{
		resource: 'spotMargin', operation: 'switchMode', name: 'Switch Spot Margin', action: 'Turn spot margin trading on or off',
		description: 'Turn spot margin trading on (needed for spot orders with Is Leverage 1) or off', method: 'POST', path: '/v5/spot-margin-trade/switch-mode', docs: 'spot-margin-uta/switch-mode', write: true,
		fields: [choice('Spot Margin Mode', 'spotMarginMode', ON_OFF, '1', 'On lets spot orders borrow (Is Leverage 1); off only when nothing is borrowed by open orders', true)],
		wireTypes: STRING_FIELDS,
	},
	{
		resource: 'spotMargin', operation: 'setLeverage', name: 'Set Leverage', action: 'Set the spot margin leverage',
		description: 'Set the maximum spot margin leverage (2-10), for the account or one coin', method: 'POST', path: '/v5/spot-margin-trade/set-leverage', docs: 'spot-margin-uta/set-leverage', write: true,
		fields: [text('Leverage', 'leverage', 'Leverage from 2 to 10, e.g. 4 (at most the coin\'s maximum)', { required: true, placeholder: '4' }), additional([text('Currency', 'currency', 'Coin, upper case, e.g. BTC (default: the account)')])],
		wireTypes: STRING_FIELDS,
	},
	read('getStatus', 'Get Status and Leverage', 'Get the spot margin status and leverage', 'Get whether spot margin is on, its leverage and the effective leverage', '/v5/spot-margin-trade/state', 'status'),
	read('getVipMarginData', 'Get VIP Margin Data', 'Get VIP margin data', 'Get borrowable coins, hourly rates and borrow limits per VIP level (public)', '/v5/spot-margin-trade/data', 'vip-margin', {
		fields: [additional([VIP_LEVEL, OPTIONAL_CURRENCY])],
	}),
	read('getTieredCollateralRatio', 'Get Tiered Collateral Ratio', 'Get the tiered collateral ratio', 'Get the collateral ratio per quantity tier of each coin (public)', '/v5/spot-margin-trade/collateral', 'tier-collateral-ratio', {
		fields: [additional([OPTIONAL_CURRENCY])], list: { listKey: 'list' },
	}),
	read('getCoinState', 'Get Coin State', 'Get the spot margin coin state', 'Get the spot margin leverage set per coin', '/v5/spot-margin-trade/coinstate', 'coinstate', {
		fields: [additional([OPTIONAL_CURRENCY])], list: { listKey: 'list' },
	}),
	read('getCurrencyData', 'Get Currency Data', 'Get spot margin currency data', 'Get manual borrow settings (minimum quantity, precision, rates) per coin', '/v5/spot-margin-trade/currency-data', 'currency-data', {
		fields: [additional([OPTIONAL_CURRENCY])], list: { listKey: 'list' },
	}),
	read('getMaxBorrowable', 'Get Max Borrowable', 'Get the max borrowable amount', 'Get how much of a coin can still be borrowed', '/v5/spot-margin-trade/max-borrowable', 'max-borrowable', { fields: [CURRENCY] }),
	read('getPositionTiers', 'Get Position Tiers', 'Get spot margin position tiers', 'Get borrow limits, margin rates and maximum leverage per tier of each coin', '/v5/spot-margin-trade/position-tiers', 'position-tiers', {
		fields: [additional([OPTIONAL_CURRENCY])], list: { listKey: 'list' },
	}),
	read('getRepaymentAvailableAmount', 'Get Repayment Available Amount', 'Get the amount available to repay', 'Get how much of a coin\'s liability can be repaid without converting assets', '/v5/spot-margin-trade/repayment-available-amount', 'repayment-available-amount', { fields: [CURRENCY] }),
	read('getAutoRepayMode', 'Get Auto Repay Mode', 'Get the auto repay mode', 'Get whether liabilities are repaid automatically, per coin', '/v5/spot-margin-trade/get-auto-repay-mode', 'get-auto-repay-mode', {
		fields: [additional([OPTIONAL_CURRENCY])], list: { listKey: 'data' },
	}),
	{
		resource: 'spotMargin', operation: 'setAutoRepayMode', name: 'Set Auto Repay Mode', action: 'Set the auto repay mode',
		description: 'Turn automatic repayment of liabilities on or off, for one coin or all coins', method: 'POST', path: '/v5/spot-margin-trade/set-auto-repay-mode', docs: 'spot-margin-uta/set-auto-repay-mode', write: true,
		fields: [choice('Auto Repay Mode', 'autoRepayMode', ON_OFF, '1', 'On repays a coin\'s liability from its spot balance at 0 and 30 minutes past every hour', true), additional([text('Currency', 'currency', 'Coin, upper case, e.g. ETH (default: every coin)')])],
		list: { listKey: 'data' },
		wireTypes: STRING_FIELDS,
	},
	read('getInterestRateHistory', 'Get Interest Rate History', 'Get the historical interest rate', 'Get hourly borrow rates of a coin (up to 6 months back, 30-day windows; default 7 days)', '/v5/spot-margin-trade/interest-rate-history', 'historical-interest', {
		fields: [CURRENCY, additional([VIP_LEVEL, ...TIME_RANGE])], list: { listKey: 'list' },
	}),
	read('getLiability', 'Get Liability', 'Get a coin\'s liability', 'Get a coin\'s total, fixed-rate, flexible, spot and derivatives liability', '/v5/spot-margin-trade/liability', 'liability', { fields: [CURRENCY] }),
	read('getFlexibleAvailableInventory', 'Get Flexible Available Inventory', 'Get the flexible available inventory', 'Get how much of a coin is available to borrow at a flexible rate', '/v5/spot-margin-trade/flexible-available-inventory', 'flexible-available-inventory', { fields: [CURRENCY] }),
];

