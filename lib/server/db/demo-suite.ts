import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { type SuiteEvaluatorConfigInput, suiteEvaluatorsSchema } from '../suites/evaluator-config';

// The demo workspace's test suite: classify-intent against 20 labelled customer messages, checked
// by an exact match, a label-format regex and the `intent-judge` rubric. With the simulator's demo
// rules (lib/adapters/fake-llm/demo-rules.ts) version 1 passes 12 cases and version 2 passes 18,
// every case version 1 passes among them, so comparing the two shows a clear improvement.

export const DEMO_SUITE_NAME = 'Intent routing';
export const DEMO_SUITE_PROMPT_ID = 'classify-intent';
export const DEMO_JUDGE_PROMPT_ID = 'intent-judge';

export interface DemoSuiteCase {
  id: string;
  input: { text: string };
  expected: 'billing' | 'bug' | 'feature-request' | 'other';
  tags: string[];
  notes?: string;
}

export const DEMO_SUITE_CASES: DemoSuiteCase[] = [
  {
    id: 'double-charge',
    input: { text: 'I was charged twice for my subscription this month.' },
    expected: 'billing',
    tags: ['billing'],
  },
  {
    id: 'refund-annual-plan',
    input: { text: 'Can I get a refund for the annual plan I bought yesterday?' },
    expected: 'billing',
    tags: ['billing'],
  },
  {
    id: 'invoice-download',
    input: { text: 'Where can I download the invoice for March?' },
    expected: 'billing',
    tags: ['billing'],
  },
  {
    id: 'card-declined',
    input: { text: 'My card was declined but the payment still shows as pending.' },
    expected: 'billing',
    tags: ['billing'],
  },
  {
    id: 'nonprofit-discount',
    input: { text: 'Is there a discount for nonprofits?' },
    expected: 'billing',
    tags: ['billing', 'tricky'],
    notes: 'Questions about prices and discounts are billing, though no payment has happened yet.',
  },
  {
    id: 'settings-crash',
    input: { text: 'The app crashes every time I open the settings page.' },
    expected: 'bug',
    tags: ['bug'],
  },
  {
    id: 'error-500-on-save',
    input: { text: 'Since the last update I get an error 500 when saving a draft.' },
    expected: 'bug',
    tags: ['bug'],
  },
  {
    id: 'export-button-dead',
    input: { text: 'The export button does nothing when I click it.' },
    expected: 'bug',
    tags: ['bug'],
  },
  {
    id: 'billing-page-error',
    input: { text: 'The billing page shows an error when I try to open it.' },
    expected: 'bug',
    tags: ['bug', 'tricky'],
    notes: 'A broken billing page is a bug, not a billing question: the word "billing" misleads.',
  },
  {
    id: 'dark-mode-unreadable',
    input: { text: 'The dark mode you added last week makes the text unreadable.' },
    expected: 'bug',
    tags: ['bug', 'tricky'],
    notes: 'A complaint about a feature that already exists is a bug report, not a request.',
  },
  {
    id: 'dark-mode-mobile',
    input: { text: 'Please add dark mode to the mobile app.' },
    expected: 'feature-request',
    tags: ['feature'],
  },
  {
    id: 'pdf-export',
    input: { text: 'It would be great to have a feature for exporting reports to PDF.' },
    expected: 'feature-request',
    tags: ['feature'],
  },
  {
    id: 'okta-sso',
    input: { text: 'Could you support single sign-on with Okta?' },
    expected: 'feature-request',
    tags: ['feature'],
  },
  {
    id: 'bulk-delete-api',
    input: { text: 'We would love an API endpoint for bulk-deleting users.' },
    expected: 'feature-request',
    tags: ['feature'],
  },
  {
    id: 'weekly-schedule',
    input: { text: 'Can you add a weekly schedule for reports?' },
    expected: 'feature-request',
    tags: ['feature'],
  },
  {
    id: 'office-hours',
    input: { text: 'What are your office hours?' },
    expected: 'other',
    tags: ['other'],
  },
  {
    id: 'thanks',
    input: { text: 'Thanks, the team solved my problem quickly!' },
    expected: 'other',
    tags: ['other'],
  },
  {
    id: 'partner-program',
    input: { text: 'Do you have a partner program for agencies?' },
    expected: 'other',
    tags: ['other'],
  },
  {
    id: 'hello',
    input: { text: 'Hello' },
    expected: 'other',
    tags: ['other', 'tricky'],
    notes: 'A greeting with no request yet: "other" until the customer says more.',
  },
  {
    id: 'press-interview',
    input: { text: 'Who should I talk to about a press interview?' },
    expected: 'other',
    tags: ['other'],
  },
];

const DEMO_EVALUATORS: SuiteEvaluatorConfigInput[] = [
  { kind: 'exactMatch', name: 'exact label', trim: true, ignoreCase: true },
  { kind: 'regex', name: 'label format', pattern: '^(billing|bug|feature-request|other)$' },
  {
    kind: 'llmJudge',
    name: 'intent judge',
    rubricPromptId: DEMO_JUDGE_PROMPT_ID,
    rubricVersion: 'production',
    threshold: 0.7,
    samples: 1,
  },
];

/**
 * Adds the "Intent routing" suite (revision 1 with its cases and evaluators) to a workspace, in one
 * transaction. Skipped when the workspace has a suite of that name, archived or not, so a suite the
 * team edited, renamed into place or archived is never touched. No run is seeded: a newcomer starts one.
 */
export async function seedDemoSuite(
  prisma: PrismaClient,
  workspaceId: string,
  author: string,
): Promise<void> {
  if (await prisma.suite.findFirst({ where: { workspaceId, name: DEMO_SUITE_NAME }, select: { id: true } })) {
    return;
  }
  const evaluators = suiteEvaluatorsSchema.parse(DEMO_EVALUATORS);
  await prisma.$transaction(async (tx) => {
    const suite = await tx.suite.create({
      data: {
        workspaceId,
        name: DEMO_SUITE_NAME,
        description:
          'Does classify-intent route customer messages to the right queue? Version 2 (label definitions and examples) is the challenger to production.',
        promptId: DEMO_SUITE_PROMPT_ID,
        revision: 1,
        updatedAt: new Date(),
        updatedBy: author,
      },
    });
    await tx.suiteRevision.create({
      data: {
        workspaceId,
        suiteId: suite.id,
        revision: 1,
        evaluators: evaluators as Prisma.InputJsonValue,
        caseCount: DEMO_SUITE_CASES.length,
        message: 'Demo suite',
        author,
      },
    });
    await tx.suiteCase.createMany({
      data: DEMO_SUITE_CASES.map((c, position) => ({
        workspaceId,
        suiteId: suite.id,
        revision: 1,
        caseId: c.id,
        position,
        input: c.input,
        expected: c.expected,
        tags: c.tags,
        notes: c.notes ?? '',
      })),
    });
  });
}
