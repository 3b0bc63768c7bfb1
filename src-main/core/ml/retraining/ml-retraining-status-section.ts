// The "ML retraining" section of `ai status`: the seed's Monitoring metrics (last training date,
// model version, training trigger, improvement, feedback count since training) per model, plus
// artifact health so a fall-back to an older version is visible.
import type { StatusSection } from '../../status';
import type { ModelLifecycle } from './model-lifecycle';
import { describeImprovement } from './model-retrainer';

export function mlRetrainingStatusSection(models: ModelLifecycle): StatusSection {
  const rows: StatusSection['rows'] = [];
  for (const name of models.modelNames()) {
    const s = models.status(name);
    const p = `${name}: `;
    rows.push(
      { label: `${p}model version`, value: s.activeVersion ?? '(none)' },
      { label: `${p}last training date`, value: s.trainedAt ?? 'never' },
      { label: `${p}training trigger`, value: s.trainingTrigger.length ? s.trainingTrigger.join(', ') : '—' },
      { label: `${p}improvement`, value: describeImprovement(s.improvement) },
      { label: `${p}feedback count since training`, value: s.feedbackSinceTraining },
      { label: `${p}artifact`, value: s.activeHealth ?? '—' },
      { label: `${p}last run`, value: s.lastRun ? `${s.lastRun.kind} ${s.lastRun.outcome ?? ''} at ${s.lastRun.at}` : '—' },
      { label: `${p}next check`, value: s.nextCheckAt ?? 'scheduler disabled' },
    );
    if (s.lastFallback) rows.push({ label: `${p}last fall-back`, value: `${s.lastFallback.from} → ${s.lastFallback.to ?? '(none)'} at ${s.lastFallback.at} (${s.lastFallback.error ?? ''})` });
  }
  return { id: 'ml-retraining', title: 'ML retraining', rows };
}
