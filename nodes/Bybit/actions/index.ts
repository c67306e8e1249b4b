import { accountSpecs } from './account';
import { accountExtraSpecs } from './accountExtras';
import { assetSpecs } from './asset';
import { assetExtraSpecs } from './assetExtras';
import { customSpecs } from './custom';
import { earnSpecs } from './earn';
import { marketSpecs } from './market';
import { marketExtraSpecs } from './marketExtras';
import { orderSpecs } from './order';
import { positionSpecs } from './position';
import type { OperationSpec } from './types';
import { userSpecs } from './user';
import { userExtraSpecs } from './userExtras';

export const ALL_SPECS: readonly OperationSpec[] = [...marketSpecs, ...orderSpecs, ...positionSpecs, ...accountSpecs, ...assetSpecs, ...userSpecs, ...accountExtraSpecs, ...earnSpecs, ...marketExtraSpecs, ...assetExtraSpecs, ...userExtraSpecs, ...customSpecs];

export const SPECS_BY_KEY: ReadonlyMap<string, OperationSpec> = new Map(ALL_SPECS.map((s) => [`${s.resource}.${s.operation}`, s]));
