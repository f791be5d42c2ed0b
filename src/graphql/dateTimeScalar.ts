// DateTime as graphql-scalars defines it (RFC 3339 in and out), serialized
// to its string here rather than left a Date. graphql-scalars' serialize
// returns the Date itself, so JSON.stringify converted every one through
// Date.prototype.toJSON on its slow path: 1000 timestamps cost 0.6 ms of a
// 3.9 ms request (W6), against 0.3 ms for toISOString. The text sent is the
// same: toJSON is toISOString for every valid Date, the only kind
// graphql-scalars lets through.
import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';

export const dateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTime.toConfig(),
  serialize: (value) => (GraphQLDateTime.serialize(value) as Date).toISOString(),
});
