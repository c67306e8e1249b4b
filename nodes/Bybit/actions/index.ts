import { accountSpecs } from './account';
import { accountExtraSpecs } from './accountExtras';
import { assetSpecs } from './asset';
import { assetExtraSpecs } from './assetExtras';
import { convertSpecs } from './convert';
import { customSpecs } from './custom';
import { earnSpecs } from './earn';
import { marketSpecs } from './market';
import { marketExtraSpecs } from './marketExtras';
import { orderSpecs } from './order';
import { preCheckSpec } from './orderPreCheck';
import { positionSpecs } from './position';
import { spotMarginSpecs } from './spotMargin';
import { spotMarginFixedSpecs } from './spotMarginFixed';
import type { OperationSpec } from './types';
import { userSpecs } from './user';
import { userExtraSpecs } from './userExtras';

export const ALL_SPECS: readonly OperationSpec[] = [...marketSpecs, ...orderSpecs, preCheckSpec, ...positionSpecs, ...accountSpecs, ...assetSpecs, ...userSpecs, ...accountExtraSpecs, ...earnSpecs, ...marketExtraSpecs, ...assetExtraSpecs, ...userExtraSpecs, ...spotMarginSpecs, ...spotMarginFixedSpecs, ...convertSpecs, ...customSpecs];

export const SPECS_BY_KEY: ReadonlyMap<string, OperationSpec> = new Map(ALL_SPECS.map((s) => [`${s.resource}.${s.operation}`, s]));
