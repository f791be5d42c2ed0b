// Operation limits: how deep, wide and long a document may be and what it may
// cost, all checked before anything runs (docs/security.md).
//
// - depth, aliases, directives: graphql-armor's validation rules, each
//   rejection reported as a GatewayError with a code of its own (formatError
//   keeps that code where Apollo would say GRAPHQL_VALIDATION_FAILED);
// - tokens: graphql-js's own parser limit, so the document is parsed once
//   (armor's token plugin parses it a second time);
// - cost and page sizes: ./plugins/queryCost.ts, since armor's cost limit
//   knows neither `first`/`last` nor variables.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ParseOptions, ValidationContext, ValidationRule } from 'graphql';
import type { Config } from '../config.ts';
import { ErrorCode } from '../errors/codes.ts';
import { GatewayError } from '../errors/GatewayError.ts';
import { ApolloServerPluginQueryCost } from './plugins/queryCost.ts';

export interface OperationLimitOptions {
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  plugins: ApolloServerPlugin[];
}

// armor's callback for a refused document: our code, without armor's misleading "Syntax Error: " prefix.
function refuse(code: ErrorCode, limit: number) {
  return [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GatewayError(code, error.message.replace(/^Syntax Error: /, ''), { limit })),
  ];
}

// One armor protection: off at 0, else reported through `refuse` instead of thrown.
function armorLimit(n: number, code: ErrorCode) {
  return { enabled: n > 0, n, propagateOnRejection: false, onReject: refuse(code, n) };
}

export function operationLimits(config: Config): OperationLimitOptions {
  const { limits } = config;
  const armor = new ApolloArmor({
    maxDepth: { ...armorLimit(limits.depth, ErrorCode.DEPTH_LIMIT_EXCEEDED), ignoreIntrospection: true },
    maxAliases: armorLimit(limits.aliases, ErrorCode.ALIAS_LIMIT_EXCEEDED),
    maxDirectives: armorLimit(limits.directives, ErrorCode.DIRECTIVE_LIMIT_EXCEEDED),
    // Done elsewhere, see above; suggestions are removed in formatError, which sees every error.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: armor.validationRules,
    parseOptions: limits.tokens > 0 ? { maxLexicalTokens: limits.tokens } : {},
    plugins: [
      ApolloServerPluginQueryCost({
        maxCost: limits.cost,
        defaultPageSize: config.defaultPageSize,
        maxPageSize: config.maxPageSize,
      }),
    ],
  };
}
