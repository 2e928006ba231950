/**
 * The session endpoints the JupyterLab extension calls, under `/api/2.0/lablog`:
 *   PUT  /sessions/<id>             register (or update) a session → its tracking URI
 *   GET  /sessions/<id>             the session and its runs
 *   PUT  /sessions/<id>/notebook    the notebook as it is in the editor (nbformat 4)
 *   POST /sessions/<id>/executions  cells that finished running
 *   POST /sessions/<id>/outputs     the images and console text of a cell that finished running
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LogCellOutputs, LogExecutions, NOTEBOOK_PREFIX, NotebookSnapshot, RegisterSession, SessionParams, type LogCellOutputsReply, type LogExecutionsReply, type NotebookSession, type RegisterSessionReply } from '@lablog/schema';
import { invalidParameter, notFound } from '../errors.js';
import type { NotebookRuns } from './NotebookRuns.js';
import type { Session } from './SessionBook.js';

/** Registers the session endpoints. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ notebooks: NotebookRuns }> = async (app, { notebooks }) => {
  const sessions = notebooks.sessions;

  const registered = async (id: string): Promise<Session> => {
    const session = await sessions.find(id);
    if (!session) throw notFound(`No notebook session '${id}': register it first (PUT /api/2.0/lablog/sessions/${id}).`);
    return session;
  };

  app.put('/sessions/:session', { schema: { params: SessionParams, body: RegisterSession } }, async (req): Promise<RegisterSessionReply> => {
    const id = req.params.session;
    await sessions.register(id, req.body, Date.now());
    // the URI the kernel can reach the agent at is the one the extension just used
    return { session_id: id, tracking_uri: `${req.protocol}://${req.host}${NOTEBOOK_PREFIX}/${id}` };
  });

  app.get('/sessions/:session', { schema: { params: SessionParams } }, async (req): Promise<NotebookSession> => (await registered(req.params.session)).toWire());

  app.put('/sessions/:session/notebook', { schema: { params: SessionParams, body: NotebookSnapshot } }, async (req) => {
    await notebooks.snapshot(await registered(req.params.session), req.body);
    return {};
  });

  app.post('/sessions/:session/executions', { schema: { params: SessionParams, body: LogExecutions } }, async (req): Promise<LogExecutionsReply> => {
    const { cells } = req.body;
    cells.forEach((c, i) => {
      if (c.ended < c.started) throw invalidParameter(`Invalid value for parameter 'cells[${i}].ended' supplied: it is before 'started'.`);
    });
    return { run_ids: await notebooks.executions(await registered(req.params.session), cells) };
  });

  app.post('/sessions/:session/outputs', { schema: { params: SessionParams, body: LogCellOutputs } }, async (req): Promise<LogCellOutputsReply> => {
    if (req.body.ended < req.body.started) throw invalidParameter("Invalid value for parameter 'ended' supplied: it is before 'started'.");
    return notebooks.outputs(await registered(req.params.session), req.body);
  });
};
