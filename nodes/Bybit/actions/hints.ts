/**
 * Execution hints: notes n8n shows above the output after a run, read from
 * what the run produced. Each rule is data: when it applies, and what it says.
 */
import type { IDataObject, NodeExecutionHint } from 'n8n-workflow';

import { ENVIRONMENTS } from '../../../credentials/common/bybit/endpoints';

/**
 * What an operation noticed about one item while it ran, for the hints:
 * written by the engine and the sizing code on the run's context, read (and
 * cleared) by the router once the items are done.
 */
export type RunNote =
	/** Return All stopped at a maximum: `max` rows of an endpoint without pages, or `max` pages. */
	| { kind: 'returnAllCapped'; itemIndex: number; operation: string; max: number; unit: 'rows' | 'pages'; narrow: string }
	/** A computed or given quantity was rounded down to the instrument's qtyStep before sending. */
	| { kind: 'qtyRoundedDown'; itemIndex: number; symbol: string; requested: string; sent: string; qtyStep: string }
	/** The credential asks for WebSocket order entry, and this order went over REST (why: `reason`). */
	| { kind: 'orderEntryRest'; itemIndex: number; reason: string };

const NOTES = new WeakMap<object, RunNote[]>();

/** Records a note on the run's context (the node's execute context: one per node run). */
export function addRunNote(ctx: object, note: RunNote): void {
	const list = NOTES.get(ctx);
	if (list) list.push(note);
	else NOTES.set(ctx, [note]);
}

/** The notes recorded so far, cleared. */
export function takeRunNotes(ctx: object): RunNote[] {
	const list = NOTES.get(ctx) ?? [];
	NOTES.delete(ctx);
	return list;
}

export interface RunFacts {
	/** output rows of the items that succeeded */
	rows: IDataObject[];
	/** the operation changes something on the account */
	write: boolean;
	/** n8n's execution mode (`manual`: run from the editor) */
	mode: string;
	/** the credential's environment */
	environment: string;
	/** notes of the items that succeeded */
	notes?: RunNote[];
}

/** Environments where orders move real funds (testnet, demo trading and custom hosts do not). */
const PAPER = new Set(['testnet', 'demo', 'custom']);
export const realFunds = (environment: string) => environment in ENVIRONMENTS && !PAPER.has(environment);

const isDryRun = (row: IDataObject) => row.dryRun === true;
/** An order that already existed under the orderLinkId sent (writeOnce.ts): the same input ran before. */
const isDuplicate = (row: IDataObject) => row.recovered === 'duplicateOrderLinkId';

const capped = (f: RunFacts) => (f.notes ?? []).filter((n): n is Extract<RunNote, { kind: 'returnAllCapped' }> => n.kind === 'returnAllCapped');
const rounded = (f: RunFacts) => (f.notes ?? []).filter((n): n is Extract<RunNote, { kind: 'qtyRoundedDown' }> => n.kind === 'qtyRoundedDown');
const overRest = (f: RunFacts) => (f.notes ?? []).filter((n): n is Extract<RunNote, { kind: 'orderEntryRest' }> => n.kind === 'orderEntryRest');
const itemsOf = (notes: Array<{ itemIndex: number }>) => {
	const nos = [...new Set(notes.map((n) => n.itemIndex + 1))];
	return `item${nos.length > 1 ? 's' : ''} ${nos.slice(0, 5).join(', ')}${nos.length > 5 ? ` and ${nos.length - 5} more` : ''}`;
};

const RULES: Array<{ applies: (f: RunFacts) => boolean; hint: (f: RunFacts) => NodeExecutionHint }> = [
	{
		applies: (f) => f.rows.some(isDryRun),
		hint: (f) => ({
			type: 'info',
			location: 'outputPane',
			message: `Dry run: nothing was sent to Bybit (${f.rows.filter(isDryRun).length} of ${f.rows.length} items show the request instead). Turn off Options → Dry Run to send.`,
		}),
	},
	{
		applies: (f) => f.write && f.mode === 'manual' && realFunds(f.environment) && f.rows.some((r) => !isDryRun(r)),
		hint: (f) => ({
			type: 'warning',
			location: 'outputPane',
			message: `This test run changed your real Bybit account (${ENVIRONMENTS[f.environment as keyof typeof ENVIRONMENTS].name}). Use a Testnet or Demo Trading credential, or Options → Dry Run, while building a workflow.`,
		}),
	},
	{
		applies: (f) => capped(f).length > 0,
		hint: (f) => {
			const [first] = capped(f);
			const what = first.unit === 'rows' ? `${first.max} rows, all Bybit returns in one request for ${first.operation} (it has no further pages)` : `${first.max} pages of ${first.operation}, the node's maximum`;
			return {
				type: 'warning',
				location: 'outputPane',
				message: `Return All hit its cap (${itemsOf(capped(f))}): the output stops at ${what}; there may be more. ${first.narrow}`,
			};
		},
	},
	{
		applies: (f) => rounded(f).length > 0,
		hint: (f) => {
			const list = rounded(f);
			const shown = list.slice(0, 3).map((n) => `${n.symbol} requested ${n.requested}, sent ${n.sent} (qtyStep ${n.qtyStep})`);
			return {
				type: 'info',
				location: 'outputPane',
				message: `Quantity rounded down to the quantity step (${itemsOf(list)}): ${shown.join('; ')}${list.length > 3 ? `; and ${list.length - 3} more` : ''}. Bybit takes only multiples of qtyStep; rounding down never orders more than asked.`,
			};
		},
	},
	{
		applies: (f) => overRest(f).length > 0,
		hint: (f) => {
			const list = overRest(f);
			const reasons = [...new Set(list.map((n) => n.reason))];
			return {
				type: 'info',
				location: 'outputPane',
				message: `Sent over REST, not WebSocket (${itemsOf(list)}): ${reasons.slice(0, 2).join('; ')}. The credential's Order Entry is WebSocket; nothing else changes (the same safety limits, rate limits and never-twice rules apply).`,
			};
		},
	},
	{
		applies: (f) => f.rows.some(isDuplicate),
		hint: (f) => ({
			type: 'info',
			location: 'outputPane',
			message: `${f.rows.filter(isDuplicate).length} of ${f.rows.length} orders already existed under the same orderLinkId (this input ran before): they are returned as they are, marked "recovered", and were not placed again. To place the same orders again on purpose, give them new orderLinkIds (Create Batch: a new Options → Order Link ID Scope per run).`,
		}),
	},
];

export function executionHints(facts: RunFacts): NodeExecutionHint[] {
	return RULES.filter((r) => r.applies(facts)).map((r) => r.hint(facts));
}
