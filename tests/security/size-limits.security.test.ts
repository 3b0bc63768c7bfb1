// Attack class: oversized free text. Every free-text argument of every channel has a limit from the
// contract's TextLimits (one place), found here by walking the channel schemas — a field added
// without a limit fails this suite. Over the limit is BAD_INPUT naming the field and the limit, and
// nothing is written; at the limit the field is accepted. The CLI's submit and the feedback import
// apply the same limits (a 4 MiB context or a 50 MB user_input used to be stored and served back).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { App } from '../../src-main/core/app';
import { loadSettings } from '../../src-main/core/config/load';
import { InputError } from '../../src-main/core/errors';
import { importFeedback } from '../../src-main/core/feedback/feedback-export';
import { chatRecordSchema, predictionRecordSchema } from '../../src-main/core/feedback/feedback-record';
import { chatFeedbackSchema } from '../../src-main/core/feedback/feedback-schemas';
import { EXAMPLE_ARGS } from '../../src-main/ipc/contract-probes';
import { createAppRouter } from '../../src-main/ipc/create-app-router';
import type { IpcRouter } from '../../src-main/ipc/ipc-router';
import { callChannel } from '../../src-main/ipc/testing/call-channel';
import { CHANNEL_NAMES, channels, type Channel } from '../../src-preload/contract/channels';
import { TextLimits } from '../../src-preload/contract/common';
import { securityCase } from './security-case';

type Path = (string | number)[];
interface Leaf {
  path: Path;
  kind: 'text' | 'json';
  /** The text limit (characters) or, for JSON, TextLimits.jsonBytes. */
  max: number | null;
  /** A fixed length (dates): not free text. */
  fixed: boolean;
}

function unwrap(t: z.ZodTypeAny): z.ZodTypeAny {
  let cur = t;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap();
    else if (cur instanceof z.ZodDefault) cur = cur._def.innerType;
    else if (cur instanceof z.ZodEffects) cur = cur.innerType();
    else return cur;
  }
}

/** Every string and JSON-object leaf of a schema, with its path (array items at index 0). */
function leaves(t: z.ZodTypeAny, at: Path = []): Leaf[] {
  const base = unwrap(t);
  if (base instanceof z.ZodString) {
    const checks = base._def.checks;
    const max = checks.find((c) => c.kind === 'max') as { value: number } | undefined;
    return [{ path: at, kind: 'text', max: max?.value ?? null, fixed: checks.some((c) => c.kind === 'length') }];
  }
  if (base instanceof z.ZodObject) return Object.entries(base.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => leaves(v, [...at, k]));
  if (base instanceof z.ZodArray) return leaves(base.element as z.ZodTypeAny, [...at, 0]);
  if (base instanceof z.ZodUnion) return (base.options as z.ZodTypeAny[]).flatMap((o) => leaves(o, at));
  // A record keyed by a fixed set of names (a column map) is a set of text fields; any other record is free JSON.
  if (base instanceof z.ZodRecord && base.keySchema instanceof z.ZodEnum) return leaves(base.valueSchema as z.ZodTypeAny, [...at, (base.keySchema.options as string[])[0]!]);
  if (base instanceof z.ZodRecord) return [{ path: at, kind: 'json', max: TextLimits.jsonBytes, fixed: false }];
  return [];
}

function setAt(value: unknown, p: Path, replacement: unknown): unknown {
  if (!p.length) return replacement;
  const [head, ...rest] = p;
  if (Array.isArray(value)) {
    const arr = [...value];
    arr[head as number] = setAt(arr[head as number], rest, replacement);
    return arr;
  }
  return { ...(value as Record<string, unknown>), [head!]: setAt((value as Record<string, unknown> | undefined)?.[head!], rest, replacement) };
}

