/** Every endpoint group's conformance cases (one file each); the main list is in ../conformance.test.ts. */
import { accountExtraCases } from './accountExtras.cases';
import { assetExtrasCases } from './assetExtras.cases';
import type { CaseGroup } from './case';
import { convertCases } from './convert.cases';
import { earnCases } from './earn.cases';
import { marketExtrasCases } from './marketExtras.cases';
import { preCheckCases } from './preCheck.cases';
import { spotMarginCases } from './spotMargin.cases';
import { userCases } from './user.cases';

export const GROUPS: CaseGroup[] = [accountExtraCases, earnCases, marketExtrasCases, assetExtrasCases, userCases, spotMarginCases, convertCases, preCheckCases];
