/** order.preCheck on the wire: the create fields as Bybit types them (positionIdx a number, qty text); spot is not pre-checked by Bybit. */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

const BTC = rl('BTCUSDT');

export const preCheckCases: CaseGroup = () => [
	{
		op: 'order.preCheck',
		params: { category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Limit', qty: 0.01, price: '60000', positionIdx: 'auto', orderLinkId: 'conf-pre-1', additionalFields: { reduceOnly: false, timeInForce: 'GTC' } },
		wire: { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000', positionIdx: 0, orderLinkId: 'conf-pre-1', reduceOnly: false },
	},
	{ op: 'order.preCheck', params: { category: 'spot', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '10' }, wire: { category: 'spot', qty: '10' }, error: /Illegal category/, retCode: 10001 },
];
