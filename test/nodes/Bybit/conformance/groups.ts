/** Every endpoint group's conformance cases (one file each); the main list is in ../conformance.test.ts. */
import { accountExtraCases } from './accountExtras.cases';
import { assetExtrasCases } from './assetExtras.cases';
import type { CaseGroup } from './case';
import { earnCases } from './earn.cases';
import { marketExtrasCases } from './marketExtras.cases';
import { userCases } from './user.cases';

export const GROUPS: CaseGroup[] = [accountExtraCases, earnCases, marketExtrasCases, assetExtrasCases, userCases];
