/**
 * The trading modules the operations run (sizing, position changes, signals, writes sent once),
 * each loaded on its first use instead of when n8n loads the node: the node's description needs
 * none of them, and loading them all cost a fresh process about 3.5 ms (bench P5a). The actions
 * call them through these objects (`positionOps.closeAll(...)`); types are imported as usual.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, on purpose (see above) */
import type * as Balances from './balances';
import type * as BatchLinkIds from './batchLinkIds';
import type * as DecimalMath from './decimalMath';
import type * as Instruments from './instruments';
import type * as OrderCreate from './orderCreate';
import type * as PositionOps from './positionOps';
import type * as PreCheck from './preCheck';
import type * as Signal from './signal';
import type * as Sizing from './sizing';
import type * as WriteOnce from './writeOnce';

/** A module's exports, required the first time one of them is read. */
function onFirstUse<T extends object>(load: () => T): T {
	let loaded: T | undefined;
	return new Proxy({} as T, { get: (_target, name) => Reflect.get((loaded ??= load()), name) });
}

export const balances = onFirstUse<typeof Balances>(() => require('./balances'));
export const batchLinkIds = onFirstUse<typeof BatchLinkIds>(() => require('./batchLinkIds'));
export const decimalMath = onFirstUse<typeof DecimalMath>(() => require('./decimalMath'));
export const instruments = onFirstUse<typeof Instruments>(() => require('./instruments'));
export const orderCreate = onFirstUse<typeof OrderCreate>(() => require('./orderCreate'));
export const positionOps = onFirstUse<typeof PositionOps>(() => require('./positionOps'));
export const preCheck = onFirstUse<typeof PreCheck>(() => require('./preCheck'));
export const signal = onFirstUse<typeof Signal>(() => require('./signal'));
export const sizing = onFirstUse<typeof Sizing>(() => require('./sizing'));
export const writes = onFirstUse<typeof WriteOnce>(() => require('./writeOnce'));
