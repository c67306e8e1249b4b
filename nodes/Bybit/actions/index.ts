import { accountSpecs } from './account';
import { assetSpecs } from './asset';
import { convertSpecs } from './convert';
import { customSpecs } from './custom';
import { marketSpecs } from './market';
import { orderSpecs } from './order';
import { preCheckSpec } from './orderPreCheck';
import { positionSpecs } from './position';
import { spotMarginSpecs } from './spotMargin';
import { spotMarginFixedSpecs } from './spotMarginFixed';
import type { OperationSpec } from './types';
import { userSpecs } from './user';

export const ALL_SPECS: readonly OperationSpec[] = [...marketSpecs, ...orderSpecs, preCheckSpec, ...positionSpecs, ...accountSpecs, ...assetSpecs, ...userSpecs, ...spotMarginSpecs, ...spotMarginFixedSpecs, ...convertSpecs, ...customSpecs];

export const SPECS_BY_KEY: ReadonlyMap<string, OperationSpec> = new Map(ALL_SPECS.map((s) => [`${s.resource}.${s.operation}`, s]));
