/**
 * The one item loop: looks up the spec for resource + operation, runs it per
 * item (or once for batch operations), pairs every output item with its
 * input, and turns failures into per-item errors or Continue On Fail items.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../transport';
import { runBatch } from './batch';
import { executeSpec } from './engine';
import { executionHints, takeRunNotes } from './hints';
import { SPECS_BY_KEY } from './index';
import type { OperationSpec } from './types';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const spec = SPECS_BY_KEY.get(`${resource}.${operation}`);
	if (!spec) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported.`);
	if (spec.batch) {
		const out = await runBatch.call(this, spec, items);
		await addHints(this, spec, out, new Set());
		return [out];
	}

	const out: INodeExecutionData[] = [];
	const failed = new Set<number>();
	for (let i = 0; i < items.length; i++) {
		try {
			const data = await executeSpec.call(this, spec, i);
			const rows = Array.isArray(data) ? data : [data];
			out.push(...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(rows as IDataObject[]), { itemData: { item: i } }));
		} catch (error) {
			failed.add(i);
			if (this.continueOnFail()) {
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				continue;
			}
			takeRunNotes(this);
			throw toNodeError(this.getNode(), error, i);
		}
	}
	await addHints(this, spec, out, failed);
	return [out];
}

/** Notes shown above the output (hints.ts); contexts without hints (AI tools, older n8n) get none. */
async function addHints(ctx: IExecuteFunctions, spec: OperationSpec, out: INodeExecutionData[], failed: Set<number>): Promise<void> {
	const notes = takeRunNotes(ctx).filter((n) => !failed.has(n.itemIndex));
	if (typeof ctx.addExecutionHints !== 'function') return;
	const rows = out.filter((o) => !('error' in o.json)).map((o) => o.json);
	if (!rows.length) return;
	const mode = typeof ctx.getMode === 'function' ? ctx.getMode() : '';
	const environment = spec.write && mode === 'manual' ? String((await ctx.getCredentials('bybitApi')).environment ?? 'mainnet') : '';
	const hints = executionHints({ rows, write: spec.write === true, mode, environment, notes });
	if (hints.length) ctx.addExecutionHints(...hints);
}
