/**
 * Chooses the engines from the store URI, as MLflow picks a store by scheme: a folder (the
 * embedded default) or `postgresql://…` (a team server, several agents on one database). The
 * tracking store, the model registry and the logged models are all the chosen engine's; artifact
 * files and notebook sessions stay in a folder store either way (with PostgreSQL, the folder
 * named by `filesDir`).
 */
import { FileLoggedModels } from '../loggedModels/FileLoggedModels.js';
import type { LoggedModelStore } from '../loggedModels/LoggedModelStore.js';
import { FileModelRegistry } from '../registry/FileModelRegistry.js';
import type { ModelRegistryStore } from '../registry/ModelRegistryStore.js';
import { FileStore } from './FileStore.js';
import { FileTrackingStore } from './FileTrackingStore.js';
import type { TrackingStore } from './TrackingStore.js';

/** The stores an agent serves from. */
export interface OpenStores {
  tracking: TrackingStore;
  registry: ModelRegistryStore;
  loggedModels: LoggedModelStore;
  /** The folder of artifact files and notebook sessions (and, on the file engine, of everything). */
  files: FileStore;
  /** Waits for commits under way and releases every store. Idempotent. */
  close(): Promise<void>;
}

/** True when `uri` names a PostgreSQL database rather than a folder. */
export function isPostgresUri(uri: string): boolean {
  return /^postgres(ql)?:\/\//i.test(uri);
}

/**
 * Opens the stores named by `uri`.
 * @param filesDir the folder of artifacts and notebook sessions when `uri` is a database
 * @throws MlflowError(INVALID_STATE) when another agent holds the folder; the database's errors as they come
 */
export async function openStores(uri: string, filesDir: string): Promise<OpenStores> {
  if (!isPostgresUri(uri)) {
    const files = await FileStore.open(uri);
    const tracking = new FileTrackingStore(files);
    const registry = new FileModelRegistry(files.registry, files.loggedModels);
    const listed = await registry.completeLineage().catch(async (err: unknown) => {
      await tracking.close();
      throw err;
    });
    if (listed > 0) console.error(`lablog: listed ${listed} model versions in their logged models' mlflow.modelVersions tags (left out by an interrupted registration)`);
    let closing: Promise<void> | undefined;
    return {
      tracking,
      registry,
      loggedModels: new FileLoggedModels(files.loggedModels, tracking),
      files,
      close: () => (closing ??= tracking.close()),
    };
  }
  const { PgTrackingStore } = await import('./pg/PgTrackingStore.js');
  const { PgModelStores } = await import('./pg/PgModelStores.js');
  const { moveFolderModels } = await import('./pg/folderModelsMove.js');
  const files = await FileStore.open(filesDir);
  try {
    const tracking = await PgTrackingStore.open(uri);
    const models = await PgModelStores.open(tracking).catch(async (err: unknown) => {
      await tracking.close();
      throw err;
    });
    const moved = await moveFolderModels(tracking.pool, { dir: files.dir, models: files.registry.models(), loggedModels: files.loggedModels.all() }).catch(async (err: unknown) => {
      await tracking.close();
      throw err;
    });
    if (moved) {
      console.error(`lablog: moved the registry and logged models of ${filesDir} into the database: ${moved.models} models, ${moved.versions} versions, ${moved.loggedModels} logged models`);
      for (const line of moved.left) console.error(`lablog:   left in the folder: ${line}`);
    }
    files.followRuns(await tracking.runLookup());
    // what the folder store commits (artifact files) joins the database's feed, for every agent's viewers
    files.feed.subscribe(({ event }) => {
      if (event.type === 'artifact') void tracking.announce(event).catch(() => undefined);
    });
    let closing: Promise<void> | undefined;
    return {
      tracking,
      registry: models.registry,
      loggedModels: models.loggedModels,
      files,
      close: () =>
        (closing ??= (async () => {
          await tracking.close();
          await files.close();
        })()),
    };
  } catch (err) {
    await files.close();
    throw err;
  }
}
