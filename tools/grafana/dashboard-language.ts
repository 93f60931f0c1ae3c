// The languages the Grafana dashboards are generated in: each one's catalog, its folder in deploy/grafana/, its uids and tag.

import type { StatusLanguage } from "../../packages/exporter/src/collect/target-config.ts";
import { LANGUAGES, type Language } from "../../packages/exporter/src/web/i18n/language.ts";
import { GRAFANA_EN, type GrafanaText } from "./text-en.ts";
import { GRAFANA_ZH_CN } from "./text-zh-cn.ts";

/** Every language the dashboards are generated in (the daemon's pages' languages). */
export const DASHBOARD_LANGUAGES = LANGUAGES;

/** One language of the dashboards. */
export type DashboardLanguage = Language;

/** The dashboards' catalogs by language; English is the reference. */
export const DASHBOARD_TEXT: Readonly<Record<DashboardLanguage, GrafanaText>> = {
  en: GRAFANA_EN,
  "zh-CN": GRAFANA_ZH_CN,
};

/** Where a language's dashboards are, under deploy/grafana/ ("" for English, as before). */
export function dashboardFolder(language: DashboardLanguage): string {
  return language === "en" ? "" : `${language}/`;
}

/**
 * A dashboard's uid in a language: English keeps the uids links and bookmarks already use; the
 * others get a suffix, so both variants can be imported into one Grafana.
 */
export function dashboardUid(base: string, language: DashboardLanguage): string {
  return language === "en" ? base : `${base}-${language.toLowerCase()}`;
}

/**
 * The tag of a language's dashboards: the dashboards' own link menu lists the dashboards with it,
 * so each variant links to its own language only.
 */
export function dashboardTag(language: DashboardLanguage): string {
  return language === "en" ? "seedwatch" : `seedwatch-${language.toLowerCase()}`;
}

/** The `status` label language a language's readers are likely to have (pt-exporter's users: zh). */
export function statusLanguageOf(language: DashboardLanguage): StatusLanguage {
  return language === "en" ? "en" : "zh";
}
