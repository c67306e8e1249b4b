// Runs the pybit quick start's calls through ccxt's bybit exchange against a
// sandbox: `node ccxt-quickstart.mjs <restUrl> <apiKey> <secret>`. Prints one
// JSON object with what ccxt parsed (or the first error) on stdout. Run in its
// own process because ccxt's dependencies are ES modules Jest cannot load.
import ccxt from 'ccxt';

const [restUrl, apiKey, secret] = process.argv.slice(2);
const ex = new ccxt.bybit({ apiKey, secret, enableRateLimit: false, timeout: 5000 });
ex.urls.api = { spot: restUrl, futures: restUrl, v2: restUrl, public: restUrl, private: restUrl };

const out = { steps: [] };
const step = async (name, fn) => {
	out.steps.push(name);
	return (out[name] = await fn());
};
const symbol = 'BTC/USDT:USDT';
try {
	await step('load_markets', async () => {
		const m = await ex.loadMarkets();
		const btc = m[symbol];
		return { count: Object.keys(m).length, btc: { id: btc.id, linear: btc.linear, precision: btc.precision, limits: btc.limits } };
	});
	await step('get_server_time', () => ex.fetchTime());
	await step('get_orderbook', async () => {
		const b = await ex.fetchOrderBook(symbol, 25);
		return { bids: b.bids.slice(0, 2), asks: b.asks.slice(0, 2), nonce: b.nonce };
	});
	await step('get_public_trade_history', async () => (await ex.fetchTrades(symbol, undefined, 50)).length);
	await step('get_kline', async () => {
		const c = await ex.fetchOHLCV(symbol, '1m', undefined, 100);
		return { length: c.length, first: c[0] };
	});
	await step('get_wallet_balance', async () => (await ex.fetchBalance()).total);
	await step('place_order market', async () => (await ex.createOrder(symbol, 'market', 'buy', 0.001)).id);
	const limit = await step('place_order limit', async () => (await ex.createOrder(symbol, 'limit', 'buy', 0.001, 45000)).id);
	await step('place_order conditional', async () => (await ex.createOrder(symbol, 'limit', 'buy', 0.001, 45000, { triggerPrice: 46000, triggerDirection: 'above' })).id);
	await step('get_open_orders', async () => (await ex.fetchOpenOrders(symbol)).map((o) => ({ id: o.id, price: o.price, amount: o.amount, status: o.status })));
	await step('amend_order', async () => (await ex.editOrder(limit, symbol, 'limit', 'buy', 0.002, 44000)).id);
	await step('cancel_order', async () => (await ex.cancelOrder(limit, symbol)).id);
	const batch = await step('place_batch_order', async () =>
		(await ex.createOrders([
			{ symbol, type: 'limit', side: 'buy', amount: 0.001, price: 44000 },
			{ symbol, type: 'limit', side: 'buy', amount: 0.001, price: 44100 },
		])).map((o) => o.id),
	);
	await step('cancel_batch_order', async () => (await ex.cancelOrders(batch, symbol)).map((o) => o.id));
	await step('set_leverage', async () => Boolean(await ex.setLeverage(5, symbol)));
	await step('switch_margin_mode', async () => Boolean(await ex.setMarginMode('isolated', 'ETH/USDT:USDT', { leverage: 10 })));
	await step('get_positions', async () => (await ex.fetchPositions([symbol])).map((p) => ({ symbol: p.symbol, side: p.side, contracts: p.contracts, leverage: p.leverage, marginMode: p.marginMode })));
} catch (error) {
	out.error = `${error.constructor?.name}: ${error.message}`;
}
process.stdout.write(JSON.stringify(out));
