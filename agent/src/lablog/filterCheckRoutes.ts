/**
 * `GET <prefix>/filters/check?kind=&filter=`: parses a search filter with the same parser the
 * searches use and answers 200 with `{valid, filter}` (plain words become a name search) or the
 * error the search would give, so viewers can show a typed filter's mistake without a failed
 * request (search/filterHelp).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FilterCheckQuery, type FilterCheckReply, type FilterKind } from '@lablog/schema';
import { checkViewerFilter } from '../search/filterHelp.js';
import type { SearchKind } from '../search/identifiers.js';

const KINDS: Record<FilterKind, SearchKind> = {
  runs: 'run',
  experiments: 'experiment',
  registered_models: 'registered_model',
  model_versions: 'model_version',
};

/** Registers the filter check. */
export const filterCheckRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/filters/check', { schema: { querystring: FilterCheckQuery } }, async (req): Promise<FilterCheckReply> => {
    return checkViewerFilter(req.query.filter, KINDS[req.query.kind]);
  });
};
