'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Select } from '../ui/field';
import { formatCount } from './format';
import { tryPlanSampleSize } from './plan';
import type { ExperimentSummaryView, NewExperimentOptions } from './types';

export interface ExperimentSetupValues {
  promptId: string;
  name: string;
  variants: { version: number; weight: number }[];
  trafficPercent: number;
  metric: { kind: 'binary' | 'numeric'; goal: 'increase' | 'decrease' };
  baseline: number;
  standardDeviation: number | null;
  minimumDetectableEffectPercent: number;
  powerPercent: number;
  confidencePercent: 90 | 95 | 99;
  minSamplesPerArm: number;
  guardrails: { latencyP95Ms: number | null; costPerCallUsd: number | null; errorRatePercent: number | null };
  autoPromote: boolean;
}

export type CreateExperiment = (input: ExperimentSetupValues) => Promise<ActionResult<ExperimentSummaryView>>;

const MAX_VARIANTS = 5;

/** An empty text box is "no limit"; anything else is a number (NaN lets the server say what is wrong). */
const optionalNumber = (text: string) => (text.trim() === '' ? null : Number(text));

/**
 * Sets up an A/B test on one prompt: control (production by default) and challengers, the traffic
 * share, the metric and the plan. The planned sample per arm updates as the plan changes, before
 * anything starts.
 */
