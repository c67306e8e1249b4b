/** Every endpoint group's conformance cases (one file each); the main list is in ../conformance.test.ts. */
import { assetExtrasCases } from './assetExtras.cases';
import type { CaseGroup } from './case';
import { marketExtrasCases } from './marketExtras.cases';
import { userCases } from './user.cases';

export const GROUPS: CaseGroup[] = [marketExtrasCases, assetExtrasCases, userCases];
