/**
 * Wires the node's parameters to a stream: conditions (market) here, the
 * account stream in account.ts, and what both share. `emit` is looked up on
 * the trigger context at call time: n8n swaps it in manual mode, where the
 * first emit ends the test run. Every emit checks that this instance is still
 * live (not closed, not superseded: see instances.ts).
 */
import { NodeOperationError, sleep, type IDataObject, type ITriggerFunctions } from 'n8n-workflow';

import { wsPublicUrl, wsStatusUrl, type HostSettings, type StreamCategory } from '../../credentials/common/bybit/endpoints';
import { SYMBOL_ID_REGEX, symbolFromLocator } from '../Bybit/methods/symbolLocator';
import { claim, type Instance } from './instances';
import { MarketWatcher, topicOf, type MarketEvent } from './market';
import { NOTICE_EVENTS, NoticeWatcher, noticeStream, noticeTopic, type ContractGroup, type NoticeEvent } from './notices';
import { join, type Connection, type ConnectionSpec, type Listener } from './connections';
import type { StreamTimings } from './stream';

export interface StreamHandle {
	close: () => Promise<void>;
}

export function timingsOf(options: IDataObject): Partial<StreamTimings> {
	const ping = Math.max(1, Number(options.pingIntervalSeconds ?? 20)) * 1000;
	return { pingIntervalMs: ping, pongTimeoutMs: Math.min(10_000, ping / 2) };
}

export interface Emitter {
	emit(items: IDataObject[]): void;
	/** Called just before trigger() returns: lets the held emits out on the next macrotask. */
	release(): void;
}

/**
 * Emits, held back until trigger() has returned. In manual mode ("Execute step" in the editor) n8n
 * swaps `emit` for the function that ends the test run only once trigger() has returned, so an
 * event pushed right after the subscription was acknowledged would otherwise be lost.
 */
