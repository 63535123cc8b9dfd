// The built-in rules, in the order they are evaluated.
import type { RuleId } from '../catalog.ts';
import { untrustedToHighImpact } from './r1-untrusted-to-high-impact.ts';
import { outOfScopeTool } from './r2-out-of-scope-tool.ts';
import { credentialToEgress } from './r3-credential-to-egress.ts';
import { dataMixing } from './r4-data-mixing.ts';
import { rateAnomaly } from './r5-rate-anomaly.ts';
import { firstAccess } from './r6-first-access.ts';
import { massAction } from './r7-mass-action.ts';
import { missingApproval } from './r8-missing-approval.ts';
import { unregisteredAgent } from './r9-unregistered-agent.ts';
import { unboundCredential } from './r10-unbound-credential.ts';
import type { Rule } from './types.ts';

export const BUILTIN_RULES: Record<RuleId, Rule> = {
  R1: untrustedToHighImpact,
  R9: unregisteredAgent,
  R2: outOfScopeTool,
  R8: missingApproval,
  R3: credentialToEgress,
  R4: dataMixing,
  R5: rateAnomaly,
  R6: firstAccess,
  R7: massAction,
  R10: unboundCredential,
};
