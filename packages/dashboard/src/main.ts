// The dashboard page: host indicators, one card per target, and the selected target's history, trackers and torrents.

/// <reference lib="dom" />

import { LANGUAGE_NAMES, LANGUAGES } from "../../exporter/src/web/i18n/language.ts";
import { type Overview, trackers } from "./api.ts";
import { CredentialsCard } from "./credentials-card.ts";
import { h, setValue } from "./dom.ts";
import { formatTime } from "./format.ts";
import { HistoryPanel } from "./history-panel.ts";
import { HostPanel } from "./host-panel.ts";
import { initialLanguage, language, STORAGE_KEY, t, useLanguage } from "./i18n/translate.ts";
import { LiveConnection, type LiveState } from "./live-connection.ts";
import { TargetCard } from "./target-card.ts";
import { TorrentList } from "./torrent-list.ts";
import { TrackerTable } from "./tracker-table.ts";

/** The torrent list follows the live view at this many overviews (2 s each) per refresh. */
const TORRENTS_EVERY = 5;

function start(app: HTMLElement): void {
  const liveState = h("span", { class: "live", "data-field": "live-state" }, t("live.connecting"));
  const updated = h("span", { class: "sub", "data-field": "updated" });
  const host = new HostPanel();
  const cards = h("div", { class: "cards" });
  const cardsByName = new Map<string, TargetCard>();
  const credentialCards = new Map<string, CredentialsCard>();
  const noTargets = h(
    "p",
    { class: "sub", "data-field": "no-targets", hidden: true },
    t("cards.none"),
  );
  const detailTitle = h("h2", { id: "detail-title" });
  const targetSelect = h("select", { name: "target", "aria-label": t("detail.target") });
  const historyPanel = new HistoryPanel("target", "upload_rate");
  const trackerTable = new TrackerTable();
  const torrentList = new TorrentList();
  const detail = h(
    "section",
    { class: "panel", id: "detail", "aria-labelledby": "detail-title", hidden: true },
    h("header", { class: "panel-head" }, detailTitle, targetSelect),
    h("h3", {}, t("section.history")),
    historyPanel.root,
    h("h3", {}, t("section.trackers")),
    trackerTable.root,
    h("h3", {}, t("section.torrents")),
    torrentList.root,
  );
  app.append(
    h(
      "header",
      { class: "top" },
      h("h1", {}, "Seedwatch"),
      liveState,
      updated,
      h(
        "nav",
        {},
        h("a", { href: "targets" }, t("nav.targets")),
        h("a", { href: "metrics" }, t("nav.metrics")),
        h("a", { href: "api/v1/overview" }, t("nav.api")),
        languageSwitch(),
      ),
    ),
    h(
      "main",
      {},
      h(
        "section",
        { class: "panel", id: "targets", "aria-labelledby": "targets-title" },
        h(
          "header",
          { class: "panel-head" },
          h("h2", { id: "targets-title" }, t("section.targets")),
        ),
        cards,
        noTargets,
      ),
      host.root,
      detail,
    ),
  );

  let selected: string | undefined = fromHash();
  let torrentTargets: string[] = [];
  /** The target whose tracker table is being fetched, so one target never waits for another's. */
  let trackersLoading: string | undefined;
  let events = 0;

  const loadTrackers = async (name: string) => {
    if (trackersLoading === name) return;
    trackersLoading = name;
    try {
      const rows = await trackers(name);
      if (name !== selected) return;
      trackerTable.update(rows);
      historyPanel.show(name, [
        { label: t("history.wholeTarget"), scope: "target" },
        ...rows.map((r) => ({
          label: t("history.tracker", { tracker: r.tracker }),
          scope: "tracker" as const,
          key: r.tracker,
        })),
      ]);
    } catch (error) {
      if (name === selected)
        trackerTable.update(null, t("trackers.failed", { reason: (error as Error).message }));
    } finally {
      if (trackersLoading === name) trackersLoading = undefined;
    }
  };

  const select = (name: string, userChose: boolean) => {
    if (!torrentTargets.includes(name)) return;
    const changed = name !== selected;
    selected = name;
    for (const [cardName, card] of cardsByName) card.selected = cardName === name;
    detail.hidden = false;
    detailTitle.textContent = name;
    targetSelect.value = name;
    if (userChose) {
      history.replaceState(null, "", `#target=${encodeURIComponent(name)}`);
      detail.scrollIntoView({ behavior: "smooth", block: "start" });
    }
    torrentList.show(name);
    if (changed || userChose) void loadTrackers(name);
  };
  targetSelect.addEventListener("change", () => select(targetSelect.value, true));
  window.addEventListener("hashchange", () => {
    const name = fromHash();
    if (name !== undefined) select(name, false);
  });

  const onOverview = (overview: Overview) => {
    events++;
    setValue(updated, t("header.updated", { time: formatTime(overview.at) }), overview.at);
    const hostUptime = overview.host?.uptime?.seconds ?? null;
    const seen = new Set<string>();
    for (const target of overview.targets) {
      seen.add(target.name);
      let card = cardsByName.get(target.name);
      if (card === undefined) {
        card = new TargetCard(target.name, (name) => select(name, true));
        cardsByName.set(target.name, card);
        // Before the cards of clients that need a password, which come last.
        cards.insertBefore(card.root, cards.querySelector(".needs-credentials"));
      }
      card.update(target, overview.at, hostUptime, overview.host?.memory?.totalBytes ?? null);
    }
    for (const [name, card] of cardsByName) {
      if (seen.has(name)) continue;
      card.destroy();
      cardsByName.delete(name);
    }
    // Clients found on this machine that need a password, after the targets.
    const needing = new Set<string>();
    for (const needs of overview.needsCredentials) {
      needing.add(needs.name);
      let card = credentialCards.get(needs.name);
      if (card === undefined) {
        card = new CredentialsCard(needs.name);
        credentialCards.set(needs.name, card);
        cards.append(card.root);
      }
      card.update(needs);
    }
    for (const [name, card] of credentialCards) {
      if (needing.has(name)) continue;
      card.destroy();
      credentialCards.delete(name);
    }
    noTargets.hidden = overview.targets.length + overview.needsCredentials.length > 0;
    host.update(overview.host);

    const names = overview.targets.filter((x) => x.classes !== null).map((x) => x.name);
    if (names.join("\u0000") !== torrentTargets.join("\u0000")) {
      torrentTargets = names;
      targetSelect.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    }
    if (selected === undefined || !names.includes(selected)) {
      const first = names[0];
      if (first === undefined) {
        detail.hidden = true;
        selected = undefined;
        return;
      }
      select(first, false);
      return;
    }
    if (detail.hidden) select(selected, false);
    void loadTrackers(selected);
    if (events % TORRENTS_EVERY === 0) void torrentList.load();
  };

  const setState = (state: LiveState, reason?: string) => {
    liveState.dataset.state = state;
    setValue(liveState, t(`live.${state}`));
    liveState.title = reason ?? "";
  };
  new LiveConnection({ url: "api/v1/live", onOverview, onState: setState }).start();
}

