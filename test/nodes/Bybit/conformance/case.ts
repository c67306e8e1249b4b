/** One conformance case: an operation run against the sandbox and what must be seen on the wire. */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';

export interface Case {
	op: string;
	params?: Record<string, unknown> | (() => Record<string, unknown>);
	/** Market set-up before the call (e.g. move the price). */
	before?: () => void;
	/** Path actually requested, when it differs from the spec's (kline price types, multi-step operations). */
	path?: string;
	/** Subset of the query/body fields expected on the wire. */
	wire?: IDataObject;
	/** Minimum number of output items. */
	min?: number;
	/** Fields that must not be on the wire. */
	absent?: string[];
	/** The node fails with this message: after Bybit answered `retCode`, or before sending anything when `retCode` is absent. */
	error?: RegExp;
	retCode?: number;
}

/** What a group's cases may read at run time (the sandbox is started in beforeAll). */
export interface CaseContext {
	sandbox(): Sandbox;
	/** An option symbol listed by the sandbox. */
	option(): string;
}

/** A group of cases (one file per endpoint group under this folder). */
export type CaseGroup = (ctx: CaseContext) => Case[];

