// The one table of the app: every page's list (invoices, clients, products, forecast rows, model
// versions, runs, feedback, index batches, backups, import rows) is a DataTable with typed columns.
// Columns carry a priority (table-columns.ts): when the table is wider than its card, the least
// important columns are hidden one level at a time and their values appear under the row's lead
// cell, so status and actions stay visible and no header is cut off. The fit is measured before
// paint (layout effect) and again whenever the box changes width.
import { useLayoutEffect, useRef, useState, type HTMLAttributes, type ReactElement, type ReactNode } from 'react';
import { fullLevel, hiddenAt, leadColumn, nextLevel, shownAt } from './table-columns';

export interface Column<T> {
  id: string;
  /** Header text; also the label of the value when the column is hidden. */
  header: string;
  /** A short header shown instead (a symbol), with the full text as its tooltip and accessible name. */
  abbr?: string;
  cell: (row: T) => ReactNode;
  /** 1 = always shown (identity, status, actions); larger numbers are hidden first. */
  priority?: number;
  /** Numbers and amounts align right. */
  align?: 'end';
  nowrap?: boolean;
  className?: string;
  /** The header is read by screen readers only (an actions column). */
  headerHidden?: boolean;
  /** Hide the value rather than move it under the lead cell (decorative or repeated data). */
  dropWhenHidden?: boolean;
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | undefined>;

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  /** data-testid, title, className… of each row. */
  rowProps?: (row: T) => RowAttributes;
  /** Scroll inside the table past this height (the header stays on top). */
  maxHeight?: number;
  label?: string;
  testId?: string;
}

export function DataTable<T>({ columns, rows, rowKey, rowProps, maxHeight, label, testId }: DataTableProps<T>): ReactElement {
  const wrapRef = useRef<HTMLDivElement>(null);
  const full = fullLevel(columns);
  const [level, setLevel] = useState(full);
  const widthRef = useRef(0);
  // The box's width, so a narrower box re-renders and the layout effect measures again.
  const [width, setWidth] = useState(0);
  // New rows or columns may fit better (or worse): start again from every column.
  const signature = `${columns.map((c) => `${c.id}:${c.header}`).join(',')}|${rows.length}`;
  const signatureRef = useRef(signature);
  useLayoutEffect(() => {
    if (signatureRef.current !== signature) {
      signatureRef.current = signature;
      if (level !== full) {
        setLevel(full);
        return;
      }
    }
    const wrap = wrapRef.current;
    if (!wrap) return;
    const next = nextLevel(columns, level, wrap.scrollWidth > wrap.clientWidth + 1);
    if (next !== level) setLevel(next);
    // Columns are new objects on every render of a page; the signature says when they changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, level, full, width]);
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap || typeof ResizeObserver === 'undefined') return;
    widthRef.current = wrap.clientWidth;
    const observer = new ResizeObserver(() => {
      const width = wrap.clientWidth;
      // Wider: try every column again (the layout effect hides what still does not fit); narrower:
      // the layout effect after this render steps down from the current level.
      if (width > widthRef.current + 1) setLevel(fullLevel(columns));
      widthRef.current = width;
      setWidth(width);
    });
    observer.observe(wrap);
    return () => observer.disconnect();
    // Columns are re-created on every render of the page; their ids are what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);
  const shown = shownAt(columns, Math.min(level, full));
  const hidden = hiddenAt(columns, Math.min(level, full)).filter((c) => !c.dropWhenHidden);
  const lead = leadColumn(shown);
  return (
    <div ref={wrapRef} className="table-wrap" style={maxHeight ? { maxHeight, overflowY: 'auto' } : undefined} data-testid={testId} data-hidden-columns={hidden.map((c) => c.id).join(' ') || undefined}>
      <table aria-label={label}>
        <thead>
          <tr>
            {shown.map((c) => (
              <th key={c.id} scope="col" className={c.align === 'end' ? 'num' : undefined} title={c.abbr ? c.header : undefined}>
                {c.headerHidden ? (
                  <span className="sr-only">{c.header}</span>
                ) : c.abbr ? (
                  <>
                    <span aria-hidden="true">{c.abbr}</span>
                    <span className="sr-only">{c.header}</span>
                  </>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowProps?.(row)}>
              {shown.map((c) => (
                <td key={c.id} className={[c.align === 'end' ? 'num' : '', c.nowrap ? 'nowrap' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined}>
                  {c.cell(row)}
                  {c === lead && hidden.length > 0 && <HiddenValues row={row} columns={hidden} />}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HiddenValues<T>({ row, columns }: { row: T; columns: Column<T>[] }): ReactElement {
  return (
    <dl className="table-more">
      {columns.map((c) => (
        <div key={c.id}>
          <dt>{c.header}</dt>
          <dd>{c.cell(row)}</dd>
        </div>
      ))}
    </dl>
  );
}