function fromHash(): string | undefined {
  const match = /^#target=(.+)$/.exec(location.hash);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return undefined;
  }
}

/**
 * A drop-down of the languages, each named in itself. A choice is remembered (localStorage, or
 * the URL's `lang` parameter where storage is refused) and the page loaded again in it.
 */
function languageSwitch(): HTMLSelectElement {
  const select = h(
    "select",
    { name: "language", "aria-label": t("header.language") },
    ...LANGUAGES.map((l) =>
      h("option", { value: l, lang: l, selected: l === language() }, LANGUAGE_NAMES[l]),
    ),
  );
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    try {
      localStorage.setItem(STORAGE_KEY, select.value);
      url.searchParams.delete(LANGUAGE_PARAMETER);
    } catch {
      url.searchParams.set(LANGUAGE_PARAMETER, select.value);
    }
    // Assigning the same URL with a #fragment would only scroll, not load the page again.
    if (url.href === location.href) location.reload();
    else location.replace(url.href);
  });
  return select;
}

/** The URL parameter that names the page's language (`?lang=zh-CN`), before any stored choice. */
const LANGUAGE_PARAMETER = "lang";

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

useLanguage(
  initialLanguage(
    new URLSearchParams(location.search).get(LANGUAGE_PARAMETER) ?? storedLanguage(),
    navigator.languages,
  ),
);
document.documentElement.lang = language();
const app = document.getElementById("app");
if (app !== null) start(app);
