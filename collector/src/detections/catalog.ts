// The built-in rules: id, severity, what each means, and where it sits in OWASP's Top 10 for
// Agentic Applications (2026, ASI01–ASI10) and MITRE ATLAS. The numbers are issue 17's list.
import type { RuleInfo, Severity } from '@causeway/schemas';

export interface RuleDef {
  id: string;
  name: string;
  severity: Severity;
  explanation: string;
  owasp: string[];
  atlas: string[];
}

export const RULES = {
  R1: {
    id: 'R1',
    name: 'untrusted-content-drove-high-impact-call',
    severity: 'critical',
    explanation:
      'Content labelled untrusted (an email, a web page, a ticket written by outsiders) is on the causal path of a high-impact tool call (write, destructive, egress, permission change, payment) and no approval is linked to that call: the call may have been steered by injected instructions.',
    owasp: ['ASI01 Agent Goal Hijack', 'ASI02 Tool Misuse and Exploitation'],
    atlas: ['AML.T0051.001 LLM Prompt Injection: Indirect', 'AML.T0053 AI Agent Tool Invocation'],
  },
  R2: {
    id: 'R2',
    name: 'tool-outside-declared-scope',
    severity: 'high',
    explanation: "A registered agent called a tool that is not among its declared allowed tools (excessive permissions: the agent can reach more than its purpose needs).",
    owasp: ['ASI03 Identity and Privilege Abuse', 'ASI02 Tool Misuse and Exploitation'],
    atlas: ['AML.T0053 AI Agent Tool Invocation'],
  },
  R3: {
    id: 'R3',
    name: 'credential-reached-egress',
    severity: 'critical',
    explanation:
      'A secret (a value the redactor recognized as a credential, or the result of a secret-store / environment read) flows into the arguments of an outbound call (e-mail, post, upload, HTTP request).',
    owasp: ['ASI03 Identity and Privilege Abuse', 'ASI02 Tool Misuse and Exploitation'],
    atlas: ['AML.T0055 Unsecured Credentials', 'AML.T0086 Exfiltration via AI Agent Tool Invocation'],
  },
  R4: {
    id: 'R4',
    name: 'data-mixing',
    severity: 'high',
    explanation:
      'Content from a source labelled more restricted (an HR or confidential document) was copied into the arguments of a call whose sink is labelled less restricted (a public channel, an outside recipient): data crossed a boundary it should not.',
    owasp: ['ASI02 Tool Misuse and Exploitation', 'ASI03 Identity and Privilege Abuse'],
    atlas: ['AML.T0057 LLM Data Leakage', 'AML.T0086 Exfiltration via AI Agent Tool Invocation'],
  },
  R5: {
    id: 'R5',
    name: 'call-rate-anomaly',
    severity: 'medium',
    explanation: "The agent made far more tool calls in a window than its own baseline (robust statistics over its previous windows): a runaway loop, a hijacked agent, or an error propagating.",
    owasp: ['ASI08 Cascading Failures', 'ASI10 Rogue Agents'],
    atlas: ['AML.T0053 AI Agent Tool Invocation', 'AML.T0029 Denial of AI Service'],
  },
  R6: {
    id: 'R6',
    name: 'first-access',
    severity: 'low',
    explanation: 'The agent touched a host, table, dataset, channel, repository or path that none of its previous calls touched: outside its normal pattern, worth a look when it is also high-impact.',
    owasp: ['ASI10 Rogue Agents', 'ASI03 Identity and Privilege Abuse'],
    atlas: ['AML.T0053 AI Agent Tool Invocation'],
  },
  R7: {
    id: 'R7',
    name: 'mass-action',
    severity: 'high',
    explanation: 'The same destructive action was run against many different resources within a short window: an error or an injected instruction propagating across tickets, records or resources.',
    owasp: ['ASI08 Cascading Failures', 'ASI02 Tool Misuse and Exploitation'],
    atlas: ['AML.T0101 Data Destruction via AI Agent Tool Invocation'],
  },
  R8: {
    id: 'R8',
    name: 'high-impact-call-without-required-approval',
    severity: 'high',
    explanation: "The agent's policy requires an approval for this tool, and no approving decision is linked to the call (none, or the linked one denied).",
    owasp: ['ASI09 Human-Agent Trust Exploitation', 'ASI02 Tool Misuse and Exploitation'],
    atlas: ['AML.T0053 AI Agent Tool Invocation'],
  },
  R9: {
    id: 'R9',
    name: 'unregistered-agent',
    severity: 'medium',
    explanation: 'Spans come from an agent that is not in the registry: no accountable owner, purpose or scope is declared for it.',
    owasp: ['ASI10 Rogue Agents', 'ASI03 Identity and Privilege Abuse'],
    atlas: ['AML.T0053 AI Agent Tool Invocation'],
  },
  R10: {
    id: 'R10',
    name: 'agent-sent-by-unbound-credential',
    severity: 'high',
    explanation:
      "Spans claiming a registered agent were sent by an ingest credential its registry entry does not bind to it: another workload (or a stolen token) is writing evidence in the agent's name, or the agent runs where its owner did not declare it.",
    owasp: ['ASI03 Identity and Privilege Abuse', 'ASI10 Rogue Agents'],
    atlas: ['AML.T0073 Impersonation', 'AML.T0012 Valid Accounts'],
  },
} as const satisfies Record<string, RuleDef>;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function ruleInfo(enabled: (id: RuleId) => boolean): RuleInfo[] {
  return RULE_IDS.map((id) => ({ ...RULES[id], owasp: [...RULES[id].owasp], atlas: [...RULES[id].atlas], enabled: enabled(id) }));
}
