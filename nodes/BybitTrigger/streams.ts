/**
 * Wires the node's parameters to a stream: topics, filters, item shaping,
 * de-duplication, cursors and catch-up (account), conditions (market).
 * `emit` is looked up on the trigger context at call time: n8n swaps it in
 * manual mode, where the first emit ends the test run.
 */
import { NodeOperationError, sleep, type IDataObject, type ITriggerFunctions } from 'n8n-workflow';

import { restOrigin, wsPrivateUrl, wsPublicUrl, type HostSettings, type StreamCategory } from '../../credentials/common/bybit/endpoints';
import { recvWindowOf, signingKeyOf, type BybitCredentialData } from '../../credentials/common/bybit/request';
import { wsAuthArgs } from '../../credentials/common/bybit/signing';
import { bybitTimestamp } from '../../credentials/common/bybit/clock';
import { advance, fetchMissed, SeenSet, type Cursors } from './catchUp';
import { parseFilters, passes } from './filters';
import { MarketWatcher, topicOf, type MarketEvent } from './market';
import { CATEGORIES, dedupeKey, eventOfTopic, itemOf, type AccountEvent, type PrivateMessage } from './normalize';
import { BybitStream, StreamAuthError, type StreamTimings } from './stream';

export interface StreamHandle {
	close: () => Promise<void>;
}

function timingsOf(options: IDataObject): Partial<StreamTimings> {
	const ping = Math.max(1, Number(options.pingIntervalSeconds ?? 20)) * 1000;
	return { pingIntervalMs: ping, pongTimeoutMs: Math.min(10_000, ping / 2) };
}

/**
 * Emits, held back until trigger() has returned. In manual mode ("Execute step" in the editor) n8n
 * swaps `emit` for the function that ends the test run only once trigger() has returned, so an
 * event pushed right after the subscription was acknowledged would otherwise be lost. `release()`
 * (called just before returning) lets the held ones out on the next macrotask, after the swap.
 */
function emitter(ctx: ITriggerFunctions) {
	let held: IDataObject[][] | undefined = [];
	const send = (items: IDataObject[]) => ctx.emit([ctx.helpers.returnJsonArray(items)]);
	return {
		emit(items: IDataObject[]): void {
			if (!items.length) return;
			if (held) held.push(items);
			else send(items);
		},
		release(): void {
			void sleep(0).then(() => {
				const queued = held ?? [];
				held = undefined;
				for (const items of queued) send(items);
			});
		},
	};
}

function fatal(ctx: ITriggerFunctions, error: Error): void {
	ctx.emitError(new NodeOperationError(ctx.getNode(), error.message));
}

export async function accountStream(ctx: ITriggerFunctions, options: IDataObject): Promise<StreamHandle> {
	const credentials = (await ctx.getCredentials('bybitApi')) as BybitCredentialData;
	const key = signingKeyOf(credentials);
	const events = ctx.getNodeParameter('events', []) as AccountEvent[];
	if (!events.length) throw new NodeOperationError(ctx.getNode(), 'Choose at least one event to listen to.');
	const category = ctx.getNodeParameter('category', '') as string;
	const filters = parseFilters(ctx.getNodeParameter('filters', {}) as IDataObject);
	const raw = options.rawOutput === true;
	const catchUp = options.catchUp !== false;
	const staticData = ctx.getWorkflowStaticData('node') as { cursors?: Cursors };
	const cursors: Cursors = (staticData.cursors ??= {});
	// catch-up starts from activation when nothing has been seen yet
	const activatedAt = Date.now();
	cursors.orderTime ??= activatedAt;
	cursors.execTime ??= activatedAt;
	const out = emitter(ctx);
	const seen = new SeenSet();
	const topicName = (e: AccountEvent) => (e === 'executionFast' ? 'execution.fast' : e);
	const topics = events.map((e) => (category && e !== 'wallet' && e !== 'greeks' ? `${topicName(e)}.${category}` : topicName(e)));

	const accept = (event: AccountEvent, topic: string, entry: IDataObject, creationTime: number | undefined, source: 'stream' | 'catchUp'): IDataObject | undefined => {
		const k = dedupeKey(event, entry);
		if (k && !seen.add(k)) return undefined;
		advance(cursors, event, entry);
		if (!passes(filters, entry)) return undefined;
		return itemOf(event, { topic, creationTime, data: [] }, entry, source);
	};

	const runCatchUp = async () => {
		if (!catchUp) return;
		const missed = await fetchMissed(ctx, events, category ? [category] : CATEGORIES, cursors, seen);
		const items: IDataObject[] = [];
		for (const m of missed) {
			advance(cursors, m.event, m.entry);
			if (passes(filters, m.entry)) items.push(itemOf(m.event, { topic: m.topic, data: [] }, m.entry, 'catchUp'));
		}
		out.emit(items);
	};

	const stream = new BybitStream({
		url: wsPrivateUrl(credentials as HostSettings),
		// expires on the exchange clock: the offset measured for the REST host applies to its streams too
		authArgs: () => wsAuthArgs(key, bybitTimestamp(restOrigin(credentials as HostSettings)) + recvWindowOf(credentials)),
		topics: () => topics,
		timings: timingsOf(options),
		onMessage: (msg) => {
			const m = msg as unknown as PrivateMessage;
			if (raw) return out.emit([m as unknown as IDataObject]);
			const event = eventOfTopic(m.topic);
			if (!event || !Array.isArray(m.data)) return;
			const items: IDataObject[] = [];
			for (const entry of m.data) {
				const item = accept(event, m.topic, entry, m.creationTime, 'stream');
				if (item) items.push(item);
			}
			out.emit(items);
		},
		onReconnected: async () => await runCatchUp().catch((error: Error) => ctx.logger.warn(`Bybit Trigger catch-up failed: ${error.message}`)),
		onFatal: (error) => fatal(ctx, error),
	});
	try {
		await stream.start();
	} catch (error) {
		const message = (error as Error).message;
		throw new NodeOperationError(
			ctx.getNode(),
			error instanceof StreamAuthError ? `${message}. Check the API key and secret, and that the credential's Environment matches the key.` : message,
		);
	}
	// After an n8n restart, the cursors in static data say where we stopped.
	if (ctx.getMode() === 'trigger' && ((cursors.orderTime ?? activatedAt) < activatedAt || (cursors.execTime ?? activatedAt) < activatedAt)) {
		await runCatchUp().catch((error: Error) => ctx.logger.warn(`Bybit Trigger catch-up failed: ${error.message}`));
	}
	out.release();
	return { close: async () => await stream.close() };
}

