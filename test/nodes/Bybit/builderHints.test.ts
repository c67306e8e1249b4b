/**
 * Hints for n8n's AI workflow builder (`builderHint`): the nodes say when to
 * pick them and what they work with, the operations people get wrong say when
 * to pick them, and the fields that cause most failed orders say how to fill
 * them. Checked on the BUILT nodes, as n8n loads them.
 */
import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Bybit } = require('../../../dist/nodes/Bybit/Bybit.node.js') as { Bybit: new () => { description: INodeTypeDescription } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BybitTrigger } = require('../../../dist/nodes/BybitTrigger/BybitTrigger.node.js') as { BybitTrigger: new () => { description: INodeTypeDescription } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../../package.json') as { name: string };

const node = new Bybit().description;
const trigger = new BybitTrigger().description;

function all(list: INodeProperties[]): INodeProperties[] {
	return list.flatMap((p) => [p, ...(p.type === 'collection' ? all((p.options ?? []) as INodeProperties[]) : [])]);
}

/** A field of order.create (the operation most orders go through). */
function createField(name: string): INodeProperties {
	const onCreate = all(node.properties).filter((p) => p.name === name && (p.displayOptions?.show?.operation ?? ['create']).includes('create'));
	const inCollection = all(node.properties.filter((p) => p.type === 'collection' && p.displayOptions?.show?.operation?.includes('create') && p.displayOptions?.show?.resource?.includes('order'))).filter((p) => p.name === name);
	const field = [...onCreate, ...inCollection].find((p) => p.builderHint) ?? onCreate[0] ?? inCollection[0];
	if (!field) throw new Error(`order.create has no field ${name}`);
	return field;
}

const usable = (text: unknown) => typeof text === 'string' && text.trim().length >= 20 && text.length <= 400 && !/\s{2,}/.test(text);

describe('builder hints', () => {
	it.each([
		['Bybit', node],
		['Bybit Trigger', trigger],
	])('%s says when to use it and names related nodes that exist in this package or n8n core', (_name, d) => {
		expect(usable(d.builderHint?.searchHint)).toBe(true);
		const related = d.builderHint?.relatedNodes ?? [];
		expect(related.length).toBeGreaterThan(0);
		for (const r of related) {
			expect(r.nodeType).toMatch(new RegExp(`^(n8n-nodes-base\\.[a-zA-Z]+|${pkg.name}\\.(bybit|bybitTrigger))$`));
			expect(usable(r.relationHint)).toBe(true);
		}
		// the node types named here are this package's own
		expect(related.map((r) => r.nodeType)).not.toContain(`${pkg.name}.${d.name}`);
	});

	it.each(['category', 'qtyType', 'positionIdx', 'reduceOnly', 'timeInForce', 'orderLinkId', 'dryRun'])('order.create field %s tells a builder how to fill it', (name) => {
		expect(usable(createField(name).builderHint?.propertyHint)).toBe(true);
	});

	it.each([
		['order', 'create'],
		['order', 'createFromSignal'],
		['position', 'closePosition'],
		['position', 'closeAll'],
		['market', 'getTickers'],
		['market', 'getSystemStatus'],
		['custom', 'apiCall'],
	])('operation %s.%s says when to pick it', (resource, operation) => {
		const param = node.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
		const option = (param?.options as INodePropertyOptions[] | undefined)?.find((o) => o.value === operation);
		expect(option).toBeDefined();
		expect(usable(option!.builderHint?.propertyHint)).toBe(true);
	});

	it('the alert operation points builders at the Webhook body and the idempotent id', () => {
		const param = node.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('order'));
		const hint = (param?.options as INodePropertyOptions[]).find((o) => o.value === 'createFromSignal')!.builderHint!.propertyHint;
		expect(hint).toMatch(/Webhook/);
		expect(hint).toMatch(/\$json\.body/);
		expect(hint).toMatch(/orderLinkId/);
		const create = (param?.options as INodePropertyOptions[]).find((o) => o.value === 'create')!.builderHint!.propertyHint;
		expect(create).toMatch(/Create From Signal/);
	});
});
