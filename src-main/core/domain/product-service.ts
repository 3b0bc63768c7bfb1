// Products and services (prodotti): validated create, list, and lookup by id or code. Prices are
// integer cents; VAT rates come from the Italian set.
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { ProductsTable } from '../db/schema';
import { InputError, NotFoundError } from '../errors';
import { VAT_RATES } from './invoice-totals';
import { parseInput } from './parse-input';

export type Product = Selectable<ProductsTable>;

export const vatRateSchema = z
  .number({ required_error: 'is required', invalid_type_error: 'expected a number' })
  .refine((v) => (VAT_RATES as readonly number[]).includes(v), (v) => ({ message: `must be one of ${VAT_RATES.join(', ')} (%), got ${v}` }));

export const productInputSchema = z
  .object({
    code: z
      .string({ required_error: 'is required', invalid_type_error: 'expected text' })
      .trim()
      .min(1, 'must not be empty')
      .max(50, 'at most 50 characters')
      .regex(/^[\p{L}\p{N}._/-]+$/u, 'letters, digits and . _ / - only (no spaces)'),
    description: z.string({ required_error: 'is required', invalid_type_error: 'expected text' }).trim().min(1, 'must not be empty').max(500, 'at most 500 characters'),
    unitPriceCents: z
      .number({ required_error: 'is required', invalid_type_error: 'expected an amount in cents' })
      .int('expected whole cents')
      .min(0, 'must not be negative')
      .max(1e11, 'is unreasonably large'),
    vatRate: vatRateSchema.default(22),
    unit: z.string({ invalid_type_error: 'expected text' }).trim().min(1, 'must not be empty').max(20, 'at most 20 characters').default('pz'),
    category: z
      .string({ invalid_type_error: 'expected text' })
      .trim()
      .max(100, 'at most 100 characters')
      .transform((s) => (s === '' ? null : s))
      .nullish(),
    isService: z.boolean({ invalid_type_error: 'expected true or false' }).default(false),
  })
  .strict();
export type ProductInput = z.input<typeof productInputSchema>;

export interface ProductListFilter {
  search?: string;
  limit?: number;
  offset?: number;
}

export class ProductService {
  constructor(private readonly sqlite: BetterSqlite3.Database) {}

  create(input: unknown): Product {
    const p = parseInput(productInputSchema, input, 'product');
    return this.sqlite.transaction(() => {
      const clash = this.sqlite.prepare('SELECT id FROM products WHERE code = ?').get(p.code) as { id: number } | undefined;
      if (clash) throw new InputError(`code: a product with code "${p.code}" already exists (id ${clash.id})`, 'code');
      const info = this.sqlite
        .prepare('INSERT INTO products (code, description, unit_price_cents, vat_rate, unit, category, is_service) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(p.code, p.description, p.unitPriceCents, p.vatRate, p.unit, p.category ?? null, p.isService ? 1 : 0);
      return this.get(Number(info.lastInsertRowid));
    }).immediate();
  }

  get(id: number): Product {
    const row = this.sqlite.prepare('SELECT * FROM products WHERE id = ?').get(id) as Product | undefined;
    if (!row) throw new NotFoundError(`product: no product with id ${id}`, 'product');
    return row;
  }

  /** By id or code (case-insensitive). */
  find(ref: string | number, field = 'product'): Product {
    const text = String(ref).trim();
    const byCode = this.sqlite.prepare('SELECT * FROM products WHERE code = ? COLLATE NOCASE').get(text) as Product | undefined;
    if (byCode) return byCode;
    if (/^\d{1,10}$/.test(text)) {
      const byId = this.sqlite.prepare('SELECT * FROM products WHERE id = ?').get(Number(text)) as Product | undefined;
      if (byId) return byId;
    }
    throw new NotFoundError(`${field}: no product with code or id "${text}"`, field);
  }

  list(filter: ProductListFilter = {}): Product[] {
    const q = filter.search?.trim();
    return this.sqlite
      .prepare(`SELECT * FROM products ${q ? 'WHERE code LIKE @q OR description LIKE @q OR category LIKE @q' : ''} ORDER BY code COLLATE NOCASE LIMIT @limit OFFSET @offset`)
      .all({ q: q ? `%${q}%` : null, limit: filter.limit ?? -1, offset: filter.offset ?? 0 }) as Product[];
  }
}
