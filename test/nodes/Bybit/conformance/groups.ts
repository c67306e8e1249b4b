/** Every endpoint group's conformance cases (one file each); the main list is in ../conformance.test.ts. */
import { accountExtraCases } from './accountExtras.cases';
import type { CaseGroup } from './case';
import { earnCases } from './earn.cases';

export const GROUPS: CaseGroup[] = [accountExtraCases, earnCases];
