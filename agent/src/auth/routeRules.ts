/**
 * What the route table is made of: who may call a route, and for a route that names a resource,
 * which resource (read from the request as MLflow's `_get_request_param` reads it: the query of a
 * GET, the body otherwise) and what it needs of it.
 */
import { proxiedTarget } from '../artifacts/artifactPath.js';
import type { Need } from './permissions.js';

/** The parts of a request a rule reads (after parsing and validation). */
export interface RequestParts {
  method: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  params: Record<string, string>;
}

/** One resource a request needs something of. */
export type Check =
  | { on: 'experiment'; id: string; need: Need }
  | { on: 'experimentName'; name: string; need: Need }
  | { on: 'run'; id: string; need: Need }
  | { on: 'model'; name: string; need: Need }
  | { on: 'loggedModel'; id: string; need: Need }
  /** Only an admin (an artifact path outside any run, a search over every experiment). */
  | { on: 'admin' };

/** Who may call a route. */
export type Rule =
  /** Anyone, signed in or not (health, the sign-in itself). */
  | { who: 'anyone' }
  /** Any signed-in user (creating an experiment, searches whose answers are filtered). */
  | { who: 'user' }
  /** Admins only. */
  | { who: 'admin' }
  /** The user named by the request's `username`, or an admin. */
  | { who: 'self' }
  /** The owner of the notebook session the route names (its first user), or an admin. */
  | { who: 'sessionOwner' }
  /** Whoever has what `checks` asks on each resource the request names (admins always do). */
  | { who: 'resource'; checks: (r: RequestParts) => Check[] };

/** A request parameter as MLflow reads it: the query of a GET (or HEAD), the body otherwise. */
export function param(r: RequestParts, name: string): unknown {
  return r.method === 'GET' || r.method === 'HEAD' ? r.query[name] : r.body[name];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Anyone. */
export const ANYONE: Rule = { who: 'anyone' };
/** Any signed-in user. */
export const USER: Rule = { who: 'user' };
/** Admins only. */
export const ADMIN: Rule = { who: 'admin' };
/** The user themself, or an admin. */
export const SELF: Rule = { who: 'self' };
/** The notebook session's owner, or an admin. */
export const SESSION_OWNER: Rule = { who: 'sessionOwner' };

function resource(checks: (r: RequestParts) => Check[]): Rule {
  return { who: 'resource', checks };
}

/**
 * The experiment named by `field` (default `experiment_id`). A request without one names no
 * experiment and is left to the route to refuse (it requires the field), except where `fallback`
 * says which one MLflow takes (runs/create: the Default experiment).
 */
export function experiment(need: Need, field = 'experiment_id', fallback?: string): Rule {
  return resource((r) => {
    const id = text(param(r, field)) ?? fallback;
    return id === undefined ? [] : [{ on: 'experiment', id, need }];
  });
}

/**
 * Every experiment of a list field (a search). An empty list means every experiment to the
 * store, which only an admin may search: others name theirs.
 */
export function experiments(need: Need, field = 'experiment_ids'): Rule {
  return resource((r) => {
    const ids = list(param(r, field));
    return ids.length === 0 ? [{ on: 'admin' }] : ids.map((id) => ({ on: 'experiment', id, need }));
  });
}

/** The experiment named by `experiment_name`. */
export function experimentByName(need: Need): Rule {
  return resource((r) => {
    const name = text(param(r, 'experiment_name'));
    return name === undefined ? [] : [{ on: 'experimentName', name, need }];
  });
}

/** The run named by `run_id` (or MLflow's older `run_uuid`): its experiment's permission. */
export function run(need: Need): Rule {
  return resource((r) => {
    const id = text(param(r, 'run_id')) ?? text(param(r, 'run_uuid'));
    return id === undefined ? [] : [{ on: 'run', id, need }];
  });
}

/** Every run of a list (`run_ids` in the query, or `runs[].run_id` in a body). */
export function runs(need: Need): Rule {
  return resource((r) => {
    const fromQuery = list(r.query.run_ids);
    const fromBody = Array.isArray(r.body.runs) ? r.body.runs.map((x) => text((x as { run_id?: unknown })?.run_id)).filter((x): x is string => !!x) : [];
    return [...fromQuery, ...fromBody].map((id) => ({ on: 'run', id, need }));
  });
}

/** The registered model named by `field` (default `name`). */
export function model(need: Need, field = 'name'): Rule {
  return resource((r) => {
    const name = text(param(r, field));
    return name === undefined ? [] : [{ on: 'model', name, need }];
  });
}

/** The logged model of the path's `:model_id`: its experiment's permission. */
export function loggedModel(need: Need): Rule {
  return resource((r) => {
    const id = text(r.params.model_id);
    return id === undefined ? [] : [{ on: 'loggedModel', id, need }];
  });
}

/**
 * A proxied artifact path (`<experiment>/<run>/artifacts/…` or `<experiment>/models/<id>/artifacts/…`),
 * from the path's wildcard or the `path` query: the run's (or logged model's) experiment, found
 * from the run itself, never from the path's experiment segment (which a client could forge).
 */
export function artifactPath(need: Need): Rule {
  return resource((r) => {
    const path = text(r.params['*']) ?? text(r.query.path) ?? '';
    let target;
    try {
      target = proxiedTarget(path);
    } catch {
      return []; // an unsafe path: the route refuses it
    }
    if (target.kind === 'run') return [{ on: 'run', id: target.runId, need }];
    if (target.kind === 'model') return [{ on: 'loggedModel', id: target.modelId, need }];
    return [{ on: 'admin' }];
  });
}

/** MLflow 3's unified grants: MANAGE on the resource of `resource_type`/`resource_id`. */
export function grantTarget(): Rule {
  return resource((r) => {
    const type = text(param(r, 'resource_type'));
    const id = text(param(r, 'resource_id'));
    if (id === undefined) return [];
    if (type === 'experiment') return [{ on: 'experiment', id, need: 'manage' }];
    if (type === 'registered_model') return [{ on: 'model', name: id, need: 'manage' }];
    return [];
  });
}
