// Assistant page: chat with cited sources (chips that open the invoice/client in Data), an inline
// feedback prompt after each answer that pulses for AI_FEEDBACK_PROMPT_TIMEOUT seconds, and the
// "Learned from your correction on …" note when a past correction shaped the answer.
// e2e handles: textbox labelled "Domanda"/"Question", button "Invia"/"Send"; each answer is
// data-testid "assistant-answer" (text in data-testid "answer-text"); sources are buttons in group
// "Fonti"/"Sources"; the prompt is data-testid "feedback-prompt" (class "attention" while pulsing)
// with buttons "Utile"/"Helpful", "Non utile"/"Not helpful", radios "N stelle"/"N stars",
// "Correggi"/"Correct it", textarea "Correzione"/"Correction", button "Invia correzione"/"Send
// correction"; the learned note is data-testid "learned-from".
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { AssistantAnswer } from '../../src-preload/contract/assistant-channels';
import { Icon } from '../components/icons';
import { Alert, EmptyState } from '../components/states';
import { formatTimestamp } from '../format/dates';
import type { MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { promptDrawsAttention, useChatStore, type ChatMessage } from '../stores/chat-store';
import { useDataStore } from '../stores/data-store';
import { useUiStore } from '../stores/ui-store';

/** Chips shown before "+N more": an aggregate answer can cite dozens of invoices. */
const SOURCES_SHOWN = 6;

const SUGGESTIONS: MessageKey[] = ['chat.suggest.today', 'chat.suggest.revenue', 'chat.suggest.overdue', 'chat.suggest.forecast', 'chat.suggest.top'];

export function AssistantPage(): ReactElement {
  const { t, lang } = useT();
  const { messages, asking, ask, clear } = useChatStore();
  const [text, setText] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight, behavior: 'smooth' });
  }, [messages.length, asking]);
  useEffect(() => {
    inputRef.current?.focus();
  }, []);
  const send = (q: string) => {
    if (!q.trim()) return;
    setText('');
    void ask(q, lang);
  };
  return (
    <section className="card chat" aria-label={t('nav.assistant')}>
      <div className="chat-log" ref={logRef} aria-live="polite" data-testid="chat-log">
        {messages.length === 0 && !asking && (
          <EmptyState icon="sparkles" title={t('chat.emptyTitle')} action={
            <div className="suggestions">
              {SUGGESTIONS.map((k) => (
                <button key={k} type="button" className="chip" onClick={() => send(t(k))}>
                  {t(k)}
                </button>
              ))}
            </div>
          }>
            {t('chat.emptyHint')}
          </EmptyState>
        )}
        {messages.map((msg) => (
          <Message key={msg.id} msg={msg} onRetry={(q) => send(q)} />
        ))}
        {asking && (
          <div className="msg assistant" role="status">
            <div className="msg-bubble row small muted">
              <span className="spinner" /> {t('chat.thinking')}
            </div>
          </div>
        )}
      </div>
      <form
        className="chat-input"
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <label className="sr-only" htmlFor="chat-question">
          {t('chat.question')}
        </label>
        <input ref={inputRef} id="chat-question" className="input grow" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('chat.placeholder')} autoComplete="off" maxLength={2000} />
        <button type="submit" className="btn btn-primary" disabled={asking || !text.trim()} style={{ height: 40 }}>
          <Icon name="send" size={16} /> {t('chat.send')}
        </button>
        {messages.length > 0 && (
          <button type="button" className="btn btn-ghost" onClick={clear} style={{ height: 40 }}>
            {t('chat.newConversation')}
          </button>
        )}
      </form>
    </section>
  );
}

function Message({ msg, onRetry }: { msg: ChatMessage; onRetry: (q: string) => void }): ReactElement {
  const { t } = useT();
  if (msg.role === 'user') {
    return (
      <div className="msg user" data-testid="user-message">
        <div className="msg-bubble">{msg.text}</div>
      </div>
    );
  }
  if (msg.role === 'error') {
    return (
      <div className="msg assistant">
        <Alert kind="error">
          {msg.text}{' '}
          <button type="button" className="btn btn-sm" onClick={() => onRetry(msg.question)}>
            {t('common.retry')}
          </button>
        </Alert>
      </div>
    );
  }
  return <AnswerMessage id={msg.id} answer={msg.answer} />;
}

