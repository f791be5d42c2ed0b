// What Apollo Server needs to be safe by default (docs/security.md): the
// operation limits, persisted operations (APQ in a bounded cache, or only the
// trusted documents of a manifest), and no batching. Spread into the
// ApolloServer options by server.ts; its plugins go first, so a refused
// request costs no other plugin any work.
import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { Config } from '../config.ts';
import { operationLimits } from './operationLimits.ts';
import { ApolloServerPluginTrustedDocuments, loadTrustedDocuments } from './plugins/trustedDocuments.ts';

type SecurityOptions = Pick<
  ApolloServerOptions<BaseContext>,
  'validationRules' | 'parseOptions' | 'persistedQueries' | 'allowBatchedHttpRequests' | 'maxRecursiveSelections'
>;

export function apolloSecurity(config: Config): { options: SecurityOptions; plugins: ApolloServerPlugin[] } {
  const limits = operationLimits(config);
  const trusted = config.trustedDocumentsPath ? loadTrustedDocuments(config.trustedDocumentsPath) : undefined;
  return {
    options: {
      validationRules: limits.validationRules,
      parseOptions: limits.parseOptions,
      // With a manifest, it is the only store of documents: nothing a client sends is registered.
      persistedQueries:
        !trusted && config.apqCacheBytes > 0
          ? { cache: new InMemoryLRUCache({ maxSize: config.apqCacheBytes }) }
          : false,
      allowBatchedHttpRequests: false,
      // Apollo's guard against fragments that multiply into millions of selections during validation.
      maxRecursiveSelections: true,
    },
    plugins: [...(trusted ? [ApolloServerPluginTrustedDocuments(trusted)] : []), ...limits.plugins],
  };
}
