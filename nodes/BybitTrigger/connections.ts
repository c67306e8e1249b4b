/**
 * The connection layer: who is connected, with which topics. Every active
 * Bybit Trigger in this n8n process that listens to the same stream shares one
 * WebSocket: one private connection per host and credential key, one public
 * connection per host and category (split only where Bybit's argument limits
 * require it). A connection carries the union of its listeners' topics,
 * subscribes a topic when its first listener joins and unsubscribes it when
 * its last one leaves; the first listener opens the connection and the last
 * one to leave closes it. Reconnect, heartbeat and resubscription are the
 * stream's (stream.ts); each message is parsed once and handed to the
 * listeners of its topic, which keep their own filters, ledgers and output.
 *
 * Manual runs ("Execute step") get a connection of their own, so they never
 * disturb active triggers.
 */
import { BybitStream, StreamAuthError, type StreamTimings } from './stream';

export interface StreamMessage {
	topic: string;
	[key: string]: unknown;
}

/** One trigger's part of a connection. */
export interface Listener {
	topics: readonly string[];
	onMessage(msg: StreamMessage): void;
	/** The connection was lost (called at once, before any reconnect). */
	onDropped?(): void;
	/** The connection is back and subscribed again (also for a listener whose join has not returned yet). */
	onReconnected?(connection: Connection): void;
	onFatal(error: Error): void;
}

export interface ConnectionSpec {
	/** What makes two triggers share: the URL and, for private streams, the credential key. */
	key: string;
	url: string;
	/** Arguments of the `auth` op, made fresh for every connection (private streams). */
	authArgs?: () => unknown[];
	/** Max topics per subscribe request (spot public: 10). */
	batchSize?: number;
	/** Topics of different groups never share a request (private: All-In-One and categorised forms). */
	requestGroup?: (topic: string) => string;
	/** Max total characters of topics on one connection (public: 21,000), and max topics (options: 2,000). */
	maxArgsChars?: number;
	maxArgs?: number;
	/** Topics whose first message is a snapshot and the rest deltas (tickers, order books): a listener joining one that others receive needs a fresh snapshot. */
	snapshots?: (topic: string) => boolean;
	/** Timings of the first listener (ping interval): the connection keeps them. */
	timings?: Partial<StreamTimings>;
	/** False for manual runs: a connection of its own, not in the registry. */
	shared: boolean;
}

export class Connection {
	readonly stream: BybitStream;
	private readonly byTopic = new Map<string, Set<Listener>>();
	readonly listeners = new Set<Listener>();
	private argsChars = 0;
	/** The first connect (auth and subscription of the first listener's topics). */
	ready?: Promise<void>;
	private closed = false;
	/** Shared state keyed by purpose (the account streams' catch-up coordinator). */
	readonly extras = new Map<string, unknown>();

	constructor(
		readonly spec: ConnectionSpec,
		private readonly forget: () => void,
	) {
		this.stream = new BybitStream({
			url: spec.url,
			authArgs: spec.authArgs,
			topics: () => [...this.byTopic.keys()],
			batchSize: spec.batchSize,
			requestGroup: spec.requestGroup,
			timings: spec.timings,
			wanted: () => !this.closed,
			onMessage: (msg) => {
				const listeners = this.byTopic.get(msg.topic);
				if (listeners) for (const l of listeners) l.onMessage(msg);
			},
			onDropped: () => {
				for (const l of this.listeners) l.onDropped?.();
			},
			onReconnected: async () => {
				for (const l of this.listeners) l.onReconnected?.(this);
			},
			onFatal: (error) => {
				// a key refused on reconnect: this connection is over; triggers activated again open a new one
				if (error instanceof StreamAuthError) this.retire();
				for (const l of [...this.listeners]) l.onFatal(error);
			},
		});
	}

	get topics(): string[] {
		return [...this.byTopic.keys()];
	}

