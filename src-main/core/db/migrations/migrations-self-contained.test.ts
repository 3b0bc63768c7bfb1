// A migration never imports application code: what it does to a database must not change when a
// service, a schema or a helper changes later. Each migration file may import only kysely, the
// better-sqlite3 types and this folder's types.ts; anything else it needs is copied into it, frozen.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './index';

const here = path.dirname(fileURLToPath(import.meta.url));

interface ModuleImport {
  specifier: string;
  typeOnly: boolean;
}

/** Every module a source file imports: static, re-exports, `import()`, `require()` and `import('x')` types. */
function importsOf(fileName: string, source: string): ModuleImport[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: ModuleImport[] = [];
  const literal = (n: ts.Node | undefined) => (n && ts.isStringLiteralLike(n) ? n.text : null);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const allTypes = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: literal(node.moduleSpecifier) ?? '?', typeOnly: allTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      found.push({ specifier: literal(node.moduleSpecifier) ?? '?', typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      found.push({ specifier: literal(node.moduleReference.expression) ?? '?', typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push({ specifier: literal(node.arguments[0]) ?? '(computed)', typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push({ specifier: literal(node.argument.literal) ?? '?', typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Why an import is not allowed in a migration, or null when it is. */
function forbiddenInMigration(imp: ModuleImport): string | null {
  if (imp.specifier === 'kysely' || imp.specifier === './types') return null;
  if (imp.specifier === 'better-sqlite3') return imp.typeOnly ? null : 'better-sqlite3 is allowed as types only (the runner passes the connection)';
  return imp.specifier.startsWith('.') ? 'application code: copy what the migration needs into it, frozen' : 'a package other than kysely and the better-sqlite3 types';
}

const migrationFiles = fs
  .readdirSync(here)
  .filter((f) => /^\d{4}-.+\.ts$/.test(f) && !/\.test\.ts$/.test(f))
  .sort();

describe('migrations are self-contained', () => {
  it('scans every migration the runner applies', () => {
    expect(migrationFiles.map((f) => f.replace(/\.ts$/, ''))).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it.each(migrationFiles)('%s imports no application code', (file) => {
    const problems = importsOf(file, fs.readFileSync(path.join(here, file), 'utf8'))
      .map((imp) => ({ imp, why: forbiddenInMigration(imp) }))
      .filter((p) => p.why)
      .map((p) => `${file} imports "${p.imp.specifier}": ${p.why}`);
    expect(problems).toEqual([]);
  });

  it('types.ts, shared by the migrations, imports only the better-sqlite3 types', () => {
    const imports = importsOf('types.ts', fs.readFileSync(path.join(here, 'types.ts'), 'utf8'));
    expect(imports.filter((imp) => forbiddenInMigration(imp) !== null || imp.specifier === './types')).toEqual([]);
  });

  it('catches every way of importing application code', () => {
    const source = [
      "import type { Migration } from './types';",
      "import type BetterSqlite3 from 'better-sqlite3';",
      "import { sql } from 'kysely';",
      "import { normalizeText } from '../../feedback/normalize-text';",
      "export { x } from '../schema';",
      "import Database from 'better-sqlite3';",
      "const lazy = () => import('../../money');",
      "const req = require('zod');",
      'type T = import("../../dates").Day;',
    ].join('\n');
    const rejected = importsOf('fixture.ts', source)
      .filter((imp) => forbiddenInMigration(imp))
      .map((imp) => imp.specifier);
    expect(rejected).toEqual(['../../feedback/normalize-text', '../schema', 'better-sqlite3', '../../money', 'zod', '../../dates']);
  });
});
