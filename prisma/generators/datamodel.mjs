#!/usr/bin/env node
// Prisma generator: writes the data model facts that binding validation needs
// (lists, required, ids, unique keys, relation keys) and the SQL write path
// (defaults, @updatedAt, native types) need, as compact JSON. The
// generated client's own runtime data model omits them, and reading the full
// DMMF at startup would mean shipping the schema parser in the gateway.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import generatorHelper from '@prisma/generator-helper';

const { generatorHandler } = generatorHelper; // a CommonJS package

generatorHandler({
  onManifest: () => ({ prettyName: 'Switchyard data model', defaultOutput: './datamodel.json' }),
  onGenerate: async ({ dmmf, generator, datasources }) => {
    const out = generator.output?.value;
    if (!out) throw new Error('datamodel generator: output is required');
    const models = dmmf.datamodel.models.map((m) => ({
      name: m.name,
      dbName: m.dbName ?? null,
      // Single-field unique keys, including the primary key: usable by @find.
      uniqueFields: [
        ...m.fields.filter((f) => f.isId || f.isUnique).map((f) => f.name),
        ...m.uniqueIndexes.filter((u) => u.fields.length === 1).map((u) => u.fields[0]),
      ],
      idField: m.fields.find((f) => f.isId)?.name ?? null,
      fields: m.fields.map((f) => ({
        name: f.name,
        dbName: f.dbName ?? null,
        kind: f.kind,
        type: f.type,
        isList: f.isList,
        isRequired: f.isRequired,
        isId: f.isId,
        hasDefault: f.hasDefaultValue || f.isUpdatedAt,
        // What the SQL write path must supply as Prisma would: a literal, or a
        // function ({ name: 'now' | 'autoincrement' | 'uuid' | …, args }).
        default: f.hasDefaultValue ? (f.default ?? null) : null,
        isUpdatedAt: f.isUpdatedAt ?? false,
        // @db.* types: the driver adapter formats some values by them (Date, Time).
        nativeType: f.nativeType ?? null,
        relationName: f.relationName ?? null,
        relationFromFields: f.relationFromFields ?? [],
        relationToFields: f.relationToFields ?? [],
      })),
    }));
    const enums = dmmf.datamodel.enums.map((e) => ({ name: e.name, values: e.values.map((v) => v.name) }));
    // With relationMode = "prisma" the database holds no foreign keys, so a
    // relation's key may point nowhere; bindings then read the row to know.
    // The generator options carry the datasource's file, not its settings.
    const datasource = datasources[0]?.sourceFilePath;
    const relationMode =
      datasource && /^\s*relationMode\s*=\s*"prisma"/m.test(readFileSync(datasource, 'utf8'))
        ? 'prisma'
        : 'foreignKeys';
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ relationMode, models, enums }, null, 2) + '\n');
  },
});
