// The model card (docs/cash-flow-model-card.md) documents every feature the model uses, in model
// order, and nothing it does not use: a user reading the card reads the model.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_CATALOG, FEATURE_NAMES } from './feature-catalog';

const card = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../docs/cash-flow-model-card.md'), 'utf8');
const documented = [...card.matchAll(/^\| `([a-z0-9_]+)` \| (.*) \|$/gm)].map((m) => ({ name: m[1]!, doc: m[2]! }));

describe('the cash-flow model card', () => {
  it('lists every feature of the model once, in model order', () => {
    expect(FEATURE_NAMES.length).toBeGreaterThan(40);
    expect(documented.map((d) => d.name)).toEqual(FEATURE_NAMES);
  });

  it("gives each feature the catalog's meaning", () => {
    for (const [i, f] of FEATURE_CATALOG.entries()) expect(documented[i]!.doc, f.name).toBe(f.doc.replaceAll('|', '/'));
  });

  it('covers what the issue asks to be documented: history, lateness, amounts, open invoices, calendar, tenure and new-client fall-backs', () => {
    const groups = new Set(FEATURE_CATALOG.map((f) => f.group));
    expect([...groups].sort()).toEqual(['calendar', 'client amounts', 'client days-to-pay', 'client lateness', 'client open invoices', 'client relationship', 'invoice', 'priors']);
    for (const s of ['rolling-origin', 'quantile regression forest', 'P10–P90', 'calibration', 'probability forest', 'worker_threads', 'ai evaluate']) expect(card).toContain(s);
  });
});
