/** Every endpoint group's conformance cases (one file each); the main list is in ../conformance.test.ts. */
import type { CaseGroup } from './case';
import { convertCases } from './convert.cases';
import { preCheckCases } from './preCheck.cases';
import { spotMarginCases } from './spotMargin.cases';

export const GROUPS: CaseGroup[] = [spotMarginCases, convertCases, preCheckCases];
