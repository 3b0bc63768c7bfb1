// `openfatture ai chat` as a user runs it, in separate processes on a temp data dir: the seed's flow
// (create an invoice, then ask what was created today), --json, bad flags (exit 2, nothing written),
// piped questions that never block, and the interactive feedback prompt on a real terminal
// (util-linux `script` gives the process a pty) storing a correction that the next answer uses.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validPartitaIva } from '../../core/assistant/assistant-fixture';

const BIN = path.resolve('bin/openfatture.js');
let dir: string;

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dir, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, OPENFATTURE_TODAY: '' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function rows(sql: string): unknown[] {
  const db = new Database(path.join(dir, 'openfatture.db'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-chat-cli-'));
  expect(cli(['init-db']).code).toBe(0);
  expect(cli(['cliente', 'crea', '--denominazione', 'Ferrari Impianti Srl', '--piva', validPartitaIva(31)]).code).toBe(0);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openfatture ai chat', () => {
  it("lists an invoice just created with `fattura crea` (the seed's flow)", () => {
    const created = cli(['fattura', 'crea', '--cliente', 'Ferrari Impianti Srl', '--riga', 'Manutenzione caldaia;2;150;22', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const inv = JSON.parse(created.stdout) as { invoice: { id: number; number: number; year: number } };

    const r = cli(['ai', 'chat', '--message', 'What invoices did I create today?']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Invoice ${inv.invoice.number}/${inv.invoice.year} — Ferrari Impianti Srl, €366.00`);
    expect(r.stdout).toContain(`Sources: Invoice ${inv.invoice.number}/${inv.invoice.year} — Ferrari Impianti Srl`);

    const j = cli(['ai', 'chat', '--message', 'Quali fatture ho creato oggi?', '--json']);
    expect(j.code, j.stderr).toBe(0);
    const answer = JSON.parse(j.stdout) as { intent: string; language: string; sources: { entityType: string; entityId: number }[]; facts: { createdCount: number } };
    expect(answer).toMatchObject({ intent: 'invoices_created', language: 'it' });
    expect(answer.sources).toEqual([{ entityType: 'invoice', entityId: inv.invoice.id, label: `Fattura ${inv.invoice.number}/${inv.invoice.year} — Ferrari Impianti Srl` }]);
    expect(answer.facts.createdCount).toBe(1);
  });

  it('rejects bad flags with exit 2 naming the flag, and writes nothing', () => {
    const before = rows('SELECT COUNT(*) AS n FROM user_feedback');
    for (const [args, message] of [
      [['--message', '   '], '--message: must not be empty'],
      [['--message', 'x'.repeat(2001)], '--message: longer than 2000 characters'],
      [['--json'], '--json: needs --message'],
      [['--message', 'ciao', '--lang', 'de'], '--lang: expected it or en, got "de"'],
      [['--message', 'ciao', '--session', ' '], '--session: expected a non-empty id'],
    ] as const) {
      const r = cli(['ai', 'chat', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(rows('SELECT COUNT(*) AS n FROM user_feedback')).toEqual(before);
  });

  it('answers piped questions line by line without prompting, and ends at end of input', () => {
    const r = cli(['ai', 'chat'], "What's my revenue this month?\nQuanti clienti ho?\n");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Your revenue in .* is €366\.00/);
    expect(r.stdout).toContain('Hai 1 cliente.');
    expect(r.stdout).not.toContain('Helpful?');
  });

  it('asks for feedback on a terminal and stores a correction that the next similar answer shows', async () => {
    const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
    if (!hasScript) {
      console.log('skipped: util-linux `script` is not installed, so no pseudo-terminal can be given to the CLI');
      return;
    }
    const command = [process.execPath, BIN, '--data-dir', dir, 'ai', 'chat', '--message', "What's my revenue this month?"].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, OPENFATTURE_AI_FEEDBACK_PROMPT_TIMEOUT: '60' } });
    let out = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output so far:\n${out}`)), 90_000);
        const check = () => {
          if (out.includes(text)) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor('Helpful? [y/n/c=correct/Enter=skip]');
    child.stdin.write('c\r');
    await waitFor('Correct answer');
    child.stdin.write('Revenue is €12,500 including pending\r');
    await waitFor('Correction saved');
    expect(await exited).toBe(0);
    expect(rows("SELECT agent_type, user_input, user_correction, thumb FROM user_feedback WHERE user_correction IS NOT NULL")).toEqual([
      { agent_type: 'chat', user_input: "What's my revenue this month?", user_correction: 'Revenue is €12,500 including pending', thumb: 'down' },
    ]);
    // The answer's context is stored with the feedback: what was asked, how, and from which records.
    const context = JSON.parse((rows('SELECT context FROM user_feedback')[0] as { context: string }).context) as Record<string, unknown>;
    expect(context).toMatchObject({ intent: 'revenue', language: 'en', provider: 'builtin', model: 'templates' });
    expect(Array.isArray(context.sources)).toBe(true);

    const next = cli(['ai', 'chat', '--message', 'How much revenue did I make this month?']);
    expect(next.code, next.stderr).toBe(0);
    // A fact the data cannot check: the answer leads with it, the computed figure follows as the data's view.
    expect(next.stdout).toMatch(/^According to your correction of \d{1,2} \w{3} \d{4}: Revenue is €12,500 including pending\n\nThe recorded data, which does not include it, shows:\nYour revenue in /);
  }, 240_000);
});