export function emitter(ctx: ITriggerFunctions): Emitter {
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

export function fatal(ctx: ITriggerFunctions, error: Error): void {
	ctx.emitError(new NodeOperationError(ctx.getNode(), error.message));
}

/**
 * The Symbol parameter as Bybit's symbol: text (node version 1) or the
 * locator of 1.1 (n8n extracts a trading page's symbol part; symbolLocator.ts
 * maps it to the API symbol). Refused, naming the form, when it is not one.
 */
export function symbolOf(ctx: ITriggerFunctions): string {
	const raw = ctx.getNodeParameter('symbol', '') as unknown;
	let value = symbolFromLocator(raw, ctx.getNodeParameter('symbol', '', { extractValue: true }));
	if (value && typeof value === 'object' && '__rl' in value) value = (value as { value?: unknown }).value;
	const symbol = String(value ?? '').trim().toUpperCase();
	if (!symbol || !new RegExp(`^${SYMBOL_ID_REGEX}$`).test(symbol)) {
		throw new NodeOperationError(ctx.getNode(), `Symbol "${symbol.slice(0, 40)}" is not a Bybit symbol: give it as Bybit writes it, e.g. BTCUSDT, or pick it from the list.`);
	}
	return symbol;
}

function hostSettings(ctx: ITriggerFunctions): HostSettings {
	const host = ctx.getNodeParameter('publicHost', 'mainnet') as string;
	return host === 'custom'
		? { environment: 'custom', wsBaseUrl: ctx.getNodeParameter('publicWsUrl', '') as string }
		: { environment: host }; // a preset of endpoints.ts (Public Host options); an unknown value means mainnet
}

export async function marketStream(ctx: ITriggerFunctions, options: IDataObject): Promise<StreamHandle> {
	const event = ctx.getNodeParameter('marketEvent', 'ticker') as MarketEvent | NoticeEvent;
	if (NOTICE_EVENTS.includes(event)) return await noticeStreamOf(ctx, event as NoticeEvent, options);
	const category = ctx.getNodeParameter('marketCategory', 'linear') as StreamCategory;
	const settings = hostSettings(ctx);
	const get = (name: string, fallback: unknown) => ctx.getNodeParameter(name, fallback) as never;
	const watcher = new MarketWatcher({
		event: event as MarketEvent,
		symbol: symbolOf(ctx),
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
	const { instance, out, emit } = publicOutput(ctx);
	const topic = topicOf(watcher.s);
	const url = wsPublicUrl(settings, category);
	const member = joined(ctx, instance, publicSpec(ctx, url, category, options), {
		topics: [topic],
		onMessage: (msg) => {
			if (!instance.live) return void member.leave();
			if (raw) return emit([msg as unknown as IDataObject]);
			emit(watcher.onMessage(msg as never));
			if (watcher.needsResync) {
				watcher.needsResync = false;
				member.connection?.stream.resubscribe([topic]);
			}
		},
		onFatal: (error) => {
			if (instance.live) fatal(ctx, error);
		},
	});
	await member.ready;
	if (event === 'orderbook') {
		const every = Math.max(1, Number(ctx.getNodeParameter('everySeconds', 10))) * 1000;
		void (async () => {
			while (instance.live) {
				const until = Date.now() + every;
				while (instance.live && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
				emit(watcher.bookSnapshot());
			}
		})();
	}
	return served(member, instance, out);
}

/** Insurance pool, price limit, ADL alert and system status streams (notices.ts). */
async function noticeStreamOf(ctx: ITriggerFunctions, event: NoticeEvent, options: IDataObject): Promise<StreamHandle> {
	const category = ctx.getNodeParameter('marketCategory', 'linear') as StreamCategory;
	if (event === 'priceLimit' && category === 'option') {
		throw new NodeOperationError(ctx.getNode(), 'Order Price Limit streams exist for spot, linear and inverse symbols, not options. Change Market Category.');
	}
	const listed = String(ctx.getNodeParameter('noticeSymbols', '') ?? '')
		.split(/[\s,]+/)
		.map((x) => x.trim().toUpperCase())
		.filter(Boolean);
	const watcher = new NoticeWatcher({
		event,
		symbol: event === 'priceLimit' ? symbolOf(ctx) : undefined,
		group: event === 'insurance' || event === 'adlAlert' ? (ctx.getNodeParameter('contractGroup', 'USDT') as ContractGroup) : undefined,
		symbols: (event === 'insurance' || event === 'adlAlert') && listed.length ? new Set(listed) : undefined,
	});
	const where = noticeStream(watcher.s, category);
	const settings = hostSettings(ctx);
	const raw = options.rawOutput === true;
	const { instance, out, emit } = publicOutput(ctx);
	const url = where.kind === 'status' ? wsStatusUrl(settings) : wsPublicUrl(settings, where.category as StreamCategory);
	const member = joined(ctx, instance, publicSpec(ctx, url, where.kind === 'status' ? undefined : (where.category as StreamCategory), options), {
		topics: [noticeTopic(watcher.s)],
		onMessage: (msg) => {
			if (!instance.live) return void member.leave();
			emit(raw ? [msg as unknown as IDataObject] : watcher.onMessage(msg));
		},
		onFatal: (error) => {
			if (instance.live) fatal(ctx, error);
		},
	});
	await member.ready;
	return served(member, instance, out);
}

/**
 * A public connection: one per host and category for all active triggers
 * (manual runs get their own), within Bybit's public argument limits:
 * 21,000 characters of topics per connection, 2,000 topics for options,
 * 10 topics per subscribe request (spot's limit, used for all).
 */
function publicSpec(ctx: ITriggerFunctions, url: string, category: StreamCategory | undefined, options: IDataObject): ConnectionSpec {
	return {
		key: url,
		url,
		batchSize: 10,
		maxArgsChars: 21_000,
		maxArgs: category === 'option' ? 2_000 : undefined,
		snapshots: (topic) => topic.startsWith('tickers.') || topic.startsWith('orderbook.'),
		timings: timingsOf(options),
		shared: ctx.getMode() === 'trigger',
	};
}

interface Membership {
	/** Settles once the trigger is connected and subscribed; fails activation with Bybit's reason. */
	ready: Promise<void>;
	connection?: Connection;
	leave(): Promise<void>;
}

/** Joins a connection for a trigger; a failed join closes the instance and fails activation with the reason. */
function joined(ctx: ITriggerFunctions, instance: { close(): void }, spec: ConnectionSpec, listener: Listener): Membership {
	let left = false;
	const member: Membership = {
		ready: join(spec, listener).then(
			(connection) => {
				member.connection = connection;
			},
			(error: Error) => {
				instance.close();
				throw new NodeOperationError(ctx.getNode(), error.message);
			},
		),
		leave: async () => {
			if (left) return;
			left = true;
			await member.ready.catch(() => undefined);
			await member.connection?.leave(listener);
		},
	};
	return member;
}

/** A public stream's instance (no state carried over) and its emit, which drops items once the instance is no longer live. */
function publicOutput(ctx: ITriggerFunctions): { instance: Instance<undefined>; out: Emitter; emit: (items: IDataObject[]) => void } {
	const { instance } = claim<undefined>(ctx);
	const out = emitter(ctx);
	const emit = (items: IDataObject[]) => {
		if (instance.live) out.emit(items);
	};
	return { instance, out, emit };
}

/** Releases the emits held during activation and hands n8n the close function. */
function served(member: Membership, instance: { close(): void }, out: Emitter): StreamHandle {
	out.release();
	return {
		close: async () => {
			instance.close();
			await member.leave();
		},
	};
}
