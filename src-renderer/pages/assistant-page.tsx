// Assistant page: the stored conversations in a sidebar (open, delete), the chat with cited sources
// (chips that open the invoice/client in Data), an inline feedback prompt after each answer that
// pulses for AI_FEEDBACK_PROMPT_TIMEOUT seconds, the note of the correction that shaped an answer
// (applied as a restriction, or stated as a fact), and buttons for what an answer offers to do
// (train the first model, build the index) with their progress.
// e2e handles: textbox labelled "Domanda"/"Question", button "Invia"/"Send"; each answer is
// data-testid "assistant-answer" (text in data-testid "answer-text"); sources are buttons in group
// "Fonti"/"Sources"; the prompt is data-testid "feedback-prompt" (class "attention" while pulsing)
// with buttons "Utile"/"Helpful", "Non utile"/"Not helpful", radios "N stelle"/"N stars",
// "Correggi"/"Correct it", textarea "Correzione"/"Correction", button "Invia correzione"/"Send
// correction"; the correction note is data-testid "learned-from"; the sidebar is the complementary
// region "Conversazioni"/"Conversations" with data-testid "conversation" items; an action button is
// data-testid "answer-action".
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { AssistantAction, AssistantAnswer } from '../../src-preload/contract/assistant-channels';
import type { ConversationSummary } from '../../src-preload/contract/conversation-channels';
import { ConfirmDialog } from '../components/dialog';
import { Icon } from '../components/icons';
import { Alert, EmptyState } from '../components/states';
import { ProgressBar } from '../components/widgets';
import { formatDate, formatRelative } from '../format/dates';
import type { MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { errorText } from '../stores/call';
import { conversationFromHash, promptDrawsAttention, useChatStore, type ChatMessage } from '../stores/chat-store';
import { useDataStore } from '../stores/data-store';
import { useUiStore } from '../stores/ui-store';

/** Chips shown before "+N more": an aggregate answer can cite dozens of invoices. */
const SOURCES_SHOWN = 6;

const SUGGESTIONS: MessageKey[] = ['chat.suggest.today', 'chat.suggest.revenue', 'chat.suggest.overdue', 'chat.suggest.forecast', 'chat.suggest.top'];

export function AssistantPage(): ReactElement {
  const { t, lang } = useT();
  const { messages, asking, ask, clear, sessionId, openError } = useChatStore();
  const [text, setText] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight, behavior: 'smooth' });
  }, [messages.length, asking]);
  useEffect(() => {
    inputRef.current?.focus();
    const store = useChatStore.getState();
    void store.refreshConversations();
    // A reload (or a link) names the conversation in the address: reopen it.
    const wanted = conversationFromHash(location.hash);
    if (wanted && wanted !== store.sessionId) void store.openConversation(wanted);
  }, []);
  const send = (q: string) => {
    if (!q.trim()) return;
    setText('');
    void ask(q, lang);
  };
  return (
    <div className="chat-layout">
      <ConversationList activeId={sessionId} onNew={() => {
        clear();
        inputRef.current?.focus();
      }} />
      <section className="card chat" aria-label={t('nav.assistant')}>
        <div className="chat-log" ref={logRef} aria-live="polite" data-testid="chat-log">
          {openError && <Alert kind="error">{t('chat.openFailed', { message: openError })}</Alert>}
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
        </form>
      </section>
    </div>
  );
}

