/**
 * The account (private) stream: topics, filters, item shaping,
 * de-duplication, persisted ledgers and catch-up.
 *
 * Exactly once across restarts rests on how n8n 2.41 saves static data: the
 * node's static data is an n8n ObservableObject; assigning one of its
 * top-level keys marks the workflow's static data changed (a nested object
 * created later is not observed), and n8n writes changed static data to the
 * database when the trigger emits (`saveStaticData` at the start of every
 * emit) and after activation, never on close. So the ledgers are written as
 * top-level keys (`orders`, `executions`), as new objects, synchronously just
 * before each emit: what is saved always covers every event emitted so far.
 */
import { createHash } from 'crypto';
import { NodeOperationError, type IDataObject, type ITriggerFunctions } from 'n8n-workflow';

import { restOrigin, wsPrivateUrl, type HostSettings } from '../../credentials/common/bybit/endpoints';
import { recvWindowOf, signingKeyOf, type BybitCredentialData } from '../../credentials/common/bybit/request';
import { wsAuthArgs } from '../../credentials/common/bybit/signing';
import { bybitTimestamp } from '../../credentials/common/bybit/clock';
import { AccountBook } from './book';
import { CatchUp, type Ledgers } from './catchUp';
import { join, type Connection, type ConnectionSpec, type Listener } from './connections';
import { parseFilters } from './filters';
import { claim, guardedContext } from './instances';
import { Ledger, markOf, mergeMarks, SeenSet, type Mark } from './ledger';
import { CATEGORIES, type AccountEvent, type PrivateMessage } from './normalize';
import { StreamAuthError } from './stream';
import { emitter, fatal, timingsOf, type StreamHandle } from './streams';

/** The node's static data (top-level keys only; `cursors` is the format before 0.2). */
interface Persisted {
	orders?: Mark;
	executions?: Mark;
	cursors?: { orderTime?: number; execTime?: number };
}

/**
 * What a successor instance takes over in this process: the live seen-set
 * while this instance runs; after close only the ledgers (at most 100 keys
 * each), which are exact on their own once no stream of ours is connected.
 */
interface AccountState {
	ledgers: Ledgers;
	seen?: SeenSet;
}

/** The old cursor format: everything up to the cursor was emitted. */
function legacyMark(time: unknown): Mark | undefined {
	return typeof time === 'number' && time > 0 ? { high: time, floor: time + 1, keys: {} } : undefined;
}

/** DCP topics (docs: websocket/private/dcp): dcp.future covers linear and inverse. */
export function dcpTopics(category: string): string[] {
	if (category === 'linear' || category === 'inverse') return ['dcp.future'];
	if (category === 'spot') return ['dcp.spot'];
	if (category === 'option') return ['dcp.option'];
	return ['dcp.future', 'dcp.spot', 'dcp.option'];
}

