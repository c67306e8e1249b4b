/**
 * What an AI agent's model is told about each Bybit tool when its Tool Description is "Set
 * Automatically" (n8n's default): n8n builds it from the chosen operation's `action` and the node's
 * default name (n8n-workflow getToolDescriptionForNode, as the real agent path does: see
 * test/e2e/agent.e2e.test.ts). Every operation must give its own sentence: a missing action would
 * fall back to "<operation> <resource> in Bybit", a shared one would make two tools look alike.
 */
import { NodeHelpers, type INode, type INodeType } from 'n8n-workflow';

import { Bybit } from '../../../nodes/Bybit/Bybit.node';
import { ALL_SPECS } from '../../../nodes/Bybit/actions/index';

const nodeType = new Bybit() as INodeType;

function autoDescription(resource: string, operation: string): string {
	const node: INode = { id: '1', name: 'Bybit tool', type: 'n8n-nodes-bybit.bybitTool', typeVersion: 1, position: [0, 0], parameters: { descriptionType: 'auto', resource, operation } };
	return NodeHelpers.getToolDescriptionForNode(node, nodeType);
}

describe('Bybit as an AI tool: automatic tool descriptions', () => {
	const all = ALL_SPECS.map((s) => ({ id: `${s.resource}.${s.operation}`, action: s.action, text: autoDescription(s.resource, s.operation) }));

	it.each(all.map((a) => [a.id, a] as const))('%s is described by its own action', (_id, a) => {
		expect(a.text).toBe(`${a.action} in Bybit`);
		expect(a.action).toMatch(/^[A-Z][a-z]+ \S/); // a verb, then what it acts on
		expect(a.action).not.toMatch(/[.:;]$/);
	});

	it('no two operations give the model the same description', () => {
		const seen = new Map<string, string>();
		const clashes: string[] = [];
		for (const a of all) {
			const key = a.text.toLowerCase();
			if (seen.has(key)) clashes.push(`${seen.get(key)} and ${a.id}: "${a.text}"`);
			seen.set(key, a.id);
		}
		expect(clashes).toEqual([]);
	});
});
