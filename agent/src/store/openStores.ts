/**
 * Chooses the tracking engine from the store URI, as MLflow picks a store by scheme: a folder
 * (the embedded default) or `postgresql://…` (a team server, several agents on one database).
 * The registry, logged models, artifacts and notebook sessions stay in a folder store either way
 * (with PostgreSQL, the folder named by `filesDir`).
 */
import { FileStore } from './FileStore.js';
import { FileTrackingStore } from './FileTrackingStore.js';
import type { TrackingStore } from './TrackingStore.js';

/** The stores an agent serves from. */
export interface OpenStores {
  tracking: TrackingStore;
  files: FileStore;
}

/** True when `uri` names a PostgreSQL database rather than a folder. */
export function isPostgresUri(uri: string): boolean {
  return /^postgres(ql)?:\/\//i.test(uri);
}

/**
 * Opens the stores named by `uri`.
 * @param filesDir the folder of the registry, logged models and artifacts when `uri` is a database
 * @throws MlflowError(INVALID_STATE) when another agent holds the folder; the database's errors as they come
 */
export async function openStores(uri: string, filesDir: string): Promise<OpenStores> {
  if (!isPostgresUri(uri)) {
    const files = await FileStore.open(uri);
    return { tracking: new FileTrackingStore(files), files };
  }
  const { PgTrackingStore } = await import('./pg/PgTrackingStore.js');
  const files = await FileStore.open(filesDir);
  try {
    const tracking = await PgTrackingStore.open(uri);
    files.followRuns(await tracking.runLookup());
    // what the folder store commits (artifacts, the registry) joins the database's feed, for every agent's viewers
    files.feed.subscribe(({ event }) => {
      if (event.type === 'artifact' || event.type === 'registry') void tracking.announce(event).catch(() => undefined);
    });
    return { tracking, files };
  } catch (err) {
    await files.close();
    throw err;
  }
}