export async function accountStream(ctx: ITriggerFunctions, options: IDataObject): Promise<StreamHandle> {
	const credentials = (await ctx.getCredentials('bybitApi')) as BybitCredentialData;
	const key = signingKeyOf(credentials);
	const chosen = ctx.getNodeParameter('events', []) as Array<AccountEvent | 'dcp'>;
	if (!chosen.length) throw new NodeOperationError(ctx.getNode(), 'Choose at least one event to listen to.');
	// dcp is a subscription only: Bybit pushes nothing on it
	const events = chosen.filter((e): e is AccountEvent => e !== 'dcp');
	const category = ctx.getNodeParameter('category', '') as string;
	const filters = parseFilters(ctx.getNodeParameter('filters', {}) as IDataObject);
	const raw = options.rawOutput === true;
	const catchUp = options.catchUp !== false;

	const { instance, previous } = claim<AccountState>(ctx);
	const rest = guardedContext(ctx, instance);
	const staticData = ctx.getWorkflowStaticData('node') as Persisted;
	const now = Date.now();
	const resume = (stored: Mark | undefined, live: Ledger | undefined) => mergeMarks(stored, live?.toMark());
	const marks = {
		order: resume(markOf(staticData.orders) ?? legacyMark(staticData.cursors?.orderTime), previous?.ledgers.order),
		execution: resume(markOf(staticData.executions) ?? legacyMark(staticData.cursors?.execTime), previous?.ledgers.execution),
	};
	const wantOrders = events.includes('order');
	const wantExecs = events.includes('execution') || events.includes('executionFast');
	// nothing recorded yet: catch-up starts at activation
	const ledgers: Ledgers = {
		order: wantOrders ? (marks.order ? new Ledger(marks.order) : Ledger.fresh(now)) : undefined,
		execution: wantExecs ? (marks.execution ? new Ledger(marks.execution) : Ledger.fresh(now)) : undefined,
	};
	const resumed = (wantOrders && marks.order !== undefined) || (wantExecs && marks.execution !== undefined);
	const seen = previous?.seen ?? new SeenSet();
	for (const ledger of [ledgers.order, ledgers.execution]) for (const k of ledger?.keyList() ?? []) seen.add(k);
	instance.share({ ledgers, seen });

	/** Writes the changed ledgers as new top-level values (see the file comment). */
	const persist = () => {
		if (!catchUp) return;
		if (ledgers.order?.dirty) staticData.orders = ledgers.order.snapshot();
		if (ledgers.execution?.dirty) staticData.executions = ledgers.execution.snapshot();
		if (staticData.cursors !== undefined) delete staticData.cursors;
	};
	const out = emitter(ctx);
	const emit = (items: IDataObject[]) => {
		if (!instance.live || !items.length) return;
		persist();
		out.emit(items);
	};

	const topicName = (e: AccountEvent) => (e === 'executionFast' ? 'execution.fast' : e);
	const topics = [
		...events.map((e) => (category && e !== 'wallet' && e !== 'greeks' ? `${topicName(e)}.${category}` : topicName(e))),
		...(chosen.includes('dcp') ? dcpTopics(category) : []),
	];

	const book = new AccountBook({
		events,
		categories: category ? [category] : CATEGORIES,
		ledgers,
		seen,
		filters,
		raw,
		catchUp,
		live: () => instance.live,
		rest,
		emit,
		warn: (message) => ctx.logger.warn(message),
	});
	const listener: Listener = {
		topics,
		onMessage: (msg) => {
			if (!instance.live) return void leave();
			book.onMessage(msg as unknown as PrivateMessage);
		},
		onDropped: () => book.hold(),
		onReconnected: (on) => {
			if (catchUp && instance.live) catchUpOf(on).request(book);
		},
		onFatal: (error) => {
			if (instance.live) fatal(ctx, error);
		},
	};
	const url = wsPrivateUrl(credentials as HostSettings);
	const spec: ConnectionSpec = {
		// triggers with the same key on the same host share one connection (manual runs get their own)
		key: `${url}|${key.apiKey}|${createHash('sha256').update(`${key.signatureMethod}:${key.secret}`).digest('hex')}`,
		url,
		// expires on the exchange clock: the offset measured for the REST host applies to its streams too
		authArgs: () => wsAuthArgs(key, bybitTimestamp(restOrigin(credentials as HostSettings)) + recvWindowOf(credentials)),
		// Bybit refuses the All-In-One and categorised forms of a topic in one request (triggers sharing may mix them)
		requestGroup: (topic) => (/\.(spot|linear|inverse|option)$/.test(topic) && !topic.startsWith('dcp.') ? 'categorised' : 'other'),
		timings: timingsOf(options),
		// dcp arms Disconnect-Cancel-All on the connection that subscribed it: such a trigger keeps one of its own,
		// so that closing it (or losing it) is what Bybit acts on, whatever other triggers still listen
		shared: ctx.getMode() === 'trigger' && !chosen.includes('dcp'),
	};
	let connection: Connection | undefined;
	let left = false;
	const leave = async () => {
		if (left) return;
		left = true;
		await connection?.leave(listener);
	};
	// after an n8n restart or a reactivation, what happened meanwhile is due before any live event may move the floors
	const resuming = ctx.getMode() === 'trigger' && resumed;
	if (resuming) book.hold();
	try {
		connection = await join(spec, listener);
	} catch (error) {
		instance.close({ ledgers });
		const message = (error as Error).message;
		throw new NodeOperationError(
			ctx.getNode(),
			error instanceof StreamAuthError ? `${message}. Check the API key and secret, and that the credential's Environment matches the key.` : message,
		);
	}
	// After an n8n restart or a reactivation, the ledgers say where we stopped. Not awaited: a slow or
	// failing catch-up (tried again until it succeeds) must not hold up the activation; its items follow.
	if (resuming && catchUp) catchUpOf(connection).request(book);
	// saved by n8n when the activation completes
	persist();
	out.release();
	return {
		close: async () => {
			instance.close({ ledgers });
			await leave();
		},
	};
}

/** The catch-up passes of a connection's triggers: one coordinator per connection. */
function catchUpOf(connection: Connection): CatchUp {
	let c = connection.extras.get('catchUp') as CatchUp | undefined;
	if (!c) connection.extras.set('catchUp', (c = new CatchUp()));
	return c;
}
