/**
 * One live trigger per workflow and node in this n8n process.
 *
 * n8n can run two instances of the same trigger for a moment: on an
 * `emitError` it reactivates the workflow without waiting for the old
 * instance to close, and a reactivation can start the new instance while the
 * old one is still connected. A module-level registry keyed by workflow id +
 * node id hands the slot to the newest instance: from that moment the older
 * one emits nothing and sends nothing, and the newer one takes over what the
 * older one had seen (de-duplication state), so no event is emitted twice.
 * (Connection health, the reconnect backoff, belongs to the shared
 * connection both instances use: connections.ts.) Manual (test) runs never take part: they must not silence the
 * active workflow.
 *
 * `Instance.live` is checked before every emit and every REST call; after
 * `close()` it is false for good.
 */
import type { IDataObject, IHttpRequestOptions, ITriggerFunctions } from 'n8n-workflow';

interface Slot<S> {
	owner?: Instance<S>;
	/** The latest owner's state, kept after it closes for the next instance. */
	state?: S;
}

const slots = new Map<string, Slot<unknown>>();

export class Instance<S> {
	private closed = false;

	constructor(private readonly slot?: Slot<S>) {}

	/** Whether this instance may still emit and send requests. */
	get live(): boolean {
		return !this.closed && (this.slot === undefined || this.slot.owner === this);
	}

	/** Publishes this instance's state for a successor. */
	share(state: S): void {
		if (this.slot && this.slot.owner === this) this.slot.state = state;
	}

	/**
	 * Ends this instance for good. `final` replaces the shared state (when
	 * this instance still owns the slot): a compact form, so that a workflow
	 * deactivated for good leaves only that behind.
	 */
	close(final?: S): void {
		if (final !== undefined) this.share(final);
		this.closed = true;
	}
}

/**
 * Takes the slot of this workflow + node (trigger mode only) and returns the
 * new instance with the state the previous one shared, if any.
 */
export function claim<S>(ctx: ITriggerFunctions): { instance: Instance<S>; previous?: S } {
	const workflowId = typeof ctx.getWorkflow === 'function' ? ctx.getWorkflow()?.id : undefined;
	if (ctx.getMode() !== 'trigger' || !workflowId) return { instance: new Instance<S>() };
	const key = `${workflowId}|${ctx.getNode().id}`;
	let slot = slots.get(key) as Slot<S> | undefined;
	if (!slot) {
		slot = {};
		slots.set(key, slot as Slot<unknown>);
	}
	const instance = new Instance<S>(slot);
	slot.owner = instance;
	return { instance, previous: slot.state };
}

/** Bybit-style answer the transport turns into an error at once (no retry, no sleep). */
const CLOSED_RESPONSE = { statusCode: 499, headers: {}, body: { retCode: -1, retMsg: 'The Bybit Trigger was closed' } };

/**
 * The trigger context for REST calls of one instance: once it is no longer
 * live, credentials are refused and no request leaves the process.
 */
export function guardedContext(ctx: ITriggerFunctions, instance: Instance<unknown>): ITriggerFunctions {
	const send = ctx.helpers.httpRequestWithAuthentication;
	const helpers = {
		...ctx.helpers,
		async httpRequestWithAuthentication(this: unknown, type: string, options: IHttpRequestOptions, extra?: IDataObject) {
			if (!instance.live) return CLOSED_RESPONSE;
			return await send.call(this as never, type, options, extra as never);
		},
	};
	return new Proxy(ctx, {
		get(target, prop) {
			if (prop === 'helpers') return helpers;
			if (prop === 'getCredentials') {
				return async (type: string) => {
					if (!instance.live) throw new Error('The Bybit Trigger was closed');
					return await target.getCredentials(type);
				};
			}
			const value = Reflect.get(target, prop, target) as unknown;
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
