import { accountSpecs } from './account';
import { accountExtraSpecs } from './accountExtras';
import { assetSpecs } from './asset';
import { customSpecs } from './custom';
import { earnSpecs } from './earn';
import { marketSpecs } from './market';
import { orderSpecs } from './order';
import { positionSpecs } from './position';
import type { OperationSpec } from './types';
import { userSpecs } from './user';

export const ALL_SPECS: readonly OperationSpec[] = [...marketSpecs, ...orderSpecs, ...positionSpecs, ...accountSpecs, ...assetSpecs, ...userSpecs, ...accountExtraSpecs, ...earnSpecs, ...customSpecs];

export const SPECS_BY_KEY: ReadonlyMap<string, OperationSpec> = new Map(ALL_SPECS.map((s) => [`${s.resource}.${s.operation}`, s]));
