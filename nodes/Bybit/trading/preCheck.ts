/**
 * Bybit's own check of a would-be order (docs: order/pre-check-order): the
 * account's initial and maintenance margin rates before and after it, in
 * units of 1e-4. It places nothing (safety.ts: READ_ONLY_POSTS). Where the
 * docs say it does not apply, it is not asked:
 * - Demo Trading does not serve it (docs: Demo Trading Service, the list of
 *   available APIs has no /v5/order/pre-check);
 * - only inverse, linear and option orders; no conditional orders.
 * Isolated margin mode and inverse orders in cross margin mode are not
 * supported either: Bybit's answer (a retCode) says so. A dry run shows the
 * answer beside the node's own checks and never fails because of it.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, bybitFailure, type BybitContext } from '../transport';

export const PRE_CHECK_PATH = '/v5/order/pre-check';

/** Why the pre-check does not apply to this order on this environment, or undefined when it does. */
export function preCheckUnsupported(environment: string, body: IDataObject): string | undefined {
	if (environment === 'demo') return 'Demo Trading does not serve /v5/order/pre-check (Bybit docs: Demo Trading Service, available APIs)';
	if (!['linear', 'inverse', 'option'].includes(String(body.category))) return `Bybit's pre-check supports inverse, linear and option orders, not ${String(body.category)}`;
	if (body.triggerPrice !== undefined && body.triggerPrice !== '') return 'Bybit\'s pre-check does not support conditional orders (Trigger Price is set)';
	return undefined;
}

/**
 * Asks Bybit's pre-check for the create body; never throws for Bybit's
 * answer: `{ checked: true, ...result }`, `{ checked: false, retCode, retMsg }`
 * when Bybit refused it, `{ checked: false, supported: false, reason }` when
 * it does not apply or the host does not serve it.
 */
export async function askPreCheck(ctx: BybitContext, body: IDataObject, itemIndex: number): Promise<IDataObject> {
	const environment = String((await ctx.getCredentials('bybitApi')).environment ?? 'mainnet');
	const unsupported = preCheckUnsupported(environment, body);
	if (unsupported) return { checked: false, supported: false, reason: unsupported };
	try {
		const result = await bybitApiRequest.call(ctx, { method: 'POST', path: PRE_CHECK_PATH, body: { ...body }, itemIndex, retrySafe: true });
		return { checked: true, ...result };
	} catch (error) {
		const { retCode } = bybitFailure(error);
		const message = (error as Error).message ?? String(error);
		const http = (error as { httpCode?: string }).httpCode;
		if (retCode !== undefined) return { checked: false, retCode, retMsg: message.replace(/^Bybit error \d+: /, '') };
		if (http === '404') return { checked: false, supported: false, reason: 'the host answered HTTP 404: it does not serve /v5/order/pre-check' };
		return { checked: false, reason: message };
	}
}
