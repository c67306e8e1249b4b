/** Every endpoint group's conformance cases (one file each); the main list is in ../conformance.test.ts. */
import type { CaseGroup } from './case';

export const GROUPS: CaseGroup[] = [];
