/**
 * Where the home page goes: the experiment whose newest run started last — the one the user
 * most likely wants to see.
 */
import type { Queries } from '@lablog/client';

/**
 * The id of the experiment holding the most recently started run, or null when no experiment
 * has any run.
 * @throws RequestError when the agent cannot be read
 */
export async function latestExperimentWithRuns(query: Queries): Promise<string | null> {
  const experiments = await query.searchExperiments();
  if (experiments.items.length === 0) return null;
  const newest = await query.searchRuns({
    experimentIds: experiments.items.map((e) => e.experiment_id),
    orderBy: ['attributes.start_time DESC'],
    maxResults: 1,
  });
  return newest.items[0]?.info.experiment_id ?? null;
}
