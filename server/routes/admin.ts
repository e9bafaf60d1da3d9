import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { SessionId } from '../../machines/chat-service.ts';
import {
  SEASON_MONTHS,
  type RegistrationStore,
  type StoredRegistration,
} from '../../tools/registrations/registrations.ts';
import type { SnapshotStore } from '../../tools/snapshots/port.ts';
import type { UploadStatusStore } from '../../tools/upload-status/upload-status.ts';
import type { AgentModeSetting } from '../agent-mode.ts';
import { HttpError, parseOr400 } from '../http-errors.ts';
import { requireBodyType } from '../http.ts';
import type { Log } from '../log.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Bearer ADMIN_TOKEN, compared in constant time; with no token set, admin is switched off. */
export function requireAdmin(token: string | null): Middleware {
  const expected = token === null ? null : digest(token);
  return async (ctx, next) => {
    if (!expected) {
      throw new HttpError(
        403,
        'admin_disabled',
        'Admin routes are disabled until ADMIN_TOKEN is set',
      );
    }
    const given = /^Bearer +(\S+)\s*$/i.exec(ctx.get('Authorization'))?.[1] ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', 'A valid admin bearer token is needed');
    }
    await next();
  };
}

const ClearBody = z.object({ session_id: SessionId });
const ModeBody = z.object({ mode: z.enum(['local', 'mcp']) });
const RegistrationParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,150}$/) });
const PaymentsQuery = z.object({
  status: z.enum(['unpaid', 'suspended', 'active', 'all']).default('unpaid'),
});
const PAYMENT_STATUSES = {
  unpaid: ['pending_payment', 'incomplete'],
  suspended: ['suspended'],
  active: ['active'],
  all: ['pending_payment', 'incomplete', 'active', 'suspended'],
} as const;

/** A registration's payment state at a glance, from its record. */
function paymentState({ id, fields }: StoredRegistration) {
  const months = Object.fromEntries(
    SEASON_MONTHS.map((month) => [month, fields[`${month}_subscription_payment_status`] ?? null]),
  );
  return {
    id,
    player: `${fields.player_first_name} ${fields.player_last_name}`,
    team: fields.team,
    registration_status: fields.registration_status,
    signing_on_fee_paid: fields.signing_on_fee_paid,
    mandate_authorised: fields.mandate_authorised,
    subscription_status: fields.subscription_status ?? null,
    subscription_id: fields.ongoing_subscription_id ?? null,
    subscription_start_date: fields.subscription_start_date ?? null,
    subscription_error: fields.subscription_error ?? null,
    monthly_amount: fields.monthly_subscription_amount,
    reminders: fields.payment_follow_up_count,
    saved_at: fields.initial_db_write_timestamp,
    months,
  };
}

export type AdminRouterDeps = {
  adminToken: string | null;
  snapshots: SnapshotStore;
  statuses: UploadStatusStore;
  registrations: RegistrationStore;
  agentMode: AgentModeSetting;
  log: Log;
};

/** Club-volunteer and developer tools, behind the admin token. */
export function adminRouter(deps: AdminRouterDeps) {
  const { snapshots, statuses, registrations, agentMode, log } = deps;
  const router = new Router();
  const admin = requireAdmin(deps.adminToken);

  router.post('/clear', admin, async (ctx) => {
    requireBodyType(ctx, 'json');
    const { session_id: sessionId } = parseOr400(ClearBody, ctx.request.body);
    const key = { machine: 'session', id: sessionId };
    const held = await snapshots.acquire(key);
    try {
      await snapshots.delete(key);
    } finally {
      await held.release();
    }
    await statuses.delete(sessionId);
    log('admin.session_cleared', { sessionId });
    ctx.body = { cleared: true, session_id: sessionId };
  });

  router.get('/agent/status', admin, async (ctx) => {
    const mcp = agentMode.mcpConfigured;
    ctx.body = {
      mode: await agentMode.get(),
      available_modes: mcp ? ['local', 'mcp'] : ['local'],
      model: agentMode.model?.name ?? null,
      usage: agentMode.model?.usage ?? null,
    };
  });

  router.post('/agent/mode', admin, async (ctx) => {
    requireBodyType(ctx, 'json');
    const { mode } = parseOr400(ModeBody, ctx.request.body);
    if (!(await agentMode.set(mode))) {
      throw new HttpError(
        400,
        'mcp_not_configured',
        'MCP mode needs an MCP server; none is configured',
      );
    }
    log('admin.agent_mode', { mode });
    ctx.body = { mode: await agentMode.get() };
  });

  router.get('/admin/registrations', admin, async (ctx) => {
    const all = await registrations.list();
    ctx.body = { registrations: all, count: all.length };
  });

  router.get('/admin/registrations/:id', admin, async (ctx) => {
    const { id } = parseOr400(RegistrationParams, ctx.params);
    const found = await registrations.get(id);
    if (!found) throw new HttpError(404, 'registration_not_found', 'No registration with this id');
    ctx.body = found;
  });

  router.get('/admin/registrations/:id/payment', admin, async (ctx) => {
    const { id } = parseOr400(RegistrationParams, ctx.params);
    const found = await registrations.get(id);
    if (!found) throw new HttpError(404, 'registration_not_found', 'No registration with this id');
    ctx.body = paymentState(found);
  });

  /** Registrations by payment state: `unpaid` (the default), `suspended`, `active` or `all`. */
  router.get('/admin/payments', admin, async (ctx) => {
    const { status } = parseOr400(PaymentsQuery, ctx.query);
    const wanted: readonly string[] = PAYMENT_STATUSES[status];
    const listed = (await registrations.list())
      .filter((registration) => wanted.includes(registration.fields.registration_status))
      .map(paymentState);
    ctx.body = { status, registrations: listed, count: listed.length };
  });

  return router;
}
