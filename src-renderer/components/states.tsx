// Loading, empty and error states shared by every page, so each page shows the same three shapes
// while it waits, when there is nothing yet, and when a call failed (with a retry).
import type { ReactElement, ReactNode } from 'react';
import { Icon, type IconName } from './icons';
import { useT } from '../i18n/translate';

export function LoadingState({ label, rows = 3 }: { label?: string; rows?: number }): ReactElement {
  const { t } = useT();
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="stack" style={{ padding: '8px 0' }}>
      <span className="sr-only">{label ?? t('common.loading')}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${92 - i * 14}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({ icon = 'inbox', title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }): ReactElement {
  return (
    <div className="state" data-testid="empty-state">
      <Icon name={icon} size={36} />
      <h3>{title}</h3>
      {children && <p className="small">{children}</p>}
      {action}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }): ReactElement {
  const { t } = useT();
  return (
    <div className="state error" role="alert">
      <Icon name="alert" size={32} />
      <h3>{t('common.errorTitle')}</h3>
      <p className="small">{message}</p>
      {onRetry && (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          <Icon name="refresh" size={14} /> {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Alert({ kind, children }: { kind: 'error' | 'warning' | 'info' | 'success'; children: ReactNode }): ReactElement {
  return (
    <div className={`alert ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Icon name={kind === 'success' ? 'check' : 'alert'} size={16} />
      <div>{children}</div>
    </div>
  );
}

/** Renders loading / error / children for one async slice of a store. */
export function Async<T>({ state, onRetry, children, rows, framed = false }: { state: { data: T | null; loading: boolean; error: string | null }; onRetry?: () => void; children: (data: T) => ReactNode; rows?: number; framed?: boolean }): ReactElement {
  // `framed` puts the loading/error state in a card, for slices rendered directly on the page.
  const frame = (node: ReactNode) => (framed ? <div className="card">{node}</div> : <>{node}</>);
  if (state.error && state.data === null) return frame(<ErrorState message={state.error} onRetry={onRetry} />);
  if (state.data === null) return frame(<LoadingState rows={rows} />);
  return <>{children(state.data)}</>;
}
