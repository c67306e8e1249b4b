/**
 * Execution hints: notes n8n shows above the output after a run, read from
 * what the run produced. Each rule is data: when it applies, and what it says.
 */
import type { IDataObject, NodeExecutionHint } from 'n8n-workflow';

import { ENVIRONMENTS } from '../../../credentials/common/bybit/endpoints';

export interface RunFacts {
	/** output rows of the items that succeeded */
	rows: IDataObject[];
	/** the operation changes something on the account */
	write: boolean;
	/** n8n's execution mode (`manual`: run from the editor) */
	mode: string;
	/** the credential's environment */
	environment: string;
}

/** Environments where orders move real funds (testnet, demo trading and custom hosts do not). */
const PAPER = new Set(['testnet', 'demo', 'custom']);
export const realFunds = (environment: string) => environment in ENVIRONMENTS && !PAPER.has(environment);

const isDryRun = (row: IDataObject) => row.dryRun === true;

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
];

export function executionHints(facts: RunFacts): NodeExecutionHint[] {
	return RULES.filter((r) => r.applies(facts)).map((r) => r.hint(facts));
}
