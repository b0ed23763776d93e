'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { RenderedMessages } from '../../playground/rendered-messages';
import { Button } from '../../ui/button';
import { Alert } from '../../ui/card';
import { Field, Textarea } from '../../ui/field';
import { fetchJson } from '../fetch-json';
import { runKeys } from './run-keys';
import { formatCost } from '../format';
import { formatMs, formatTokens } from './format';
import type { CaseDetail, CaseReviewView, EvaluationView } from './types';
import { CaseVerdictBadge } from './case-verdict-badge';

/** Mirrors the server's limit (lib/server/suites/reviews.ts MAX_REVIEW_REASON). */
const MAX_REASON = 2000;

export type ReviewAction = (input: {
  runId: string;
  caseId: string;
  verdict: 'pass' | 'fail' | null;
  reason: string;
}) => Promise<ActionResult<{ review: CaseReviewView | null }>>;

const muted = 'text-zinc-600 dark:text-zinc-400';
const pre =
  'max-h-72 overflow-auto rounded-md bg-zinc-50 p-2 text-xs break-words whitespace-pre-wrap dark:bg-zinc-950';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-1.5">
      <h3 className="text-sm font-semibold">{title}</h3>
      {children}
    </section>
  );
}

/**
 * One case in a side panel (a modal dialog: the keyboard stays inside, Esc closes it and focus
 * returns to the row that opened it): messages sent, output, expected answer, every evaluator's
 * verdict with the judge's rationale, spend and timing, the error, and the review.
 */
export function CaseDrawer({
  runId,
  caseId,
  canReview,
  review,
  onReviewed,
  onClose,
}: {
  runId: string;
  caseId: string;
  canReview: boolean;
  review: ReviewAction;
  onReviewed?: () => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const query = useQuery({
    queryKey: runKeys.case(runId, caseId),
    queryFn: ({ signal }) =>
      fetchJson<CaseDetail>(
        `/api/suites/runs/${encodeURIComponent(runId)}/cases/${encodeURIComponent(caseId)}`,
        signal,
      ),
  });

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const detail = query.data;
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop (the dialog box itself, outside the panel) closes it.
        if (event.target === dialog.current) dialog.current?.close();
      }}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-none w-full max-w-2xl bg-transparent p-0 text-zinc-900 backdrop:bg-black/40 dark:text-zinc-100"
    >
      <div className="flex h-full flex-col border-l border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900">
        <header className="flex items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <div className="min-w-0">
            <h2 id={titleId} className="text-base font-semibold break-all">
              Case {caseId}
            </h2>
            {detail ? (
              <p className={`flex flex-wrap items-center gap-2 text-xs ${muted}`}>
                <span>#{detail.position + 1} in the suite</span>
                <span className="inline-flex items-center gap-1">
                  automated <CaseVerdictBadge verdict={detail.automated} />
                </span>
                {detail.review ? (
                  <span className="inline-flex items-center gap-1">
                    reviewer <CaseVerdictBadge verdict={detail.review.pass ? 'pass' : 'fail'} />
                  </span>
                ) : null}
                {detail.tags.map((t) => (
                  <span key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 dark:bg-zinc-800">
                    {t}
                  </span>
                ))}
              </p>
            ) : null}
          </div>
          <Button variant="ghost" onClick={() => dialog.current?.close()} aria-label="Close case">
            ✕
          </Button>
        </header>
        <div className="flex-1 space-y-5 overflow-y-auto px-4 py-4">
          {query.error ? <Alert>{query.error.message}</Alert> : null}
          {!detail && !query.error ? <p className={`text-sm ${muted}`}>Loading the case…</p> : null}
          {detail ? (
            <CaseBody
              detail={detail}
              canReview={canReview}
              review={review}
              runId={runId}
              onReviewed={onReviewed}
            />
          ) : null}
        </div>
      </div>
    </dialog>
  );
}

