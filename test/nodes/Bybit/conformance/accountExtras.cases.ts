/** Account extras (docs: account/*, demo.mdx): borrow and repay, collateral, spot hedging, MMP, greeks, settings, demo funds. */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

export const accountExtraCases: CaseGroup = () => [
	{ op: 'account.getDcpInfo', min: 0 },
	{ op: 'account.borrow', params: { coin: rl('BTC'), amount: 0.5 }, wire: { coin: 'BTC', amount: '0.5' } },
	{ op: 'account.borrow', params: { coin: rl('BTC'), amount: '5' }, error: /estimated max\. amount to borrow/, retCode: 176029 },
	{ op: 'account.borrow', params: { coin: rl('BTC'), amount: '0' }, error: /"amount" must be above 0/ },
	{ op: 'account.repayWithoutConversion', params: { coin: rl('BTC'), additionalFields: { amount: '0.2', repaymentType: 'FLEXIBLE' } }, wire: { coin: 'BTC', amount: '0.2', repaymentType: 'FLEXIBLE' } },
	{ op: 'account.repay', params: { additionalFields: { coin: 'btc', repaymentType: 'ALL' } }, wire: { coin: 'BTC', repaymentType: 'ALL' }, absent: ['amount'] },
	{ op: 'account.repay', params: { additionalFields: { coin: 'BTC' } }, error: /no liabilities/, retCode: 182102 },
	{ op: 'account.setCollateralCoin', params: { coin: rl('BTC'), collateralSwitch: 'OFF' }, wire: { coin: 'BTC', collateralSwitch: 'OFF' } },
	{ op: 'account.setCollateralCoin', params: { coin: rl('USDT'), collateralSwitch: 'OFF' }, error: /does not support switching/, retCode: 182111 },
	{ op: 'account.setCollateralCoins', params: { coins: 'btc, ETH', collateralSwitch: 'ON' }, wire: { request: [{ coin: 'BTC', collateralSwitch: 'ON' }, { coin: 'ETH', collateralSwitch: 'ON' }] }, min: 2 },
	{ op: 'account.setCollateralCoins', params: { coins: 'BTC,btc', collateralSwitch: 'ON' }, error: /lists a coin twice/ },
	{ op: 'account.setSpotHedging', params: { setHedgingMode: 'ON' }, wire: { setHedgingMode: 'ON' }, error: /not allowed in non PM mode/, retCode: 140001 },
	{ op: 'account.setMarginMode', params: { setMarginMode: 'PORTFOLIO_MARGIN' }, wire: { setMarginMode: 'PORTFOLIO_MARGIN' } },
	{ op: 'account.setSpotHedging', params: { setHedgingMode: 'ON' }, wire: { setHedgingMode: 'ON' } },
	{ op: 'account.setMarginMode', params: { setMarginMode: 'REGULAR_MARGIN' }, wire: { setMarginMode: 'REGULAR_MARGIN' } },
	{ op: 'account.getMmpState', params: { baseCoin: 'BTC' }, wire: { baseCoin: 'BTC' }, min: 1 },
	{ op: 'account.setMmp', params: { baseCoin: 'BTC', window: 5000, frozenPeriod: '100000', qtyLimit: 50, deltaLimit: '20.5', additionalFields: { vegaLimit: '1000' } }, wire: { baseCoin: 'BTC', window: '5000', frozenPeriod: '100000', qtyLimit: '50', deltaLimit: '20.5', vegaLimit: '1000' } },
	{ op: 'account.setMmp', params: { baseCoin: 'BTC', window: '5000', frozenPeriod: '0', qtyLimit: '1.234', deltaLimit: '1' }, error: /"qtyLimit" must be a positive number with at most 2 decimals/ },
	{ op: 'account.setMmp', params: { baseCoin: 'SOL', window: '5000', frozenPeriod: '0', qtyLimit: '1', deltaLimit: '1' }, error: /MMP hasn't yet been enabled/, retCode: 110065 },
	{ op: 'account.resetMmp', params: { baseCoin: 'BTC' }, wire: { baseCoin: 'BTC' } },
	{ op: 'account.getCoinGreeks', params: { additionalFields: { baseCoin: 'BTC' } }, wire: { baseCoin: 'BTC' }, min: 1 },
	{ op: 'account.getTradeBehaviourConfig' },
	{ op: 'account.getSmpGroup' },
	{ op: 'account.getTransferableAmount', params: { coinName: 'btc, usdt' }, wire: { coinName: 'BTC,USDT' } },
	{ op: 'account.getOptionAssetInfo', min: 1 },
	{ op: 'account.requestDemoFunds', params: { adjustType: 0, funds: { coin: [{ coin: 'USDT', amountStr: '1000' }, { coin: 'ETH', amountStr: 1 }] } }, wire: { adjustType: 0, utaDemoApplyMoney: [{ coin: 'USDT', amountStr: '1000' }, { coin: 'ETH', amountStr: '1' }] } },
	{ op: 'account.requestDemoFunds', params: { adjustType: '1', funds: { coin: [{ coin: 'BTC', amountStr: '20' }] } }, error: /at most 15 per request/ },
];
