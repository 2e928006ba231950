/**
 * `GET <prefix>/filters/check?kind=&filter=`: parses a search filter with the same parser the
 * searches use and answers 200 with `{valid}` or the error the search would give, so viewers
 * can show a typed filter's mistake without a failed request.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FilterCheckQuery, type FilterCheckReply, type FilterKind } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { parseFilter } from '../search/filterParser.js';
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
    try {
      parseFilter(req.query.filter, KINDS[req.query.kind]);
      return { valid: true };
    } catch (err) {
      if (err instanceof MlflowError) return { valid: false, error_code: err.code, message: err.message };
      throw err;
    }
  });
};
