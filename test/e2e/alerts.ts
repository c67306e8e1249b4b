/**
 * Alerts for the real-n8n suite, filled the way TradingView fills the README's
 * template (test/harness/tradingView.ts): ISO {{timenow}}, "BYBIT:BTCUSDT.P",
 * numbers as text; each delivered as application/json and as text/plain,
 * plus one whose JSON a placeholder broke (text/plain, to Create From
 * Signal); each posted twice. What each must produce on the sandbox's wire:
 * one order.
 */
import { orderLinkIdFromAlert, parseAlert } from '../../nodes/Bybit/trading/signal';
import { fillPlaceholders, readmeAlertTemplate, tvTime } from '../harness/tradingView';

/** The secret the README's template sends, which both TradingView examples require out of the box ("change-me"). */
export const ALERT_SECRET = (JSON.parse(readmeAlertTemplate()) as { secret: string }).secret;

export interface AlertDelivery {
	title: string;
	path: '/webhook/bybit-alert' | '/webhook/bybit-signal';
	contentType: 'application/json' | 'text/plain';
	message: string;
	expected: { symbol: string; side: 'Buy' | 'Sell'; qty: string; orderLinkId: string };
}

export function tradingViewDeliveries(run: number): AlertDelivery[] {
	const template = readmeAlertTemplate();
	const deliveries: AlertDelivery[] = [];
	const cases = [
		{ path: '/webhook/bybit-alert' as const, orderId: 'Long Entry', ticker: 'BYBIT:ETHUSDT.P', symbol: 'ETHUSDT', action: 'buy', qty: '0.05' },
		{ path: '/webhook/bybit-alert' as const, orderId: 'Exit L', ticker: 'BYBIT:ETHUSDT.P', symbol: 'ETHUSDT', action: 'sell', qty: '0.05' },
		{ path: '/webhook/bybit-signal' as const, orderId: 'Long', ticker: 'BYBIT:BTCUSDT.P', symbol: 'BTCUSDT', action: 'buy', qty: '0.002' },
		{ path: '/webhook/bybit-signal' as const, orderId: 'Short', ticker: 'BYBIT:ETHUSDT.P', symbol: 'ETHUSDT', action: 'sell', qty: '0.05' },
	];
	cases.forEach((c, k) => {
		for (const contentType of ['application/json', 'text/plain'] as const) {
			// a distinct second per delivery, as distinct alerts have; "now", so none is stale
			const timenow = tvTime(Date.now() - (k * 2 + (contentType === 'text/plain' ? 1 : 0)) * 1000);
			const position = c.action === 'buy' ? 'long' : 'short';
			const message = fillPlaceholders(template, {
				'strategy.order.id': `${c.orderId} ${run}`,
				timenow,
				'strategy.order.action': c.action,
				'strategy.order.contracts': c.qty,
				'strategy.market_position': position,
				'strategy.prev_market_position': 'flat',
				'strategy.position_size': c.action === 'buy' ? c.qty : `-${c.qty}`,
				ticker: c.ticker,
				close: '3200.15',
			});
			deliveries.push({
				title: `${c.path} ${c.action} ${c.ticker} as ${contentType}`,
				path: c.path,
				contentType,
				message,
				expected: { symbol: c.symbol, side: c.action === 'buy' ? 'Buy' : 'Sell', qty: c.qty, orderLinkId: orderLinkIdFromAlert(parseAlert(message)) },
			});
		}
	});
	// A placeholder TradingView cannot fill broke the JSON: it sends text/plain, which Create From Signal still reads.
	const timenow = tvTime(Date.now() - 9000);
	const broken = fillPlaceholders(template.replace('"{{close}}"', '{{plot("Stop")}}'), {
		'strategy.order.id': `Long ${run}`,
		timenow,
		'strategy.order.action': 'buy',
		'strategy.order.contracts': '0.003',
		'strategy.market_position': 'long',
		'strategy.prev_market_position': 'flat',
		'strategy.position_size': '0.003',
		ticker: 'BYBIT:BTCUSDT.P',
	});
	deliveries.push({
		title: '/webhook/bybit-signal buy BYBIT:BTCUSDT.P, JSON broken by a placeholder, as text/plain',
		path: '/webhook/bybit-signal',
		contentType: 'text/plain',
		message: broken,
		expected: { symbol: 'BTCUSDT', side: 'Buy', qty: '0.003', orderLinkId: orderLinkIdFromAlert(parseAlert(broken)) },
	});
	return deliveries;
}