function CaseBody({
  detail,
  canReview,
  review,
  runId,
  onReviewed,
}: {
  detail: CaseDetail;
  canReview: boolean;
  review: ReviewAction;
  runId: string;
  onReviewed?: () => void;
}) {
  return (
    <>
      {detail.error ? (
        <Alert>
          {detail.error.code}: {detail.error.message}
        </Alert>
      ) : null}
      <Section title="Evaluators">
        {detail.evaluations.length === 0 ? (
          <p className={`text-sm ${muted}`}>
            Not evaluated: the case errored before its output could be scored.
          </p>
        ) : (
          <ul className="space-y-2">
            {detail.evaluations.map((evaluation) => (
              <EvaluationItem key={evaluation.name} evaluation={evaluation} />
            ))}
          </ul>
        )}
      </Section>
      <Section title="Output">
        {detail.output === null ? (
          <p className={`text-sm ${muted}`}>No output: the target call failed.</p>
        ) : (
          <pre className={pre} data-testid="case-output">
            {detail.output}
          </pre>
        )}
      </Section>
      <Section title="Expected">
        {detail.expected === null ? (
          <p className={`text-sm ${muted}`}>This case has no expected answer.</p>
        ) : (
          <pre className={pre}>{detail.expected}</pre>
        )}
      </Section>
      {canReview ? (
        <ReviewForm detail={detail} review={review} runId={runId} onReviewed={onReviewed} />
      ) : detail.review ? (
        <Section title="Review">
          <p className="text-sm">
            {detail.review.reviewerEmail} marked this case{' '}
            <strong>{detail.review.pass ? 'pass' : 'fail'}</strong>
            {detail.review.reason ? `: ${detail.review.reason}` : '.'}
          </p>
        </Section>
      ) : null}
      <Section title="Prompt as sent">
        {detail.messages ? (
          <RenderedMessages messages={detail.messages as never} open />
        ) : (
          <p className={`text-sm ${muted}`}>{detail.messagesError}</p>
        )}
        <details className="text-sm">
          <summary className={`cursor-pointer ${muted}`}>Input variables</summary>
          <pre className={pre}>{JSON.stringify(detail.input, null, 2)}</pre>
        </details>
      </Section>
      <Section title="Cost and timing">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className={muted}>Latency</dt>
          <dd>{formatMs(detail.latencyMs)}</dd>
          <dt className={muted}>Target</dt>
          <dd>
            {formatCost(detail.costMicros)} · {formatTokens(detail.usage)}
          </dd>
          <dt className={muted}>Judge</dt>
          <dd>
            {formatCost(detail.judgeCostMicros)} · {formatTokens(detail.judgeUsage)}
          </dd>
          <dt className={muted}>Finished</dt>
          <dd>{new Date(detail.finishedAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC</dd>
        </dl>
      </Section>
    </>
  );
}

function EvaluationItem({ evaluation }: { evaluation: EvaluationView }) {
  return (
    <li
      data-testid="evaluation"
      className="space-y-1 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium break-all">{evaluation.name}</span>
        <span className={`text-xs ${muted}`}>{evaluation.isJudge ? 'LLM judge' : evaluation.kind}</span>
        <CaseVerdictBadge verdict={evaluation.error ? 'error' : evaluation.pass ? 'pass' : 'fail'} />
        <span className="text-xs tabular-nums">score {evaluation.score.toFixed(2)}</span>
        {evaluation.scores && evaluation.scores.length > 1 ? (
          <span className={`text-xs ${muted}`}>
            samples {evaluation.scores.map((s) => s.toFixed(2)).join(', ')} (sd{' '}
            {(evaluation.stddev ?? 0).toFixed(2)})
          </span>
        ) : null}
      </div>
      {evaluation.error ? (
        <p className="text-red-800 dark:text-red-300">
          {evaluation.error.code}: {evaluation.error.message}
        </p>
      ) : null}
      {evaluation.isJudge ? (
        <>
          <div>
            <p className={`text-xs font-medium ${muted}`}>Rationale</p>
            <p className="break-words whitespace-pre-wrap" data-testid="judge-rationale">
              {evaluation.reason || '—'}
            </p>
          </div>
          <div>
            <p className={`text-xs font-medium ${muted}`}>Raw reply</p>
            {evaluation.rawReply !== null ? (
              <pre className={pre}>{evaluation.rawReply}</pre>
            ) : (
              <p className={`text-xs ${muted}`}>
                Not stored by this run: the rationale above is what the run kept of the judge&apos;s reply.
              </p>
            )}
          </div>
          <p className={`text-xs ${muted}`}>
            {evaluation.unpriced ? 'unpriced' : formatCost(evaluation.costMicros)}
            {evaluation.usage ? ` · ${formatTokens(evaluation.usage)}` : ''}
          </p>
        </>
      ) : (
        <p className={`break-words ${muted}`}>{evaluation.reason}</p>
      )}
    </li>
  );
}

function ReviewForm({
  detail,
  review,
  runId,
  onReviewed,
}: {
  detail: CaseDetail;
  review: ReviewAction;
  runId: string;
  onReviewed?: () => void;
}) {
  const automated = detail.automated === 'pass' ? 'pass' : 'fail';
  const [verdict, setVerdict] = useState<'pass' | 'fail'>(
    detail.review ? (detail.review.pass ? 'pass' : 'fail') : automated === 'pass' ? 'fail' : 'pass',
  );
  const [reason, setReason] = useState(detail.review?.reason ?? '');
  const [saved, setSaved] = useState<string | null>(null);
  const mutation = useActionMutation(review, {
    invalidate: [runKeys.run(runId)],
    onSuccess: (data) => {
      setSaved(data.review ? 'Review saved. The totals above include it.' : 'Review cleared.');
      onReviewed?.();
    },
  });
  const differs = verdict !== automated;
  const fieldError = mutation.error?.error.fieldErrors?.reason?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(null);
    mutation.mutate({ runId, caseId: detail.caseId, verdict, reason });
  }

  return (
    <form
      onSubmit={onSubmit}
      aria-label="Review"
      className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <fieldset className="space-y-1">
        <legend className="text-sm font-semibold">Your verdict</legend>
        <p className={`text-xs ${muted}`}>
          The evaluators said <strong>{detail.automated}</strong>. Your verdict replaces theirs in the
          run&apos;s totals.
        </p>
        <div className="flex gap-4 pt-1 text-sm">
          {(['pass', 'fail'] as const).map((value) => (
            <label key={value} className="inline-flex items-center gap-1.5">
              <input
                type="radio"
                name="verdict"
                value={value}
                checked={verdict === value}
                onChange={() => setVerdict(value)}
              />
              {value === 'pass' ? 'Pass' : 'Fail'}
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        label={differs ? 'Reason (required: you disagree with the evaluators)' : 'Reason (optional)'}
        error={fieldError}
        hint={`Up to ${MAX_REASON} characters.`}
      >
        <Textarea
          name="reason"
          rows={3}
          maxLength={MAX_REASON}
          value={reason}
          required={differs}
          onChange={(event) => setReason(event.target.value)}
        />
      </Field>
      {mutation.error && !fieldError ? <Alert>{mutation.error.message}</Alert> : null}
      {saved ? (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {saved}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={mutation.isPending}>
          {detail.review ? 'Update review' : 'Save review'}
        </Button>
        {detail.review ? (
          <Button
            type="button"
            variant="secondary"
            disabled={mutation.isPending}
            onClick={() => {
              setSaved(null);
              mutation.mutate({ runId, caseId: detail.caseId, verdict: null, reason: '' });
            }}
          >
            Clear review
          </Button>
        ) : null}
      </div>
    </form>
  );
}
