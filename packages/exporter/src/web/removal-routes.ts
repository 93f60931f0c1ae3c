// The removal actions over HTTP: the JSON API, the confirmation page and form, and the audit log (page and JSON).

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.ts";
import type { AuditLog } from "../removal/audit-log.ts";
import {
  INFO_HASH,
  MAX_REMOVAL_BODY_BYTES,
  parseRemovalBody,
  parseRemovalForm,
  type RemovalForm,
  type RemovalSelection,
} from "../removal/removal-request.ts";
import type { RemovalService } from "../removal/removal-service.ts";
import type { RequestIdentity } from "./access-policy.ts";
import { parseAuditQuery, parseAuditTorrentsQuery } from "./audit-query.ts";
import { type CsrfGuard, crossSiteProblem } from "./csrf.ts";
import { pageLanguage } from "./i18n/accept-language.ts";
import { type PageText, pageText } from "./i18n/page-text.ts";
import {
  auditEntryPage,
  auditPage,
  confirmPage,
  errorPage,
  resultPage,
  sendPage,
} from "./removal-pages.ts";
import { RequestBodyError, readBody } from "./request-body.ts";
import { type Route, sendJson } from "./route.ts";

/** What the removal routes need from the daemon. */
export interface RemovalRouteContext {
  readonly service: RemovalService;
  readonly audit: AuditLog;
  readonly csrf: CsrfGuard;
  /** Who a request came from (set when it was authorized). */
  readonly identity: (req: IncomingMessage) => RequestIdentity;
  /** Origins allowed to send actions besides the daemon's own (`web.allowed_origins`). */
  readonly allowedOrigins: () => readonly string[];
  /** Whether the server speaks TLS (the session cookie is then Secure). */
  readonly secure: () => boolean;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * The routes. State changes only on POST; the JSON API takes only `application/json` (which a
 * page on another site cannot send without a CORS preflight, and seedwatch grants none); the
 * form takes a CSRF token bound to the session cookie and the user; both refuse a request whose
 * `Origin`, `Sec-Fetch-Site` or `Referer` names another site.
 */
export function removalRoutes(context: RemovalRouteContext): Route[] {
  const now = context.now ?? Date.now;
  const refuseCrossSite = (req: IncomingMessage): string | undefined => {
    const problem = crossSiteProblem(req, context.allowedOrigins());
    if (problem !== undefined) {
      const { user, remote } = context.identity(req);
      context.log.warn("cross-site removal request refused", {
        reason: problem,
        user,
        remote,
      });
    }
    return problem;
  };

  const api =
    (preview: boolean): Route["handle"] =>
    async (req, res, { params }) => {
      const problem = refuseCrossSite(req);
      if (problem !== undefined) return sendJson(res, 403, { error: `Forbidden: ${problem}` });
      let text: string;
      try {
        text = await readBody(req, {
          maxBytes: MAX_REMOVAL_BODY_BYTES,
          types: ["application/json"],
        });
      } catch (error) {
        return bodyError(res, error, (status, message) =>
          sendJson(res, status, { error: message }),
        );
      }
      const request = parseRemovalBody(text);
      if (typeof request === "string") return sendJson(res, 400, { error: request });
      const { user, remote } = context.identity(req);
      const outcome = await context.service.execute(
        params.name ?? "",
        preview ? { ...request, dryRun: true } : request,
        { user, remote, via: "api" },
      );
      return sendJson(res, outcome.status, outcome.body);
    };

  const selectionOf = (form: RemovalForm): RemovalSelection =>
    form.rules.length > 0
      ? { kind: "rules", rules: form.rules.map((name) => ({ name })) }
      : { kind: "hashes", hashes: form.hashes, deleteData: form.deleteData };

  return [
    {
      method: "POST",
      path: "/api/v1/targets/:name/remove",
      scope: "actions",
      handle: api(false),
    },
    {
      method: "POST",
      path: "/api/v1/targets/:name/remove/preview",
      scope: "actions",
      handle: api(true),
    },
    {
      method: "GET",
      path: "/api/v1/targets/:name/removal",
      scope: "api",
      handle: async (_req, res, { params }) => {
        const name = params.name ?? "";
        const policy = context.service.policyOf(name);
        if (policy === undefined)
          return sendJson(res, 404, { error: "no torrent target with that name" });
        return sendJson(res, 200, {
          target: name,
          enabled: policy.enabled,
          rules: policy.rules.map((r) => r.source),
        });
      },
    },
    {
      method: "GET",
      path: "/remove",
      scope: "actions",
      handle: async (req, res, { url }) => {
        const text = readerText(req);
        const form = parseRemovalForm(url.searchParams);
        if (typeof form === "string")
          return sendPage(res, 400, errorPage(text, text.text("error.badLink"), form));
        const planned = await context.service.plan(form.target, selectionOf(form));
        if (!planned.ok)
          return sendPage(
            res,
            planned.status,
            errorPage(text, text.text("error.cannotRemove"), planned.error),
          );
        const { user } = context.identity(req);
        const session = context.csrf.session(req, context.secure());
        const html = confirmPage({
          plan: planned.plan,
          form,
          token: context.csrf.token(session.id, user),
          now: now(),
          text,
        });
        return sendPage(res, 200, html, session.setCookie);
      },
    },
    {
      method: "POST",
      path: "/remove",
      scope: "actions",
      handle: async (req, res) => {
        const page = readerText(req);
        const problem = refuseCrossSite(req);
        if (problem !== undefined)
          return sendPage(
            res,
            403,
            errorPage(
              page,
              page.text("error.refused"),
              page.text("error.refusedBecause", { problem }),
            ),
          );
        let body: string;
        try {
          body = await readBody(req, {
            maxBytes: MAX_REMOVAL_BODY_BYTES,
            types: ["application/x-www-form-urlencoded"],
          });
        } catch (error) {
          return bodyError(res, error, (status, message) =>
            sendPage(res, status, errorPage(page, page.text("error.badRequest"), message)),
          );
        }
        const params = new URLSearchParams(body);
        const { user, remote } = context.identity(req);
        if (!context.csrf.verify(req, params.get("csrf") ?? "", user)) {
          context.log.warn("removal form refused: missing or wrong CSRF token", { user, remote });
          return sendPage(
            res,
            403,
            errorPage(page, page.text("error.expired"), page.text("error.expiredWhy")),
          );
        }
        const form = parseRemovalForm(params);
        if (typeof form === "string")
          return sendPage(res, 400, errorPage(page, page.text("error.badRequest"), form));
        const shown = params.getAll("shown");
        if (
          shown.length === 0 ||
          shown.length > MAX_REMOVAL_SHOWN ||
          !shown.every((h) => INFO_HASH.test(h))
        )
          return sendPage(
            res,
            400,
            errorPage(
              page,
              page.text("error.badRequest"),
              `shown: expected 1 to ${MAX_REMOVAL_SHOWN} info-hashes`,
            ),
          );
        const outcome = await context.service.execute(
          form.target,
          {
            selection: selectionOf(form),
            dryRun: false,
            only: new Set(shown.map((h) => h.toLowerCase())),
          },
          { user, remote, via: "confirm" },
        );
        if (!("result" in outcome.body))
          return sendPage(
            res,
            outcome.status,
            errorPage(page, page.text("error.cannotRemove"), outcome.body.error),
          );
        return sendPage(res, outcome.status, resultPage(outcome.body, now(), page));
      },
    },
    {
      method: "GET",
      path: "/audit",
      scope: "dashboard",
      handle: async (req, res, { url }) => {
        const text = readerText(req);
        const badRequest = (message: string) =>
          sendPage(res, 400, errorPage(text, text.text("error.badRequest"), message));
        const id = url.searchParams.get("id");
        if (id !== null) {
          // One entry and its torrents (a page of them), kept at the same path so relative links hold.
          const query = parseAuditTorrentsQuery(id, url.searchParams);
          if (typeof query === "string") return badRequest(query);
          const entry = context.audit.get(query.id);
          const torrents = context.audit.torrents(query.id, query.from, query.limit);
          if (entry === undefined || torrents === undefined)
            return sendPage(
              res,
              404,
              errorPage(
                text,
                text.text("error.notFound"),
                text.text("error.noEntry", { id: String(query.id) }),
              ),
            );
          return sendPage(res, 200, auditEntryPage(entry, torrents, query, text));
        }
        const query = parseAuditQuery(url.searchParams);
        if (typeof query === "string") return badRequest(query);
        return sendPage(res, 200, auditPage(context.audit.list(query), query, text));
      },
    },
    {
      method: "GET",
      path: "/api/v1/audit",
      scope: "api",
      handle: async (_req, res, { url }) => {
        const query = parseAuditQuery(url.searchParams);
        if (typeof query === "string") return sendJson(res, 400, { error: query });
        return sendJson(res, 200, context.audit.list(query));
      },
    },
    {
      method: "GET",
      path: "/api/v1/audit/:id/torrents",
      scope: "api",
      handle: async (_req, res, { url, params }) => {
        const query = parseAuditTorrentsQuery(params.id ?? "", url.searchParams);
        if (typeof query === "string") return sendJson(res, 400, { error: query });
        const page = context.audit.torrents(query.id, query.from, query.limit);
        if (page === undefined)
          return sendJson(res, 404, { error: "no audit log entry with that id" });
        return sendJson(res, 200, page);
      },
    },
  ];
}

/** The page messages in the language the request's Accept-Language header asks for. */
function readerText(req: IncomingMessage): PageText {
  return pageText(pageLanguage(req.headers["accept-language"]));
}

/** Most torrents one confirmation form may list. */
const MAX_REMOVAL_SHOWN = 10_000;

function bodyError(
  res: ServerResponse,
  error: unknown,
  answer: (status: number, message: string) => void,
): void {
  if (!(error instanceof RequestBodyError)) throw error;
  // The rest of an oversized body is not read: the connection cannot carry another request.
  if (error.status === 413) res.setHeader("connection", "close");
  answer(error.status, error.message);
}
