// The YAML configuration's shape, validated strictly: unknown keys are errors, every error has a field path.

import { z } from "zod";
import { STATUS_LANGUAGES, TARGET_TYPES, type TargetType } from "../collect/target-config.ts";
import { historySchema } from "../history/history-config.ts";
import { auditSchema } from "../removal/audit-retention.ts";
import { removalSchema } from "../removal/removal-config.ts";
import { parseDuration } from "../settings/duration.ts";
import { LINE_RATE_EXPECTED, parseLineRate } from "../settings/line-rate.ts";
import { webSchema } from "../web/access-policy.ts";
import { DEVICE_TYPES } from "./config.ts";

const duration = z
  .union([z.string(), z.number()])
  .refine((value) => parseDuration(value) !== undefined, {
    message: 'expected a duration such as "10s", "1m30s", "500ms", or a number of seconds',
  })
  .transform((value) => parseDuration(value) as number);

const lineRate = z
  .union([z.string(), z.number()])
  .refine((value) => parseLineRate(value) !== undefined, { message: LINE_RATE_EXPECTED })
  .transform((value) => parseLineRate(value) as number);

/** Options a target can set, and `global` can set for every target. */
const targetOptions = {
  poll_interval: duration.optional(),
  timeout: duration.optional(),
  per_torrent: z
    .strictObject({
      enabled: z.boolean().optional(),
      max_torrents: z.number().int().min(0).optional(),
    })
    .optional(),
  tracker: z
    .strictObject({
      rename: z.record(z.string().min(1), z.string().min(1)).optional(),
      category_as_tracker: z.boolean().optional(),
    })
    .optional(),
  compat: z
    .strictObject({
      downloader_exporter: z.boolean().optional(),
      status_language: z.enum(STATUS_LANGUAGES).optional(),
    })
    .optional(),
  tls: z
    .strictObject({
      insecure_skip_verify: z.boolean().optional(),
      ca_file: z.string().min(1).optional(),
    })
    .optional(),
  removal: removalSchema.optional(),
};

const target = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
    ),
  type: z.enum(TARGET_TYPES),
  url: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  password_file: z.string().min(1).optional(),
  api_key: z.string().min(1).optional(),
  plain_credentials: z.boolean().optional(),
  // The host's bandwidth: one per target, never global (every box has its own line).
  max_upload_speed: lineRate.optional(),
  max_download_speed: lineRate.optional(),
  ...targetOptions,
});

/** The whole file. */
export const configSchema = z
  .strictObject({
    global: z
      .strictObject({
        ...targetOptions,
        min_refresh_interval: duration.optional(),
      })
      .optional(),
    storage: z.strictObject({ path: z.string().min(1).optional() }).optional(),
    host: z
      .strictObject({
        enabled: z.boolean().optional(),
        paths: z.array(z.string().regex(/^\//, "expected an absolute path")).optional(),
      })
      .optional(),
    history: historySchema.optional(),
    audit: auditSchema.optional(),
    web: webSchema.optional(),
    discovery: z.boolean().optional(),
    targets: z.array(target).optional(),
  })
  .superRefine((config, ctx) => {
    if ((config.targets ?? []).length === 0 && config.discovery !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["targets"],
        message: "expected at least one target (or discovery: true)",
      });
    }
    const seen = new Map<string, number>();
    (config.targets ?? []).forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) {
        // The index, not the name: no message quotes a value of the file.
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "name"],
          message: `duplicate target name (the same as targets[${first}].name)`,
        });
      } else seen.set(t.name, i);
      for (const problem of urlProblems(t.type, t.url)) {
        ctx.addIssue({ code: "custom", path: ["targets", i, "url"], message: problem });
      }
      if (t.password !== undefined && t.password_file !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "password_file"],
          message: "give password or password_file, not both",
        });
      }
      if (t.plain_credentials !== undefined && t.type !== "linxdot") {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "plain_credentials"],
          message: "plain_credentials is only for linxdot",
        });
      }
      if (t.removal !== undefined && DEVICE_TYPES.includes(t.type)) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "removal"],
          message: "removal is only for torrent clients",
        });
      }
      for (const key of ["max_upload_speed", "max_download_speed"] as const) {
        if (t[key] !== undefined && DEVICE_TYPES.includes(t.type)) {
          ctx.addIssue({
            code: "custom",
            path: ["targets", i, key],
            message: `${key} is only for torrent clients`,
          });
        }
      }
      if (t.api_key !== undefined && t.type !== "qbittorrent") {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "api_key"],
          message: "api_key is only for qBittorrent 5.2+",
        });
      }
      const hasPassword = t.password !== undefined || t.password_file !== undefined;
      // None at all is a qBittorrent that lets this address in without a login
      // (WebUI\LocalHostAuth=false from loopback, or WebUI\AuthSubnetWhitelist).
      if (
        t.type === "qbittorrent" &&
        t.api_key === undefined &&
        (t.username === undefined) !== !hasPassword
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i],
          message:
            "qBittorrent needs username and password (or password_file), or api_key, or none of them where it asks this address for no login",
        });
      }
      if (
        (t.type === "deluge" || t.type === "linxdot") &&
        (t.username === undefined || !hasPassword)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i],
          message: `${t.type} needs username and password (or password_file)`,
        });
      }
    });
  });

/** The file as validated, before defaults are merged in. */
export type RawConfig = z.output<typeof configSchema>;

const URL_SCHEMES: Readonly<Record<TargetType, readonly string[]>> = {
  qbittorrent: ["http:", "https:"],
  transmission: ["http:", "https:"],
  deluge: ["deluge:", "http:", "https:"],
  rtorrent: ["scgi:", "http:", "https:"],
  linxdot: ["http:", "https:"],
};

function urlProblems(type: TargetType, url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`expected a URL such as ${example(type)}`];
  }
  const schemes = URL_SCHEMES[type];
  if (!schemes.includes(parsed.protocol)) {
    return [
      `a ${type} URL starts with ${schemes.map((s) => `${s}//`).join(" or ")}, e.g. ${example(type)}`,
    ];
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return ["put credentials in username/password, not in the URL"];
  }
  return [];
}

function example(type: TargetType): string {
  return {
    qbittorrent: "http://127.0.0.1:8080",
    transmission: "http://127.0.0.1:9091/transmission/rpc",
    deluge: "deluge://127.0.0.1:58846",
    rtorrent: "scgi://127.0.0.1:5000",
    linxdot: "http://192.168.1.20",
  }[type];
}
