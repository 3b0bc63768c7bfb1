// The reading of a question, resolved against the data: which figure it asks for, over which
// period, about which client (matched in the client table, not the words that happened to follow
// "di"), with which restrictions. Two business questions with the same reading are the same
// question however they are worded or in whichever language; two with different readings are
// different questions however close their words ("revenue this month" vs "last month").
import type { ClientRow } from './client-matcher';
import { matchClient, type ClientMatch } from './client-matcher';
import { endOfMonth } from '../dates';
import { parseIntent, type Intent, type Lang, type ParsedQuestion } from './parse-intent';
import type { Period } from './parse-period';

export const DEFAULT_FORECAST_DAYS = 30;
export const DEFAULT_TOP_CLIENTS = 5;

export interface QuestionReading {
  parsed: ParsedQuestion;
  /** The intent the answer is computed for: "how does Rossi pay" is Rossi's history. */
  intent: Intent;
  client: ClientMatch;
  /** Identity of a business question; null for a free search (only its words can be compared). */
  key: string | null;
}

export function readQuestion(question: string, today: string, clients: readonly ClientRow[], fallbackLang: Lang = 'en'): QuestionReading {
  const parsed = parseIntent(question, today, fallbackLang);
  const client = matchClient(clients, question, parsed);
  return readParsed(parsed, client, today);
}

/** The period an intent is answered over when the question names none: revenue this month, invoices created today. */
export function effectivePeriod(intent: Intent, period: Period | null, today: string): Period | null {
  if (period) return period;
  if (intent === 'revenue') {
    const from = `${today.slice(0, 7)}-01`;
    return { kind: 'month', from, to: endOfMonth(from), matched: '' };
  }
  if (intent === 'invoices_created') return { kind: 'day', from: today, to: today, matched: '' };
  return null;
}

function readParsed(parsed: ParsedQuestion, client: ClientMatch, today: string): QuestionReading {
  let intent = parsed.intent;
  if (intent === 'payment_behaviour' && (client.client || client.candidates.length)) intent = 'client_history';
  if (intent === 'search') return { parsed, intent, client, key: null };
  const who = client.client ? `c${client.client.id}` : client.candidates.length ? `?${client.candidates.map((c) => c.id).join(',')}` : '';
  const p = effectivePeriod(intent, parsed.period, today);
  const period = p ? `${p.from}..${p.to}` : '';
  const detail =
    intent === 'forecast'
      ? `h${parsed.horizonDays ?? DEFAULT_FORECAST_DAYS}`
      : intent === 'top_clients'
        ? `n${parsed.limit ?? DEFAULT_TOP_CLIENTS}`
        : intent === 'count'
          ? (parsed.countSubject ?? 'invoices')
          : '';
  return { parsed, intent, client, key: [intent, period, who, detail, parsed.status ?? '', parsed.basis ?? ''].join('|') };
}
