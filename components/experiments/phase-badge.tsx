import { PHASE_LABEL, PHASE_TONE } from './format';
import type { ExperimentPhase } from './types';

export function PhaseBadge({ phase }: { phase: ExperimentPhase }) {
  return (
    <span
      data-testid="experiment-phase"
      className={`inline-block rounded px-2 py-0.5 text-xs font-medium whitespace-nowrap ${PHASE_TONE[phase]}`}
    >
      {PHASE_LABEL[phase]}
    </span>
  );
}
