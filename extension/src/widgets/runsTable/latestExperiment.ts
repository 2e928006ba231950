/**
 * Where the home page goes: the experiment whose newest run started last — the one the user
 * most likely wants to see; while there is no run anywhere, it keeps looking, so the first
 * run logged takes the page to its experiment.
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

/** How often the home page looks again for a first run (ms). */
const HOME_POLL = 3000;

/** Looks for `latestExperimentWithRuns` until there is one, or until disposed. */
export class LatestExperimentWait {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  /**
   * Starts looking at once.
   * @param found called once with the experiment to show
   * @param none called after each look that found none: with why the agent could not be read, or null
   */
  constructor(
    private readonly query: Queries,
    private readonly found: (experimentId: string) => void,
    private readonly none: (failure: string | null) => void,
  ) {
    void this.look();
  }

  private async look(): Promise<void> {
    this.timer = null;
    let target: string | null = null;
    let failure: string | null = null;
    try {
      target = await latestExperimentWithRuns(this.query);
    } catch (err) {
      failure = (err as Error).message;
    }
    if (this.stopped) return;
    if (target !== null) return this.found(target);
    this.none(failure);
    this.timer = setTimeout(() => void this.look(), HOME_POLL);
  }

  /** Stops looking. */
  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