/** The stored conversations, newest first: open one, start a new one, delete one (after confirming). */
function ConversationList({ activeId, onNew }: { activeId: string | null; onNew: () => void }): ReactElement {
  const { t, lang } = useT();
  const { conversations, opening, openConversation, deleteConversation, refreshConversations } = useChatStore();
  const toast = useUiStore((s) => s.toast);
  const [confirm, setConfirm] = useState<ConversationSummary | null>(null);
  const [deleting, setDeleting] = useState(false);
  const items = conversations.data?.items ?? [];
  const remove = async (c: ConversationSummary) => {
    setDeleting(true);
    try {
      await deleteConversation(c.id);
      toast('success', t('chat.deleted'));
    } catch (e) {
      toast('error', errorText(e));
    } finally {
      setDeleting(false);
      setConfirm(null);
    }
  };
  return (
    <aside className="card chat-sidebar" aria-label={t('chat.conversations')}>
      <h2 className="chat-sidebar-head">{t('chat.conversations')}</h2>
      <button type="button" className="btn btn-sm new-conversation" onClick={onNew}>
        <Icon name="plus" size={14} /> {t('chat.newConversation')}
      </button>
      {conversations.error && !items.length && (
        <Alert kind="error">
          {conversations.error}{' '}
          <button type="button" className="btn btn-sm" onClick={() => void refreshConversations()}>
            {t('common.retry')}
          </button>
        </Alert>
      )}
      {!conversations.error && conversations.data && items.length === 0 && <p className="xs muted">{t('chat.noConversations')}</p>}
      <ul className="conversation-list">
        {items.map((c) => (
          <li key={c.id} className={c.id === activeId ? 'active' : undefined} data-testid="conversation">
            <button type="button" className="conversation-open" aria-current={c.id === activeId ? 'true' : undefined} onClick={() => void openConversation(c.id)} title={c.title}>
              <span className="conversation-title">{c.title}</span>
              <span className="xs faint" title={formatDate(c.updatedAt, lang)}>
                {formatRelative(c.updatedAt, lang)} · {t('chat.turns', { count: c.turns })}
              </span>
            </button>
            {opening === c.id ? (
              <span className="spinner" />
            ) : (
              <button type="button" className="btn btn-ghost btn-sm btn-icon" aria-label={t('chat.deleteConversation', { title: c.title })} title={t('chat.deleteConversation', { title: c.title })} onClick={() => setConfirm(c)}>
                <Icon name="trash" size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
      {confirm && (
        <ConfirmDialog
          title={t('chat.deleteTitle')}
          message={t('chat.deleteMessage', { title: confirm.title })}
          confirmLabel={t('chat.deleteConfirm')}
          danger
          busy={deleting}
          onConfirm={() => void remove(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </aside>
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
      {answer.applied ? (
        <span className="learned" data-testid="learned-from" title={`“${answer.applied.question}” → ${answer.applied.correction}`}>
          <Icon name="sparkles" size={14} />
          {answer.applied.kind === 'restriction' && answer.applied.description
            ? t('chat.appliedRestriction', { date: formatDate(answer.applied.createdAt, lang), what: answer.applied.description })
            : t('chat.appliedFact', { date: formatDate(answer.applied.createdAt, lang) })}
        </span>
      ) : (
        answer.learnedFrom.length > 0 && (
          <span className="learned" data-testid="learned-from" title={answer.learnedFrom.map((l) => `“${l.question}” → ${l.correction}`).join('\n')}>
            <Icon name="sparkles" size={14} />
            {t('chat.learned', { date: formatDate(answer.learnedFrom[0].createdAt, lang) })}
          </span>
        )
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
      {answer.actions.map((a) => (
        <AnswerAction key={a} messageId={id} kind={a} question={answer.question} />
      ))}
      <span className="msg-meta">{answer.provider === 'openai' ? t('chat.provider.openai', { model: answer.model }) : t('chat.provider.builtin')}</span>
      {answer.feedbackEnabled && <FeedbackPrompt id={id} />}
    </div>
  );
}

/** A button doing what the answer says is missing (train the first model, build the index), with its progress and outcome. */
function AnswerAction({ messageId, kind, question }: { messageId: string; kind: AssistantAction; question: string }): ReactElement {
  const { t, lang } = useT();
  const run = useChatStore((s) => (s.action?.messageId === messageId && s.action.kind === kind ? s.action : null));
  const busy = useChatStore((s) => s.action?.running ?? false);
  const { runAction, ask } = useChatStore();
  return (
    <div className="answer-action" data-testid="answer-action">
      {!run?.result && (
        <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => void runAction(messageId, kind, lang)}>
          {run?.running ? <span className="spinner" /> : <Icon name={kind === 'train-model' ? 'models' : 'refresh'} size={14} />} {t(`chat.action.${kind}` as MessageKey)}
        </button>
      )}
      {run?.running && (
        <div className="meter">
          <span className="xs muted">
            {t(`chat.action.running.${kind}` as MessageKey)} {run.step && `· ${run.step}`} {run.total > 0 && `${run.current}/${run.total}`}
          </span>
          <ProgressBar label={t('chat.action.progress')} value={run.current} max={run.total || 1} indeterminate={run.total === 0} />
        </div>
      )}
      {run?.result && (
        <span className="small row" role="status">
          <Icon name="check" size={14} /> {run.result}
          <button type="button" className="btn btn-sm" onClick={() => void ask(question, lang)}>
            {t('chat.action.askAgain')}
          </button>
        </span>
      )}
      {run?.error && <Alert kind="error">{run.error}</Alert>}
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