export async function marketStream(ctx: ITriggerFunctions, options: IDataObject): Promise<StreamHandle> {
	const category = ctx.getNodeParameter('marketCategory', 'linear') as StreamCategory;
	const host = ctx.getNodeParameter('publicHost', 'mainnet') as string;
	const settings: HostSettings =
		host === 'custom'
			? { environment: 'custom', wsBaseUrl: ctx.getNodeParameter('publicWsUrl', '') as string }
			: { environment: host === 'testnet' ? 'testnet' : 'mainnet' };
	const event = ctx.getNodeParameter('marketEvent', 'ticker') as MarketEvent;
	const get = (name: string, fallback: unknown) => ctx.getNodeParameter(name, fallback) as never;
	const watcher = new MarketWatcher({
		event,
		symbol: String(ctx.getNodeParameter('symbol', '')).trim().toUpperCase(),
		priceField: event === 'ticker' ? get('priceField', 'lastPrice') : undefined,
		condition: event === 'ticker' ? get('condition', 'crossesAbove') : undefined,
		level: event === 'ticker' ? get('level', 0) : undefined,
		percent: event === 'ticker' ? get('percent', 1) : undefined,
		windowSeconds: event === 'ticker' ? get('windowSeconds', 60) : undefined,
		interval: event === 'kline' ? get('interval', '60') : undefined,
		minSize: event === 'publicTrade' ? get('minSize', 0) : undefined,
		minNotional: event === 'publicTrade' || event === 'liquidation' ? get('minNotional', 0) : undefined,
		levels: event === 'orderbook' ? get('levels', 5) : undefined,
		depth: category === 'option' ? 25 : 50,
	});
	const raw = options.rawOutput === true;
	const out = emitter(ctx);
	let closed = false;
	const stream = new BybitStream({
		url: wsPublicUrl(settings, category),
		topics: () => [topicOf(watcher.s)],
		batchSize: 10,
		timings: timingsOf(options),
		onMessage: (msg) => {
			if (raw) return out.emit([msg as unknown as IDataObject]);
			out.emit(watcher.onMessage(msg as never));
			if (watcher.needsResync) {
				watcher.needsResync = false;
				stream.resubscribe();
			}
		},
		onFatal: (error) => fatal(ctx, error),
	});
	try {
		await stream.start();
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message);
	}
	if (event === 'orderbook') {
		const every = Math.max(1, Number(ctx.getNodeParameter('everySeconds', 10))) * 1000;
		void (async () => {
			while (!closed) {
				const until = Date.now() + every;
				while (!closed && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
				if (!closed) out.emit(watcher.bookSnapshot());
			}
		})();
	}
	out.release();
	return {
		close: async () => {
			closed = true;
			await stream.close();
		},
	};
}
