/**
 * What the trigger needs from the n8n line and Node.js it runs on.
 *
 * n8n 1.x may run on Node.js 20, which has no global WebSocket (measured: n8n 1.123.81 on Node.js
 * 20.20.2). The trigger must refuse to activate with a message that names the fix, before it opens
 * anything, and never fail later with a bare "WebSocket is not defined".
 */
import type { INode, ITriggerFunctions } from 'n8n-workflow';

import { BybitTrigger } from '../../../nodes/BybitTrigger/BybitTrigger.node';
import { checkCatchUpCanPersist, hostOf } from '../../../nodes/BybitTrigger/host';

const node: INode = { id: 'n1', name: 'Bybit Trigger', type: 'n8n-nodes-bybit.bybitTrigger', typeVersion: 1.1, position: [0, 0], parameters: {} };

describe('Bybit Trigger on a Node.js without a global WebSocket (Node.js 20)', () => {
	const original = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
	beforeEach(() => {
		delete (globalThis as { WebSocket?: unknown }).WebSocket;
	});
	afterEach(() => {
		if (original) Object.defineProperty(globalThis, 'WebSocket', original);
	});

	test('activation fails at once with the fix named (upgrade Node.js or n8n); no parameter or credential is read', async () => {
		expect(typeof WebSocket).toBe('undefined');
		const read: string[] = [];
		const ctx = {
			getNode: () => node,
			getNodeParameter: (name: string) => {
				read.push(name);
				return 'account';
			},
			getCredentials: async () => {
				read.push('credentials');
				return {};
			},
		} as unknown as ITriggerFunctions;
		const error = await new BybitTrigger().trigger.call(ctx).then(
			() => undefined,
			(e: Error & { description?: string }) => e,
		);
		expect(error?.message).toBe('Bybit Trigger needs Node.js 22 or newer: the Node.js running this n8n has no global WebSocket');
		expect(error?.description).toMatch(/Upgrade the Node\.js that runs n8n to 22 or 24/);
		expect(error?.description).toMatch(/upgrade n8n to 2\.x/);
		expect(read).toEqual([]);
	});
});

describe('Catch Up needs the workflow static data n8n saves only for short workflow ids', () => {
	const ctxOf = (id: string, opts: { n8n1: boolean; mode?: 'trigger' | 'manual' }) =>
		({
			getNode: () => node,
			getMode: () => opts.mode ?? 'trigger',
			getWorkflow: () => ({ id, name: 'w', active: true }),
			...(opts.n8n1 ? {} : { saveFailedExecution: () => undefined }),
		}) as unknown as ITriggerFunctions;
	const check = (id: string, opts: { n8n1: boolean; mode?: 'trigger' | 'manual' }, source = 'account', options = {}) => () =>
		checkCatchUpCanPersist(ctxOf(id, opts), source, options);

	test('n8n 1.x (no saveFailedExecution): ids up to 16 characters activate, longer ones are refused with the fix named', () => {
		expect(hostOf(ctxOf('x', { n8n1: true }))).toEqual({ n8n1: true, maxStaticDataIdLength: 16 });
		expect(check('a'.repeat(16), { n8n1: true })).not.toThrow();
		expect(check('bybitExFillsToChat', { n8n1: true })).toThrow(
			'Catch Up cannot keep its position in this workflow: n8n 1.x saves a trigger\'s data only for workflow ids of at most 16 characters, and this workflow\'s id "bybitExFillsToChat" has 18',
		);
		try {
			check('bybitExFillsToChat', { n8n1: true })();
		} catch (e) {
			expect((e as { description?: string }).description).toMatch(/Duplicate the workflow .* or turn off Options > Catch Up After Reconnects/);
		}
	});

	test('n8n 2.x: up to 21 characters', () => {
		expect(hostOf(ctxOf('x', { n8n1: false })).maxStaticDataIdLength).toBe(21);
		expect(check('bybitExFillsToChat', { n8n1: false })).not.toThrow();
		expect(check('a'.repeat(21), { n8n1: false })).not.toThrow();
		expect(check('a'.repeat(22), { n8n1: false })).toThrow(/at most 21 characters/);
	});

	test('no refusal without Catch Up, for market streams, or in a manual test run', () => {
		const long = 'a'.repeat(30);
		expect(check(long, { n8n1: true }, 'account', { catchUp: false })).not.toThrow();
		expect(check(long, { n8n1: true }, 'market')).not.toThrow();
		expect(check(long, { n8n1: true, mode: 'manual' })).not.toThrow();
	});
});
