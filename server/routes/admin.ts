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
import { TEXT_STATUSES, type QueuedSms } from '../../tools/sms/sms.ts';
import type { SnapshotStore } from '../../tools/snapshots/port.ts';
import type { UploadStatusStore } from '../../tools/upload-status/upload-status.ts';
import type { AgentModeSetting } from '../agent-mode.ts';
import { registrationIdFor, type Erasure } from '../erasure.ts';
import { HttpError, parseOr400 } from '../http-errors.ts';
import { requireBodyType } from '../http.ts';
import type { Log } from '../log.ts';
import type { Texts } from '../texts.ts';
import { sessionFlowChart } from '../../machines/flow-chart.ts';
import type { FlowStats } from '../../tools/flow-stats/port.ts';
import { renderFlowPage, summariseFlow } from '../flow-page.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The token of a Bearer header, or the password of a Basic one (any user name), else ''. */
function givenToken(authorization: string): string {
  const bearer = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1];
  if (!basic) return '';
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/**
 * ADMIN_TOKEN as a bearer token (or as the password of Basic auth, so that a browser asks for it
 * on the admin pages: `browser` makes a refusal say so), compared in constant time; with no token
 * set, admin is switched off.
 */
export function requireAdmin(
  token: string | null,
  { browser = false }: { browser?: boolean } = {},
): Middleware {
  const expected = token === null ? null : digest(token);
  return async (ctx, next) => {
    if (!expected) {
      throw new HttpError(
        403,
        'admin_disabled',
        'Admin routes are disabled until ADMIN_TOKEN is set',
      );
    }
    const given = givenToken(ctx.get('Authorization'));
    if (!timingSafeEqual(digest(given), expected)) {
      ctx.set('WWW-Authenticate', browser ? 'Basic realm="Club admin", charset="UTF-8"' : 'Bearer');
      throw new HttpError(401, 'unauthorized', 'A valid admin bearer token is needed');
    }
    await next();
  };
}

export const ClearBody = z.object({ session_id: SessionId });
export const ModeBody = z.object({ mode: z.enum(['local', 'mcp']) });
const RegistrationId = z.string().regex(/^[A-Za-z0-9_-]{1,150}$/);
export const RegistrationParams = z.object({ id: RegistrationId });
export const TextsQuery = z.object({
  status: z.enum(TEXT_STATUSES).optional(),
  registration_id: RegistrationId.optional(),
});

/** A text as the admin API shows it, in the API's snake_case. */
const textView = (text: QueuedSms) => ({
  key: text.key,
  registration_id: text.registrationId,
  to: text.to,
  body: text.body,
  status: text.status,
  provider_id: text.providerId,
  provider_status: text.providerStatus,
  attempts: text.attempts,
  last_error: text.lastError,
  queued_at: text.queuedAt,
  updated_at: text.updatedAt,
});
export const RegistrationQuery = z.object({
  photo: z.enum(['missing', 'present']).optional(),
  /** `via_parent`: U16+ players with no mobile or e-mail of their own (player_contact_via_parent). */
  contact: z.enum(['via_parent']).optional(),
});
const ErasableId = z.string().regex(/^reg-[0-9a-f]{24}$/, 'a registration id is reg-<24 hex>');
/** One family to erase: its registration id, or the child as the admin knows them. */
export const EraseBody = z.union([
  z.object({ registration_id: ErasableId }).strict(),
  z
    .object({
      season: z.string().regex(/^\d{4}$/, 'the season as in the codes, e.g. 2526'),
      first_name: z.string().trim().min(1).max(50),
      last_name: z.string().trim().min(1).max(50),
      date_of_birth: z.iso.date('the date of birth as YYYY-MM-DD'),
    })
    .strict(),
]);
export const PaymentsQuery = z.object({
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
  texts: Texts;
  agentMode: AgentModeSetting;
  erasure: Erasure;
  log: Log;
  /** Where sessions rest in the flow, for /admin/flow. */
  flowStats: FlowStats;
  now?: () => Date;
};

export const FlowQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(30) });

/** Club-volunteer and developer tools, behind the admin token. */
export function adminRouter(deps: AdminRouterDeps) {
  const { snapshots, statuses, registrations, texts, agentMode, log } = deps;
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

  /**
   * Erases one family's data from every store (sessions, upload statuses, the record, photos,
   * staged uploads and their jobs, the SMS outbox, the ledger) and says what it removed; run
   * again, it reports nothing left.
   */
  router.post('/admin/erase', admin, async (ctx) => {
    requireBodyType(ctx, 'json');
    const body = parseOr400(EraseBody, ctx.request.body);
    const registrationId =
      'registration_id' in body
        ? body.registration_id
        : registrationIdFor({
            season: body.season,
            childFirstName: body.first_name,
            childLastName: body.last_name,
            childDateOfBirth: body.date_of_birth,
          });
    const report = await deps.erasure.erase(registrationId);
    const { registrationId: id, ...removed } = report;
    const nothingLeft = Object.values(removed).every((count) => count === 0);
    ctx.body = { registration_id: id, removed, nothing_left: nothingLeft };
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

  /**
   * Every saved registration; `?photo=missing` lists those still without a photo on the record,
   * `?contact=via_parent` the U16+ players the club contacts through the parent.
   */
  router.get('/admin/registrations', admin, async (ctx) => {
    const { photo, contact } = parseOr400(RegistrationQuery, ctx.query);
    const all = await registrations.list();
    const hasPhoto = (fields: Record<string, unknown>) => Boolean(fields.id_image_link);
    const listed = all
      .filter(({ fields }) => photo === undefined || hasPhoto(fields) === (photo === 'present'))
      .filter(({ fields }) => contact === undefined || fields.player_contact_via_parent === 'Y');
    ctx.body = { registrations: listed, count: listed.length };
  });

  router.get('/admin/registrations/:id', admin, async (ctx) => {
    const { id } = parseOr400(RegistrationParams, ctx.params);
    const found = await registrations.get(id);
    if (!found) throw new HttpError(404, 'registration_not_found', 'No registration with this id');
    ctx.body = found;
  });

  /** Every text and its state (`?status=failed`: the ones a volunteer must follow up), per registration. */
  router.get('/admin/texts', admin, async (ctx) => {
    const query = parseOr400(TextsQuery, ctx.query);
    const found = await texts.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.registration_id ? { registrationId: query.registration_id } : {}),
    });
    ctx.body = { texts: found.map(textView), count: found.length };
  });

  /** A registration's payment state: fee, mandate, subscription and each month's collection. */
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

  /** The statechart with how many sessions rest in each state now and gave up there (no personal data). */
  router.get('/admin/flow', requireAdmin(deps.adminToken, { browser: true }), async (ctx) => {
    const { days } = parseOr400(FlowQuery, ctx.query);
    const now = deps.now?.() ?? new Date();
    const journeys = await deps.flowStats.journeys(new Date(now.getTime() - days * 24 * 3600_000));
    ctx.type = 'html';
    ctx.body = renderFlowPage(flowChart, summariseFlow(journeys, now, days));
  });

  return router;
}

/** The statechart, read once from the machine. */
const flowChart = sessionFlowChart();