const LIMIT_VALUES = new Set<number>(Object.values(TextLimits));
/** A JSON object of exactly `bytes` bytes serialized: {"blob":"aaa…"}. */
const jsonOf = (bytes: number) => ({ blob: 'a'.repeat(bytes - '{"blob":""}'.length) });

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let dir: string;
let app: App;
let router: IpcRouter;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-limits-'));
  app = await App.open({ settings: loadSettings({ env: { OPENFATTURE_AI_PROVIDER: 'builtin' }, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
  router = createAppRouter(app, { version: '0.0.0-sec' });
}, 60_000);

afterAll(async () => {
  router.dispose();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const feedbackRows = () => (app.database.sqlite.prepare('SELECT (SELECT count(*) FROM user_feedback) + (SELECT count(*) FROM model_prediction_feedback) AS n').get() as { n: number }).n;

describe('size limits', () => {
  securityCase('every free-text argument of the contract over its limit → BAD_INPUT naming field and limit', async (check) => {
    const all = CHANNEL_NAMES.flatMap((channel) => leaves(channels[channel].args).map((leaf) => ({ channel, ...leaf })));
    const free = all.filter((l) => !l.fixed);
    // Every free-text field has a limit, and every limit is one of TextLimits.
    const unlimited = free.filter((l) => l.max === null || !LIMIT_VALUES.has(l.max)).map((l) => `${l.channel} ${l.path.join('.')} (max ${l.max})`);
    expect(unlimited).toEqual([]);
    const rowsBefore = feedbackRows();
    for (const leaf of free) {
      const max = leaf.max!;
      const field = leaf.path.join('.');
      const base = EXAMPLE_ARGS[leaf.channel as Channel];
      const over = setAt(base, leaf.path, leaf.kind === 'text' ? 'a'.repeat(max + 1) : jsonOf(max + 1));
      const r = await router.invoke(leaf.channel, over);
      const label = `${leaf.channel} ${field}`;
      expect(r.ok, label).toBe(false);
      if (r.ok) continue;
      expect(r.error.code, label).toBe('BAD_INPUT');
      expect(r.error.message, label).toMatch(new RegExp(`(^|; )${field.replace(/\./g, '\\.')}: (longer|larger) than the limit of ${max} `));
      // At the limit, the field itself raises no size issue (the call may still fail for other reasons).
      const at = setAt(base, leaf.path, leaf.kind === 'text' ? 'a'.repeat(max) : jsonOf(max));
      const parsed = channels[leaf.channel as Channel].args.safeParse(at);
      const sizeIssues = parsed.success ? [] : parsed.error.issues.filter((i) => i.path.join('.') === field && /than the limit/.test(i.message));
      expect(sizeIssues, `${label} at the limit`).toEqual([]);
    }
    expect(feedbackRows()).toBe(rowsBefore);
    const channelsWithText = new Set(free.map((l) => l.channel)).size;
    check(
      `${free.length} free-text fields (${free.filter((l) => l.kind === 'json').length} JSON) in ${channelsWithText} channels, found from the schemas: ` +
        `each has a TextLimits limit, limit+1 → BAD_INPUT naming field and limit, the limit itself accepted; nothing written`,
    );
  });

  securityCase('feedback:submit with a 4 MiB context → BAD_INPUT naming context, nothing stored', async (check) => {
    const before = feedbackRows();
    const context = jsonOf(4 * 1024 * 1024);
    const r = await router.invoke('feedback:submit', { ...EXAMPLE_ARGS['feedback:submit'], context });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/^context: larger than the limit of 65536 bytes as JSON \(4194304 bytes\)/) } });
    // The core applies the same limit to a caller that skips the contract (the CLI, a script).
    expect(() => app.feedback.recordChat({ agentType: 'chat', input: 'q', response: 'a', rating: 3, context })).toThrow(/^context: larger than the limit of 65536 bytes/);
    expect(() => app.feedback.recordChat({ agentType: 'chat', input: 'q', response: 'a', rating: 3, context: JSON.stringify(context) })).toThrow(/^context: larger than the limit of 65536 bytes/);
    expect(feedbackRows()).toBe(before);
    check('4,194,304-byte context: IPC BAD_INPUT "context: larger than the limit of 65536 bytes", core refuses it as object and as JSON text; 0 rows stored');
  });

  securityCase('CLI submit and feedback import apply the same limits as the contract', async (check) => {
    // The same field under its three names: IPC argument, core (CLI) field, export/import column.
    const SAME = [
      ['userInput', 'input', 'user_input'],
      ['aiResponse', 'response', 'ai_response'],
      ['userCorrection', 'correction', 'user_correction'],
      ['comment', 'comment', 'comment'],
      ['agentType', 'agentType', 'agent_type'],
      ['sessionId', 'sessionId', 'session_id'],
      ['messageId', 'messageId', 'message_id'],
    ] as const;
    const ipc = new Map(leaves(channels['feedback:submit'].args).map((l) => [l.path.join('.'), l.max]));
    const core = new Map(leaves(chatFeedbackSchema).map((l) => [l.path.join('.'), l.max]));
    const imported = new Map([...leaves(chatRecordSchema), ...leaves(predictionRecordSchema)].map((l) => [l.path.join('.'), l.max]));
    for (const [a, b, c] of SAME) {
      expect({ field: a, core: core.get(b), imported: imported.get(c) }).toEqual({ field: a, core: ipc.get(a), imported: ipc.get(a) });
    }
    // Every text column of an imported record has a TextLimits limit too.
    const importedUnlimited = [...leaves(chatRecordSchema), ...leaves(predictionRecordSchema)].filter((l) => l.kind === 'text' && (l.max === null || ![...LIMIT_VALUES, 40].includes(l.max)));
    expect(importedUnlimited.map((l) => l.path.join('.'))).toEqual([]);

    // The CLI as a user runs it: one character over the limit is exit 2 naming the flag and the limit.
    const cliDir = path.join(dir, 'cli');
    fs.mkdirSync(cliDir);
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(repo, 'bin/openfatture.js'), '--data-dir', cliDir, 'ai', 'feedback', 'submit', '--input', 'x'.repeat(TextLimits.longText + 1), '--response', 'r', '--rating', '3'],
        { cwd: cliDir, env: { ...process.env, OPENFATTURE_LOG_LEVEL: 'warn' }, timeout: 240_000 },
        (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ).stdin?.end();
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--input: longer than the limit of ${TextLimits.longText} characters`);

    // Import of a 50 MB user_input (line 2 of a JSONL export): refused naming line and field, nothing stored.
    const file = path.join(dir, 'big.jsonl');
    const rec = (id: number, input: string) =>
      JSON.stringify({ kind: 'chat', id, created_at: '2025-01-01T00:00:00.000Z', agent_type: 'chat', session_id: null, message_id: null, user_input: input, ai_response: 'a', user_correction: null, rating: 4, thumb: null, comment: null, context: null, consumed_by_version: null });
    const big = 50 * 1024 * 1024;
    fs.writeFileSync(file, `${rec(1, 'q')}\n${rec(2, 'x'.repeat(big))}\n`);
    const before = feedbackRows();
    let err: unknown;
    try {
      importFeedback(app.database.sqlite, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^file: line 2: user_input: longer than the limit of ${TextLimits.longText} characters`));
    expect(feedbackRows()).toBe(before);
    const listed = await callChannel(router, 'feedback:list', {});
    expect(listed.items.every((i) => i.userInput.length <= TextLimits.longText)).toBe(true);
    check(
      `${SAME.length} feedback fields: same limit over IPC, CLI/core and import; CLI --input of ${TextLimits.longText + 1} chars → exit 2 naming --input and the limit; ` +
        `import of a ${big.toLocaleString('en')}-character user_input → "file: line 2: user_input: longer than the limit", 0 rows stored`,
    );
  });
});
