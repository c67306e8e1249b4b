/**
 * What the n8n running the trigger can do, told apart by feature, never by version (n8n-workflow
 * comes from the host). Measured on n8n 1.123.81 and 2.41.1:
 *
 * - A workflow's static data (the trigger's Catch Up position, account.ts) is saved only for
 *   workflow ids of at most 16 characters on n8n 1.x and 21 on 2.x (n8n's isWorkflowIdValid).
 *   Past that nothing is saved, with no message: after a restart Catch Up would begin at the
 *   activation and miss what happened while n8n was down. Workflows made in the editor get
 *   16-character ids; imported ones keep theirs.
 * - 2.x trigger contexts have `saveFailedExecution` (present by 2.8); 1.x ones do not.
 */
import { NodeOperationError, type IDataObject, type ITriggerFunctions } from 'n8n-workflow';

export interface Host {
	/** n8n 1.x (no saveFailedExecution on the trigger context) */
	n8n1: boolean;
	/** the longest workflow id whose static data this n8n saves */
	maxStaticDataIdLength: number;
}

export function hostOf(ctx: ITriggerFunctions): Host {
	const n8n1 = typeof (ctx as { saveFailedExecution?: unknown }).saveFailedExecution !== 'function';
	return { n8n1, maxStaticDataIdLength: n8n1 ? 16 : 21 };
}

/**
 * An account trigger with Catch Up on, activated in a workflow whose id this n8n would not save
 * static data for, refuses to activate (naming the fix) instead of losing events after a restart.
 */
export function checkCatchUpCanPersist(ctx: ITriggerFunctions, source: string, options: IDataObject): void {
	if (source === 'market' || options.catchUp === false || ctx.getMode() !== 'trigger') return;
	const id = typeof ctx.getWorkflow === 'function' ? String(ctx.getWorkflow()?.id ?? '') : '';
	const host = hostOf(ctx);
	if (!id || id.length <= host.maxStaticDataIdLength) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`Catch Up cannot keep its position in this workflow: ${host.n8n1 ? 'n8n 1.x' : 'n8n'} saves a trigger's data only for workflow ids of at most ${host.maxStaticDataIdLength} characters, and this workflow's id "${id}" has ${id.length}`,
		{
			description:
				'Events made while n8n is down would be missed after a restart. Duplicate the workflow (the copy gets a new, short id) and activate the copy, or turn off Options > Catch Up After Reconnects to accept that gap.',
		},
	);
}
