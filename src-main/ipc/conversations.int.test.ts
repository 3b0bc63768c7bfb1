// Conversations kept across a restart, through the router as the Assistant page uses it: a session's
// questions are listed with their answers and the feedback already given, a short follow-up after
// the restart still continues the previous question, and deleting a conversation removes it and its
// turns but keeps the correction given in it (the assistant still learns from it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../core/app';
import { loadSettings } from '../core/config/load';
import { validPartitaIva } from '../core/assistant/assistant-fixture';
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract/channels';
import { createAppRouter } from './create-app-router';
import type { IpcRouter } from './ipc-router';
import { callChannel } from './testing/call-channel';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-conversations-'));
let app: App | null = null;
let router: IpcRouter | null = null;

async function open(): Promise<void> {
  app = await App.open({ settings: loadSettings({ env: { OPENFATTURE_TODAY: '2026-11-26' }, cwd: dir, flags: { DATA_DIR: dir } }), host: 'serve', consoleLevel: 'silent' });
  router = createAppRouter(app, { version: 't' });
}
async function close(): Promise<void> {
  router?.dispose();
  await app?.close();
  router = null;
  app = null;
}
const call = <C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>> => callChannel(router!, channel, args);

afterAll(async () => {
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('conversations', () => {
  it('survive a restart with their answers and feedback, continue follow-ups, and are deletable', async () => {
    process.env.OPENFATTURE_TODAY = '2026-11-26';
    try {
      await open();
      const rossi = app!.clients.create({ denominazione: 'Rossi & Figli S.r.l.', partitaIva: validPartitaIva(31) });
      app!.invoices.create({ clientId: rossi.id, issueDate: '2026-11-03', lines: [{ description: 'Consulenza', quantity: 1, unitPriceCents: 400_000, vatRate: 22 }] });
      app!.invoices.create({ clientId: rossi.id, issueDate: '2026-10-05', lines: [{ description: 'Consulenza', quantity: 1, unitPriceCents: 250_000, vatRate: 22 }] });

      const opening = await call('assistant:ask', { question: 'Which invoices are overdue?', language: 'it' });
      // The answer follows the question's language, not the UI's.
      expect(opening.language).toBe('en');
      const sessionId = opening.sessionId;
      const first = await call('assistant:ask', { question: 'Qual è il fatturato di questo mese?', sessionId, language: 'it' });
      const fb = await call('feedback:submit', { agentType: 'chat', sessionId, messageId: first.messageId, userInput: first.question, aiResponse: first.answer, thumb: 'down', userCorrection: 'Considera solo l’imponibile, senza IVA' });
      const other = await call('assistant:ask', { question: 'Quanti clienti ho?', language: 'it' });
      await close();

      await open();
      const list = await call('conversations:list', {});
      expect(list.total).toBe(2);
      expect(list.items.map((c) => c.id).sort()).toEqual([sessionId, other.sessionId].sort());
      const mine = list.items.find((c) => c.id === sessionId)!;
      expect(mine).toMatchObject({ title: 'Which invoices are overdue?', turns: 2 });

      const got = await call('conversations:get', { id: sessionId });
      expect(got.items.map((t) => t.answer.question)).toEqual(['Which invoices are overdue?', 'Qual è il fatturato di questo mese?']);
      expect(got.items[1]!.answer.answer).toBe(first.answer);
      expect(got.items[1]!.answer.messageId).toBe(first.messageId);
      expect(got.items[1]!.feedback).toEqual({ thumb: 'down', rating: null, correction: 'Considera solo l’imponibile, senza IVA', ids: [fb.id] });
      expect(got.items[0]!.feedback).toEqual({ thumb: null, rating: null, correction: null, ids: [] });

      // After the restart, "e il mese scorso?" still continues the revenue question of this conversation.
      const follow = await call('assistant:ask', { question: 'E il mese scorso?', sessionId, language: 'en' });
      expect(follow.intent).toBe('revenue');
      expect(follow.language).toBe('it');
      expect(follow.answer).toContain('ottobre 2026');
      expect((await call('conversations:get', { id: sessionId })).turns).toBe(3);

      expect(await call('conversations:delete', { id: sessionId })).toEqual({ deleted: true });
      expect(await call('conversations:delete', { id: sessionId })).toEqual({ deleted: false });
      expect((await call('conversations:list', {})).items.map((c) => c.id)).toEqual([other.sessionId]);
      const gone = await router!.invoke('conversations:get', { id: sessionId });
      expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(app!.database.sqlite.prepare('SELECT COUNT(*) AS n FROM conversation_turns WHERE conversation_id = ?').get(sessionId)).toEqual({ n: 0 });
      // The correction given in the deleted conversation still applies to a new question.
      const again = await call('assistant:ask', { question: 'Quanto ho fatturato questo mese?', language: 'it' });
      expect(again.applied).toMatchObject({ feedbackId: fb.id, kind: 'restriction' });
      expect(again.answer).toContain('senza IVA (imponibile)');
    } finally {
      delete process.env.OPENFATTURE_TODAY;
    }
  });
});
