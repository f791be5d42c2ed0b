// Whether a GraphQL type can carry a model column's values, in either
// direction: what the database returns must serialize, what a client sends
// must be storable.
import { getNamedType, isEnumType, isListType, isNonNullType, type GraphQLType } from 'graphql';
import type { ModelField } from '../sources/prisma/datamodel.ts';

const compatible: Record<string, string[]> = {
  ID: ['Int', 'BigInt', 'String'],
  Int: ['Int'],
  Float: ['Float', 'Decimal', 'Int'],
  String: ['String'],
  Boolean: ['Boolean'],
  DateTime: ['DateTime'],
};

/** A message describing the mismatch, or undefined when the types fit. */
export function checkScalarType(
  type: GraphQLType,
  field: ModelField,
  direction: 'output' | 'input',
): string | undefined {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner) !== field.isList) {
    return `column "${field.name}" is ${field.isList ? 'a list' : 'not a list'}, found ${String(type)}`;
  }
  const named = getNamedType(type);
  if (field.kind === 'enum') {
    if (!isEnumType(named) || named.name !== field.type)
      return `column "${field.name}" is the enum ${field.type}, found ${String(type)}`;
  } else if (!(compatible[named.name] ?? []).includes(field.type)) {
    const fits = Object.entries(compatible)
      .filter(([, types]) => types.includes(field.type))
      .map(([g]) => g);
    return `column "${field.name}" is ${field.type} (fits ${fits.join(' or ') || 'no GraphQL scalar'}), found ${String(type)}`;
  }
  if (direction === 'output' && isNonNullType(type) && !field.isRequired) {
    return `column "${field.name}" is optional, so the field must be nullable: ${String(type.ofType)}`;
  }
  return undefined;
}
