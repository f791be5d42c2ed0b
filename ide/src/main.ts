// GraphiQL 5 with the docs explorer (built in), history and the query-builder explorer
// plugin, bundled by Vite so the page loads nothing from another host.
//
// Monaco's workers are bundled as files by Vite; `setup-workers/esm.sh` would
// fetch them from a CDN instead, so it must never be imported here.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './ide.css';

import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL, HISTORY_PLUGIN, type GraphiQLProps } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

import { createFetcher } from './fetcher.ts';

// The gateway serves this page at its GraphQL path, so the page posts back to
// the path it was loaded from (same origin, no query string).
const endpoint = window.location.pathname;

const props: GraphiQLProps = {
  fetcher: createFetcher(endpoint),
  // `plugins` replaces GraphiQL's default list, which is the history alone.
  plugins: [HISTORY_PLUGIN, explorerPlugin()],
  defaultQuery: '# Welcome to Switchyard. Write a query and press Ctrl+Enter.\n\n{\n  __typename\n}\n',
};

const container = document.getElementById('graphiql');
if (!container) throw new Error('index.html must contain <div id="graphiql">');
createRoot(container).render(createElement(GraphiQL, props));
