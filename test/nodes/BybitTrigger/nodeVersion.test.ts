/**
 * n8n 1.x may run on Node.js 20, which has no global WebSocket (measured: n8n 1.123.81 on Node.js
 * 20.20.2). The trigger must refuse to activate with a message that names the fix, before it opens
 * anything, and never fail later with a bare "WebSocket is not defined".
 */
import type { INode, ITriggerFunctions } from 'n8n-workflow';

import { BybitTrigger } from '../../../nodes/BybitTrigger/BybitTrigger.node';

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