export function ExperimentSetupForm({
  promptId,
  options,
  canManage,
  createExperiment,
}: {
  promptId: string;
  options: NewExperimentOptions;
  canManage: boolean;
  createExperiment: CreateExperiment;
}) {
  const router = useRouter();
  const newest = options.versions[0]?.version;
  const control = options.production ?? newest ?? 1;
  const challenger = options.versions.find((v) => v.version !== control)?.version ?? control;
  const [name, setName] = useState('');
  const [variants, setVariants] = useState([
    { version: control, weight: '50' },
    { version: challenger, weight: '50' },
  ]);
  const [traffic, setTraffic] = useState('100');
  const [kind, setKind] = useState<'binary' | 'numeric'>('binary');
  const [goal, setGoal] = useState<'increase' | 'decrease'>('increase');
  const [baseline, setBaseline] = useState('10');
  const [sd, setSd] = useState('');
  const [mde, setMde] = useState('10');
  const [power, setPower] = useState('80');
  const [confidence, setConfidence] = useState<90 | 95 | 99>(95);
  const [minSamples, setMinSamples] = useState('100');
  const [latency, setLatency] = useState('');
  const [cost, setCost] = useState('');
  const [errorRate, setErrorRate] = useState('');
  const [autoPromote, setAutoPromote] = useState(false);
  const mutation = useActionMutation(createExperiment, {
    onSuccess: (data) => router.push(`/experiments/${encodeURIComponent(data.id)}`),
  });
  const errors = mutation.error?.error.fieldErrors ?? {};

  const planned = tryPlanSampleSize({
    metric: { kind, goal },
    baseline: Number(baseline),
    standardDeviation: kind === 'numeric' ? Number(sd) : null,
    minimumDetectableEffectPercent: Number(mde),
    powerPercent: Number(power),
    confidencePercent: confidence,
    variantCount: variants.length,
  });
  const totalWeight = variants.reduce((sum, v) => sum + (Number(v.weight) || 0), 0);

  if (options.versions.length < 2) {
    return (
      <Alert tone="info">
        An experiment compares versions of this prompt, and it has only one. Save a second version in the
        editor first.
      </Alert>
    );
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate({
      promptId,
      name,
      variants: variants.map((v) => ({ version: v.version, weight: Number(v.weight) })),
      trafficPercent: Number(traffic),
      metric: { kind, goal },
      baseline: Number(baseline),
      standardDeviation: kind === 'numeric' ? optionalNumber(sd) : null,
      minimumDetectableEffectPercent: Number(mde),
      powerPercent: Number(power),
      confidencePercent: confidence,
      minSamplesPerArm: Number(minSamples),
      guardrails: {
        latencyP95Ms: optionalNumber(latency),
        costPerCallUsd: optionalNumber(cost),
        errorRatePercent: optionalNumber(errorRate),
      },
      autoPromote,
    });
  }

  const versionLabel = (v: NewExperimentOptions['versions'][number]) =>
    `v${v.version}${v.labels.length > 0 ? ` (${v.labels.join(', ')})` : ''}`;

  return (
    <form onSubmit={onSubmit} className="space-y-5" data-testid="experiment-setup-form" noValidate>
      <Field label="Name" error={errors.name?.[0]} hint="What you are testing, e.g. “Shorter greeting”.">
        <Input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
      </Field>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-700 dark:text-zinc-300">Variants</legend>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          The first is the control every challenger is compared with; weights split the experiment&apos;s
          traffic.
        </p>
        {variants.map((variant, index) => (
          <div key={index} className="flex flex-wrap items-end gap-2" data-testid="variant-row">
            <Field
              label={index === 0 ? 'Control' : `Challenger ${index}`}
              error={errors[`variants.${index}.version`]?.[0]}
              className="min-w-40 flex-1"
            >
              <Select
                value={variant.version}
                onChange={(e) =>
                  setVariants(
                    variants.map((v, i) => (i === index ? { ...v, version: Number(e.target.value) } : v)),
                  )
                }
              >
                {options.versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    {versionLabel(v)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Weight" error={errors[`variants.${index}.weight`]?.[0]} className="w-28">
              <Input
                inputMode="decimal"
                value={variant.weight}
                onChange={(e) =>
                  setVariants(variants.map((v, i) => (i === index ? { ...v, weight: e.target.value } : v)))
                }
              />
            </Field>
            <span className="pb-2 text-xs text-zinc-500 tabular-nums">
              {totalWeight > 0 ? `${(((Number(variant.weight) || 0) / totalWeight) * 100).toFixed(0)}%` : '–'}
            </span>
            {index >= 2 ? (
              <Button
                type="button"
                variant="ghost"
                onClick={() => setVariants(variants.filter((_, i) => i !== index))}
              >
                Remove
              </Button>
            ) : null}
          </div>
        ))}
        {errors.variants?.[0] ? (
          <p className="text-xs font-medium text-red-700 dark:text-red-300">{errors.variants[0]}</p>
        ) : null}
        {variants.length < MAX_VARIANTS ? (
          <Button
            type="button"
            variant="secondary"
            onClick={() => setVariants([...variants, { version: newest ?? control, weight: '50' }])}
          >
            Add a challenger
          </Button>
        ) : null}
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Traffic in the experiment (%)"
          error={errors.trafficPercent?.[0]}
          hint="Requests with a unit id; the rest, and requests without one, get production."
        >
          <Input inputMode="decimal" value={traffic} onChange={(e) => setTraffic(e.target.value)} />
        </Field>
        <Field label="Metric" error={errors['metric.kind']?.[0]}>
          <Select value={kind} onChange={(e) => setKind(e.target.value as 'binary' | 'numeric')}>
            <option value="binary">Conversion (yes / no per unit)</option>
            <option value="numeric">Numeric value per unit</option>
          </Select>
        </Field>
        <Field label="Better is" error={errors['metric.goal']?.[0]}>
          <Select value={goal} onChange={(e) => setGoal(e.target.value as 'increase' | 'decrease')}>
            <option value="increase">Higher</option>
            <option value="decrease">Lower</option>
          </Select>
        </Field>
        <Field
          label={kind === 'binary' ? 'Baseline conversion rate (%)' : 'Baseline mean'}
          error={errors.baseline?.[0]}
          hint="What the control does today; the plan depends on it."
        >
          <Input inputMode="decimal" value={baseline} onChange={(e) => setBaseline(e.target.value)} />
        </Field>
        {kind === 'numeric' ? (
          <Field label="Standard deviation per unit" error={errors.standardDeviation?.[0]}>
            <Input inputMode="decimal" value={sd} onChange={(e) => setSd(e.target.value)} />
          </Field>
        ) : null}
        <Field
          label="Minimum detectable effect (%)"
          error={errors.minimumDetectableEffectPercent?.[0]}
          hint="The smallest relative change worth finding: 10 means 10% → 11%."
        >
          <Input inputMode="decimal" value={mde} onChange={(e) => setMde(e.target.value)} />
        </Field>
        <Field label="Power (%)" error={errors.powerPercent?.[0]}>
          <Input inputMode="decimal" value={power} onChange={(e) => setPower(e.target.value)} />
        </Field>
        <Field label="Confidence" error={errors.confidencePercent?.[0]}>
          <Select value={confidence} onChange={(e) => setConfidence(Number(e.target.value) as 90 | 95 | 99)}>
            <option value={90}>90%</option>
            <option value={95}>95%</option>
            <option value={99}>99%</option>
          </Select>
        </Field>
        <Field
          label="Minimum sample per arm"
          error={errors.minSamplesPerArm?.[0]}
          hint="No verdict before every arm has this many units."
        >
          <Input inputMode="numeric" value={minSamples} onChange={(e) => setMinSamples(e.target.value)} />
        </Field>
      </div>

      <p
        className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-950"
        data-testid="planned-sample"
        aria-live="polite"
      >
        {planned === undefined ? (
          'Fill in the plan to see the sample it needs.'
        ) : (
          <>
            Planned sample: <strong className="tabular-nums">{formatCount(planned)}</strong> units per arm (
            {formatCount(planned * variants.length)} in all) to find a {mde}% change with {power}% power at{' '}
            {confidence}% confidence.
          </>
        )}
      </p>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-700 dark:text-zinc-300">Guardrails</legend>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Computed from the experiment&apos;s run records; leave empty for no limit.
        </p>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Latency p95 at most (ms)" error={errors['guardrails.latencyP95Ms']?.[0]}>
            <Input inputMode="decimal" value={latency} onChange={(e) => setLatency(e.target.value)} />
          </Field>
          <Field label="Cost per call at most (USD)" error={errors['guardrails.costPerCallUsd']?.[0]}>
            <Input inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} />
          </Field>
          <Field label="Error rate at most (%)" error={errors['guardrails.errorRatePercent']?.[0]}>
            <Input inputMode="decimal" value={errorRate} onChange={(e) => setErrorRate(e.target.value)} />
          </Field>
        </div>
      </fieldset>

      {canManage ? (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={autoPromote}
            onChange={(e) => setAutoPromote(e.target.checked)}
          />
          <span>
            Auto-promote the winner (admins only): production moves as soon as a winner is found, through the
            release gate, acting as you.
          </span>
        </label>
      ) : null}

      {mutation.error && !mutation.error.error.fieldErrors ? <Alert>{mutation.error.message}</Alert> : null}
      {mutation.error?.error.fieldErrors ? <Alert>Some fields need attention.</Alert> : null}
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? 'Creating…' : 'Create experiment'}
      </Button>
    </form>
  );
}
