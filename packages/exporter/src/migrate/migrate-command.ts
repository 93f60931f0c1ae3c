// `seedwatch migrate pt-exporter [FILE]`: prints the seedwatch.yml equivalent to a pt-exporter config.yaml.

import { parseArgs } from "node:util";
import { MAX_CONFIG_BYTES } from "../config/load.ts";
import { formatBytes, readCapped } from "../settings/read-capped.ts";
import { isLanguage, type Language, languageOf } from "../web/i18n/language.ts";
import { formatMessage, type MessageParams } from "../web/i18n/message-format.ts";
import type { MigrateMessageKey } from "./migrate-messages-en.ts";
import {
  convertPtExporterConfig,
  MIGRATE_CATALOGS,
  PtExporterConfigError,
} from "./pt-exporter-config.ts";

/** Where the command writes. */
export interface MigrateIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The environment the language is read from (the process's by default). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The exporters the command converts from. */
const SOURCES = ["pt-exporter"] as const;

/**
 * Runs `seedwatch migrate ...` (argv without `migrate`); resolves with the exit code: 0 printed,
 * 1 the file cannot be read or converted, 2 a bad command line.
 */
export async function runMigrate(argv: readonly string[], io: MigrateIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`seedwatch migrate: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const lang = values.lang ?? environmentLanguage(io.env ?? process.env);
  if (!isLanguage(lang)) {
    io.err(`seedwatch migrate: --lang must be en or zh-CN\n`);
    return 2;
  }
  const say = (key: MigrateMessageKey, params?: MessageParams) =>
    formatMessage(lang, MIGRATE_CATALOGS[lang][key], params);
  if (values.help) {
    io.out(say("help"));
    return 0;
  }
  const [source, file = "config.yaml", ...extra] = positionals;
  if (
    source === undefined ||
    !(SOURCES as readonly string[]).includes(source) ||
    extra.length > 0
  ) {
    io.err(
      `seedwatch migrate: ${source === undefined ? "which exporter?" : `cannot migrate from ${source}`}\n\n${say("help")}`,
    );
    return 2;
  }
  let text: string;
  try {
    const read = readCapped(file, MAX_CONFIG_BYTES);
    if (read.tooLarge) {
      io.err(
        `seedwatch migrate: ${say("error.tooLarge", { file, limit: formatBytes(MAX_CONFIG_BYTES) })}\n`,
      );
      return 1;
    }
    text = read.bytes.toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    io.err(`seedwatch migrate: ${say("error.read", { file, code })}\n`);
    return 1;
  }
  try {
    io.out(convertPtExporterConfig(text, file, lang));
    return 0;
  } catch (error) {
    if (!(error instanceof PtExporterConfigError)) throw error;
    io.err(`seedwatch migrate: ${error.message}\n`);
    return 1;
  }
}

/** Flags of `seedwatch migrate`. */
export const MIGRATE_FLAGS = {
  lang: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: MIGRATE_FLAGS,
  });
}

/** The language of the locale environment (POSIX order: LC_ALL, LC_MESSAGES, LANG), else English. */
function environmentLanguage(env: NodeJS.ProcessEnv): Language {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== "");
  return (locale === undefined ? undefined : languageOf(locale)) ?? "en";
}
