// Single-row writes for the mutation bindings: through the SQL write path
// (sqlWrites.ts) where it can express them, else through Prisma's client.
// Both send the same one statement and return every column of the row. A row
// that is not there rejects with RowNotFound (SQL path) or Prisma's P2025;
// errors/prismaErrors.ts maps both, and each path's constraint errors, to the
// same client errors.
import type { Db } from './client.ts';
import { delegate, type Row, type Where } from './batch.ts';
import { sqlWritesOf } from './sqlWrites.ts';

export function createRow(db: Db, model: string, data: Row): Promise<Row> {
  return sqlWritesOf(db)?.create(model, data) ?? delegate(db, model).create({ data });
}

/** `where` names the row by a unique key, with any further filters beside it. */
export function updateRow(db: Db, model: string, where: Where, data: Row): Promise<Row> {
  return sqlWritesOf(db)?.update(model, where, data) ?? delegate(db, model).update({ where, data });
}

export function deleteRow(db: Db, model: string, where: Where): Promise<Row> {
  return sqlWritesOf(db)?.delete(model, where) ?? delegate(db, model).delete({ where });
}
