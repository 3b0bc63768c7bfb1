import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0008-conversations', () => {
  it('migrates a database holding data: clients, invoices and chat feedback are untouched, conversations start empty and keep their turns', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m8-')), 'x.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.id < 8));
    const clientId = Number(db.prepare("INSERT INTO clients(denominazione, partita_iva) VALUES ('Rossi Srl', '01234567897')").run().lastInsertRowid);
    db.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, net_cents, vat_cents, total_cents) VALUES (1, 2026, ?, '2026-03-01', '2026-03-31', 100000, 22000, 122000)").run(clientId);
    db.prepare(
      "INSERT INTO user_feedback(agent_type, session_id, message_id, user_input, ai_response, user_correction, thumb) VALUES ('chat', 's-1', 'm-1', 'Fatturato?', '1.220,00 €', 'Solo il 2026', 'down')",
    ).run();
    const before = db.prepare('SELECT * FROM user_feedback').all();

    expect(migrate(db, MIGRATIONS.filter((m) => m.id <= 8)).applied).toEqual(['0008-conversations']);
    expect(db.prepare('SELECT * FROM user_feedback').all()).toEqual(before);
    expect(db.prepare('SELECT total_cents FROM invoices').all()).toEqual([{ total_cents: 122000 }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM conversations').get()).toEqual({ n: 0 });

    // The conversation of the feedback above, with two turns; deleting it removes the turns, not the feedback.
    db.prepare("INSERT INTO conversations(id, title, language, turn_count) VALUES ('s-1', 'Fatturato?', 'it', 2)").run();
    const turn = db.prepare("INSERT INTO conversation_turns(conversation_id, message_id, question, answer_json) VALUES ('s-1', ?, ?, '{}')");
    turn.run('m-1', 'Fatturato?');
    turn.run('m-2', 'E il mese scorso?');
    expect(() => turn.run('m-2', 'again')).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO conversation_turns(conversation_id, message_id, question, answer_json) VALUES ('nope', 'm-3', 'q', '{}')").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO conversations(id, title, language) VALUES ('s-2', 't', 'fr')").run()).toThrow(/CHECK/);
    const row = db.prepare("SELECT created_at, updated_at FROM conversations WHERE id = 's-1'").get() as { created_at: string; updated_at: string };
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    db.prepare("DELETE FROM conversations WHERE id = 's-1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM conversation_turns').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM user_feedback').get()).toEqual({ n: 1 });
    db.close();
  });
});
