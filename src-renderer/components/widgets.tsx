// Small display widgets shared by the dashboards: a stat tile, a progress bar/meter, a badge and a
// segmented control. Kept together because each is a few lines of markup on the design tokens.
import type { ReactElement, ReactNode } from 'react';

export function StatCard({ label, value, sub, testId }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string }): ReactElement {
  return (
    <div className="stat" data-testid={testId}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      {sub !== undefined && <span className="stat-sub">{sub}</span>}
    </div>
  );
}

export function ProgressBar({ value, max, label, tone, indeterminate = false }: { value: number; max: number; label: string; tone?: 'warn' | 'bad'; indeterminate?: boolean }): ReactElement {
  const pct = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return (
    <div
      className={`progress${tone ? ` ${tone}` : ''}${indeterminate ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={indeterminate ? undefined : value}
    >
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'primary' | 'neutral';

export function Badge({ tone = 'neutral', children, testId }: { tone?: Tone; children: ReactNode; testId?: string }): ReactElement {
  return (
    <span className={`badge ${tone === 'neutral' ? '' : tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function Segmented<T extends string | number>({ label, options, value, onChange }: { label: string; options: { value: T; label: string }[]; value: T; onChange: (v: T) => void }): ReactElement {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={String(o.value)} type="button" aria-pressed={o.value === value} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
