// products: the catalogue (code, description, unit price in cents, VAT rate, unit, category).
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { ProductsTable } from '../db/schema';
import { placeholders, qb, SqlRunner, template } from '../db/sql-runner';

export type Product = Selectable<ProductsTable>;
export type NewProduct = Required<Pick<Insertable<ProductsTable>, 'code' | 'description' | 'unit_price_cents' | 'vat_rate' | 'unit' | 'category' | 'is_service'>>;

const NEW_COLUMNS = ['code', 'description', 'unit_price_cents', 'vat_rate', 'unit', 'category', 'is_service'] as const;

const Q = {
  byId: template((p: { id: number }) => qb.selectFrom('products').selectAll().where('id', '=', p.id)),
  byCode: template((p: { code: string }) => qb.selectFrom('products').selectAll().where('code', '=', p.code)),
  byCodeNoCase: template((p: { code: string }) => qb.selectFrom('products').selectAll().where(sql<boolean>`code = ${p.code} COLLATE NOCASE`)),
  insert: template((p: NewProduct) => qb.insertInto('products').values(placeholders(p, NEW_COLUMNS))),
};

export class ProductRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  byId(id: number): Product | undefined {
    return this.sql.first(Q.byId, { id });
  }

  byCode(code: string, options: { ignoreCase?: boolean } = {}): Product | undefined {
    return this.sql.first(options.ignoreCase ? Q.byCodeNoCase : Q.byCode, { code });
  }

  insert(row: NewProduct): number {
    return this.sql.run(Q.insert, row).lastInsertRowid;
  }

  /** Products by code (case-insensitive), optionally matching `search` in code, description or category; a page when limit is given. */
  list(filter: { search?: string; limit?: number; offset?: number }): Product[] {
    return this.sql.all(this.filtered(filter.search).selectAll().orderBy(sql`code COLLATE NOCASE`).limit(filter.limit ?? -1).offset(filter.offset ?? 0));
  }

  count(search?: string): number {
    return this.sql.first(this.filtered(search).select((eb) => eb.fn.countAll<number>().as('n')))!.n;
  }

  private filtered(search: string | undefined) {
    const q = qb.selectFrom('products');
    if (!search) return q;
    const like = `%${search}%`;
    return q.where((eb) => eb.or([eb('code', 'like', like), eb('description', 'like', like), eb('category', 'like', like)]));
  }
}
