/**
 * What the client learns about its runs from the server: the id the server gave a run (a
 * plain MLflow server picks its own; a lablog agent takes the client's), its experiment and
 * artifact URI, and whether its creation failed for good (then its later operations are
 * dropped with one error each instead of being refused one by one).
 */

interface RunFacts {
  remoteId?: string;
  experimentId?: string;
  artifactUri?: string;
  failed?: string;
}

/** Facts about the runs of one client. */
export class RunDirectory {
  private readonly runs = new Map<string, RunFacts>();

  private facts(run: string): RunFacts {
    let f = this.runs.get(run);
    if (!f) this.runs.set(run, (f = {}));
    return f;
  }

  /** Records a created run. */
  created(run: string, remoteId: string, experimentId: string, artifactUri: string): void {
    Object.assign(this.facts(run), { remoteId, experimentId, artifactUri });
  }

  /** Records that a run could not be created, and why. */
  fail(run: string, reason: string): void {
    this.facts(run).failed = reason;
  }

  /** Why the run could not be created, or undefined. */
  failure(run: string): string | undefined {
    return this.runs.get(run)?.failed;
  }

  /** The server's id of a run (the client's own unless a plain MLflow server chose another). */
  remoteId(run: string): string {
    return this.runs.get(run)?.remoteId ?? run;
  }

  /** The experiment of a run, once known. */
  experimentId(run: string): string | undefined {
    return this.runs.get(run)?.experimentId;
  }

  /** The artifact URI of a run, once known. */
  artifactUri(run: string): string | undefined {
    return this.runs.get(run)?.artifactUri;
  }

  /** Records a run's artifact URI (read back from the server). */
  setArtifactUri(run: string, uri: string, experimentId: string): void {
    Object.assign(this.facts(run), { artifactUri: uri, experimentId });
  }
}
