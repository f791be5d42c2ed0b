// Hand-written resolvers: the escape hatch for fields marked @resolver in
// schema.graphql. Typed by GraphQL Code Generator (npm run codegen).
import type { Resolvers } from '../graphql/resolvers-types.generated.ts';
import { placeOrder } from './placeOrder.ts';
import { price } from './price.ts';

export const resolvers = {
  Book: { price },
  Mutation: { placeOrder },
} satisfies Resolvers;