function AnswerMessage({ id, answer }: { id: string; answer: AssistantAnswer }): ReactElement {
  const { t, lang } = useT();
  const setPage = useUiStore((s) => s.setPage);
  const setDataTab = useUiStore((s) => s.setDataTab);
  const [allSources, setAllSources] = useState(false);
  const openSource = (s: AssistantAnswer['sources'][number]) => {
    const data = useDataStore.getState();
    if (s.entityType === 'client') {
      setDataTab('clients');
      useDataStore.setState({ clientSearch: s.title });
      void data.loadClients();
    } else if (s.entityType === 'product') {
      setDataTab('products');
      useDataStore.setState({ productSearch: s.title });
      void data.loadProducts();
    } else {
      setDataTab('invoices');
      const label = /\d+\/\d{4}/.exec(s.title)?.[0] ?? s.title;
      useDataStore.setState({ invoiceFilter: { search: label, status: '', offset: 0 } });
      void data.loadInvoices();
    }
    setPage('data');
  };
  return (
    <div className="msg assistant" data-testid="assistant-answer">
      {answer.learnedFrom.length > 0 && (
        <span className="learned" data-testid="learned-from" title={answer.learnedFrom.map((l) => `“${l.question}” → ${l.correction}`).join('\n')}>
          <Icon name="sparkles" size={14} />
          {t('chat.learned', { date: formatTimestamp(answer.learnedFrom[0].createdAt, lang) })}
        </span>
      )}
      <div className="msg-bubble" data-testid="answer-text">
        {answer.answer}
      </div>
      {answer.sources.length > 0 && (
        <div className="sources" role="group" aria-label={t('chat.sources')}>
          <span className="xs faint">{t('chat.sources')}:</span>
          {(allSources ? answer.sources : answer.sources.slice(0, SOURCES_SHOWN)).map((s) => (
            <button key={`${s.entityType}-${s.entityId}`} type="button" className="chip" onClick={() => openSource(s)} title={s.snippet ?? s.title} data-testid="source-chip">
              <Icon name={s.entityType === 'client' ? 'client' : s.entityType === 'product' ? 'product' : 'invoice'} size={13} />
              {s.title}
            </button>
          ))}
          {answer.sources.length > SOURCES_SHOWN && (
            <button type="button" className="btn btn-ghost btn-sm" aria-expanded={allSources} onClick={() => setAllSources(!allSources)}>
              {allSources ? t('chat.fewerSources') : t('chat.moreSources', { count: answer.sources.length - SOURCES_SHOWN })}
            </button>
          )}
        </div>
      )}
      {answer.notes.map((n) => (
        <span key={n} className="small muted" data-testid="answer-note">
          <Icon name="alert" size={13} /> {n}
        </span>
      ))}
      <span className="msg-meta">{t('chat.provider', { provider: answer.provider })}</span>
      {answer.feedbackEnabled && <FeedbackPrompt id={id} />}
    </div>
  );
}

function FeedbackPrompt({ id }: { id: string }): ReactElement | null {
  const { t } = useT();
  const msg = useChatStore((s) => s.messages.find((m) => m.id === id));
  const { setThumb, setRating, openCorrection, setCorrection, sendCorrection } = useChatStore();
  const [now, setNow] = useState(() => Date.now());
  const attention = msg?.role === 'assistant' && promptDrawsAttention(msg, now);
  useEffect(() => {
    if (!attention || msg?.role !== 'assistant') return;
    const left = msg.answer.promptTimeoutSeconds * 1000 - (Date.now() - msg.receivedAt);
    const h = setTimeout(() => setNow(Date.now()), Math.max(0, left) + 20);
    return () => clearTimeout(h);
  }, [attention, msg]);
  if (!msg || msg.role !== 'assistant') return null;
  const f = msg.feedback;
  return (
    <div className={`feedback-prompt${attention ? ' attention' : ''}`} data-testid="feedback-prompt">
      <div className="feedback-row">
        <span className="muted">{t('fbp.question')}</span>
        <button type="button" className="btn btn-sm" aria-pressed={f.thumb === 'up'} disabled={f.sent.thumb || f.submitting} onClick={() => void setThumb(id, 'up')} aria-label={t('fbp.up')} title={t('fbp.up')}>
          <Icon name="thumbUp" size={15} />
        </button>
        <button type="button" className="btn btn-sm" aria-pressed={f.thumb === 'down'} disabled={f.sent.thumb || f.submitting} onClick={() => void setThumb(id, 'down')} aria-label={t('fbp.down')} title={t('fbp.down')}>
          <Icon name="thumbDown" size={15} />
        </button>
        <Stars value={f.rating} disabled={f.sent.rating || f.submitting} onChange={(n) => void setRating(id, n)} />
        {!f.sent.correction && (
          <button type="button" className="btn btn-sm btn-ghost" aria-expanded={f.correctionOpen} onClick={() => openCorrection(id, !f.correctionOpen)}>
            <Icon name="edit" size={14} /> {t('fbp.correct')}
          </button>
        )}
        {f.submitting && <span className="spinner" aria-label={t('common.saving')} />}
        {f.sent.ids.length > 0 && !f.submitting && (
          <span className="small" style={{ color: 'var(--success)' }} role="status" data-testid="feedback-saved">
            <Icon name="check" size={14} /> {f.collectionEnabled ? t('fbp.thanks') : t('fbp.disabled')}
          </span>
        )}
      </div>
      {f.correctionOpen && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void sendCorrection(id);
          }}
        >
          <label className="field">
            <span className="field-label">{t('fbp.correction')}</span>
            <textarea className="input" value={f.correction} onChange={(e) => setCorrection(id, e.target.value)} placeholder={t('fbp.correctionHint')} autoFocus onKeyDown={(e) => e.key === 'Escape' && openCorrection(id, false)} />
          </label>
          <div className="row">
            <button type="submit" className="btn btn-primary btn-sm" disabled={f.submitting || (!f.correction.trim() && !(f.thumb && !f.sent.thumb) && !(f.rating && !f.sent.rating))}>
              {t('fbp.sendCorrection')}
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => openCorrection(id, false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {f.error && <Alert kind="error">{f.error}</Alert>}
    </div>
  );
}

function Stars({ value, disabled, onChange }: { value: number | null; disabled: boolean; onChange: (n: number) => void }): ReactElement {
  const { t } = useT();
  const [hover, setHover] = useState(0);
  const shown = hover || value || 0;
  return (
    <span className="stars" role="radiogroup" aria-label={t('fbp.rating')} onMouseLeave={() => setHover(0)}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          className={`star${n <= shown ? ' lit' : ''}`}
          aria-checked={value === n}
          aria-label={t('fbp.stars', { n })}
          disabled={disabled}
          onMouseEnter={() => !disabled && setHover(n)}
          onClick={() => onChange(n)}
        >
          <Icon name="star" size={17} filled={n <= shown} />
        </button>
      ))}
    </span>
  );
}
