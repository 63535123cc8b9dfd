// The measured labelled set (fixtures/detections): per rule, incidents flagged and benign runs
// flagged, printed as a report. What it holds fixed: every incident labelled with an implemented
// rule is raised by it, and the only benign runs flagged are R1 on two families: those built to
// look like an injection (untrusted mail, then an unapproved e-mail), and documents posted after
// passing through a `chat …` LLM span, which the trust labeller counts as the documents'
// producer and its outsider pattern reads as a chat app (a labeller issue, not R1's).
import { describe, expect, it } from 'vitest';
import { evaluateLabelledSet, figures, table } from '../../../fixtures/detections/measure.ts';
import { RULE_IDS } from './catalog.ts';

describe('detections on the labelled set', () => {
  it('flags every incident of an implemented rule, and benign runs only by R1, on the two known families', async () => {
    const results = await evaluateLabelledSet();
    const fig = figures(results);
    process.stdout.write(`\nDetections, labelled set (${results.filter((r) => r.label === 'incident').length} incidents, ${results.filter((r) => r.label === 'benign').length} benign runs):\n${table(fig, RULE_IDS)}\n`);
    for (const r of results.filter((x) => x.label === 'incident')) {
      for (const rule of r.expect.filter((x) => (RULE_IDS as string[]).includes(x))) {
        expect(r.findings.map((f) => f.ruleId), `${r.name} should raise ${rule}`).toContain(rule);
      }
    }
    const flaggedBenign = results.filter((r) => r.label === 'benign' && r.findings.length > 0);
    for (const r of flaggedBenign) {
      expect(r.name, `benign run flagged: ${r.findings.map((f) => `${f.ruleId} ${f.title}`).join('; ')}`).toMatch(/^(unapproved forward of mail summary|restricted doc to a restricted channel)/);
      expect(r.findings.map((f) => f.ruleId)).toEqual(['R1']);
    }
  }, 120_000);
});
