// The scaffold's output must pass binding validation as printed, for every
// model: a newcomer pastes it and the server starts.
import { describe, expect, it } from 'vitest';
import { scaffoldModelSdl } from '../../../src/bindings/scaffoldModelSdl.ts';
import { createSchema } from '../../../src/graphql/createSchema.ts';
import { loadDataModel } from '../../../src/sources/prisma/datamodel.ts';

const datamodel = loadDataModel();

describe('scaffoldModelSdl', () => {
  it.each(datamodel.models.map((m) => m.name))('prints SDL for %s that validates on its own', (name) => {
    const sdl = scaffoldModelSdl(datamodel, name).replace(/^extend type (Query|Mutation)/gm, 'type $1');
    const { schema, plan } = createSchema({ sdl, datamodel, resolvers: {} });
    expect(plan.models.get(name)?.name).toBe(name);
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual([
      `create${name}`,
      `update${name}`,
      `delete${name}`,
    ]);
  });

  it('names the models that exist when asked for one that does not', () => {
    expect(() => scaffoldModelSdl(datamodel, 'Boook')).toThrow(
      'No model "Boook"; models: Author, Book, Customer, Review, Order, OrderLine',
    );
  });
});