	/** Whether the listener's new topics fit within the connection's argument limits. */
	fits(topics: readonly string[]): boolean {
		const fresh = topics.filter((t) => !this.byTopic.has(t));
		const { maxArgsChars, maxArgs } = this.spec;
		if (maxArgsChars !== undefined && this.argsChars + fresh.reduce((n, t) => n + t.length, 0) > maxArgsChars) return false;
		return maxArgs === undefined || this.byTopic.size + fresh.length <= maxArgs;
	}

	/** Adds the listener's topics; returns those no listener had. */
	private take(listener: Listener): string[] {
		const fresh: string[] = [];
		this.listeners.add(listener);
		for (const t of listener.topics) {
			let set = this.byTopic.get(t);
			if (!set) {
				this.byTopic.set(t, (set = new Set()));
				this.argsChars += t.length;
				fresh.push(t);
			}
			set.add(listener);
		}
		return fresh;
	}

	/** Removes the listener's topics; returns those no listener has left. */
	private drop(listener: Listener): string[] {
		const gone: string[] = [];
		if (!this.listeners.delete(listener)) return gone;
		for (const t of listener.topics) {
			const set = this.byTopic.get(t);
			if (!set) continue;
			set.delete(listener);
			if (!set.size) {
				this.byTopic.delete(t);
				this.argsChars -= t.length;
				gone.push(t);
			}
		}
		return gone;
	}

	/**
	 * Joins: opens the connection for the first listener, subscribes new
	 * topics for later ones; throws what Bybit refused. Returns false when the
	 * connection was retired meanwhile (join another).
	 */
	async join(listener: Listener): Promise<boolean> {
		if (this.closed) return false;
		const fresh = this.take(listener);
		const known = listener.topics.filter((t) => !fresh.includes(t) && this.spec.snapshots?.(t));
		if (!this.ready) this.ready = this.stream.start();
		const refused = await this.ready
			.then(async () => {
				if (fresh.length) await this.stream.subscribe(fresh);
				// the others' listeners get the same snapshot again: for a snapshot-and-deltas topic that changes nothing
				if (known.length) await this.stream.refresh(known);
			})
			.then(
				() => undefined,
				(error: Error) => error,
			);
		if (refused) {
			await this.leave(listener);
			return await Promise.reject(refused);
		}
		if (!this.closed) return true;
		await this.leave(listener);
		return false;
	}

	/** Leaves: unsubscribes what no one else needs; the last listener closes the connection. */
	async leave(listener: Listener): Promise<void> {
		const gone = this.drop(listener);
		if (!this.listeners.size) {
			this.retire();
			await this.stream.close();
			return;
		}
		if (gone.length) await this.stream.unsubscribe(gone).catch(() => undefined);
	}

	/** Out of the registry: no new listener joins it. */
	private retire(): void {
		if (this.closed) return;
		this.closed = true;
		this.forget();
	}

	get retired(): boolean {
		return this.closed;
	}
}

/** Open shared connections by key; a key's connections are several only where argument limits split them. */
const registry = new Map<string, Connection[]>();

/** The connection a listener of `spec` joins: a shared one with room for its topics, or a new one. */
export function connectionFor(spec: ConnectionSpec, topics: readonly string[]): Connection {
	if (!spec.shared) return new Connection(spec, () => undefined);
	const list = registry.get(spec.key) ?? [];
	const found = list.find((c) => !c.retired && c.fits(topics));
	if (found) return found;
	const created: Connection = new Connection(spec, () => {
		const rest = (registry.get(spec.key) ?? []).filter((c) => c !== created);
		if (rest.length) registry.set(spec.key, rest);
		else registry.delete(spec.key);
	});
	registry.set(spec.key, [...list, created]);
	return created;
}

/** Joins the connection `spec` names (see connectionFor); returns it. Throws what Bybit refused. */
export async function join(spec: ConnectionSpec, listener: Listener): Promise<Connection> {
	for (;;) {
		const connection = connectionFor(spec, listener.topics);
		if (await connection.join(listener)) return connection;
	}
}

/** Open shared connections (tests and benchmarks). */
export function openConnections(): Connection[] {
	return [...registry.values()].flat();
}
