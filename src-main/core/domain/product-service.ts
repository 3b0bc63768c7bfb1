// Products and services (prodotti): validated create, list, and lookup by id or code. Prices are
// integer cents; VAT rates come from the Italian set.
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { SqlRunner } from '../db/sql-runner';
import { InputError, NotFoundError } from '../errors';
import { VAT_RATES } from './invoice-totals';
import { parseInput } from './parse-input';
import { ProductRepository, type Product } from './product-repository';

export type { Product } from './product-repository';

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
  private readonly sql: SqlRunner;
  private readonly products: ProductRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
    this.products = new ProductRepository(connection);
  }

  create(input: unknown): Product {
    const p = parseInput(productInputSchema, input, 'product');
    return this.sql.transaction(() => {
      const clash = this.products.byCode(p.code);
      if (clash) throw new InputError(`code: a product with code "${p.code}" already exists (id ${clash.id})`, 'code');
      const id = this.products.insert({
        code: p.code,
        description: p.description,
        unit_price_cents: p.unitPriceCents,
        vat_rate: p.vatRate,
        unit: p.unit,
        category: p.category ?? null,
        is_service: p.isService ? 1 : 0,
      });
      return this.get(id);
    }, 'immediate');
  }

  get(id: number): Product {
    const row = this.products.byId(id);
    if (!row) throw new NotFoundError(`product: no product with id ${id}`, 'product');
    return row;
  }

  /** By id or code (case-insensitive). */
  find(ref: string | number, field = 'product'): Product {
    const text = String(ref).trim();
    const byCode = this.products.byCode(text, { ignoreCase: true });
    if (byCode) return byCode;
    if (/^\d{1,10}$/.test(text)) {
      const byId = this.products.byId(Number(text));
      if (byId) return byId;
    }
    throw new NotFoundError(`${field}: no product with code or id "${text}"`, field);
  }

  list(filter: ProductListFilter = {}): Product[] {
    return this.products.list({ search: filter.search?.trim() || undefined, limit: filter.limit, offset: filter.offset });
  }

  /** A page of products and how many match in all (the Data page). */
  page(filter: { search?: string; limit: number; offset: number }): { items: Product[]; total: number } {
    const search = filter.search?.trim() || undefined;
    const items = this.products.list({ search, limit: filter.limit, offset: filter.offset });
    const total = filter.offset === 0 && items.length < filter.limit ? items.length : this.products.count(search);
    return { items, total };
  }
}
