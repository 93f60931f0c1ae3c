// Discovery as the daemon runs it: a round at start, then one a minute; each change goes through the target set's reload path.

import type { Logger } from "../log.ts";
import { crypto } from "../net/node-builtins.ts";
import { redactUrl } from "../settings/redact-url.ts";
import { type Discovered, DiscoveredTargets, type DiscoveryContext } from "./discovered-targets.ts";
import type { Finding } from "./find-clients.ts";

/** How often discovery looks again, unless told otherwise. */
export const DISCOVERY_INTERVAL_MS = 60_000;

/** What the service needs from the daemon. */
export interface DiscoveryServiceOptions {
  /** One round of looking (findClients with this machine's settings). */
  readonly find: () => Promise<Finding[]>;
  /** The configuration in force, read at every round. */
  readonly context: () => DiscoveryContext;
  /** Makes the daemon's targets match; called only when what discovery watches changed. */
  readonly apply: (discovered: Discovered) => Promise<void>;
  readonly intervalMs?: number;
  readonly log: Logger;
}

/**
 * Runs discovery rounds one at a time: at `start` and every `intervalMs`. A round whose targets
 * are those of the last one changes nothing (their sessions, tables and counters carry on, and a
 * target backing off is not hurried); otherwise `apply` gets them all. Each target and each client
 * that needs a password is logged once, when first seen.
 */
export class DiscoveryService {
  readonly #options: DiscoveryServiceOptions;
  readonly #targets = new DiscoveredTargets();
  readonly #logged = new Set<string>();
  #discovered: Discovered = { targets: [], needsCredentials: [], found: [] };
  #signature = "";
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: DiscoveryServiceOptions) {
    this.#options = options;
  }

  /** What discovery watches and what needs a password, as of the last round. */
  get discovered(): Discovered {
    return this.#discovered;
  }

  /** Runs a round now (or waits for the one running), then every interval. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.round();
    this.#schedule();
  }

  /** One round; a round already running is waited for instead. */
  round(): Promise<void> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the rounds (a running one finishes) and forgets what it found. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    this.#discovered = { targets: [], needsCredentials: [], found: [] };
    this.#signature = "";
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.round().finally(() => this.#schedule());
    }, this.#options.intervalMs ?? DISCOVERY_INTERVAL_MS);
    // The daemon's server keeps the process alive; discovery alone must not.
    this.#timer.unref();
  }

  async #round(): Promise<void> {
    const log = this.#options.log;
    let findings: Finding[];
    try {
      findings = await this.#options.find();
    } catch (error) {
      log.warn("discovery failed, keeping what it found before", { err: error });
      return;
    }
    if (this.#stopped) return;
    const discovered = this.#targets.update(findings, this.#options.context());
    this.#discovered = discovered;
    for (const { config, finding } of discovered.targets) {
      const line = `${config.name} ${config.url}`;
      if (this.#logged.has(line)) continue;
      this.#logged.add(line);
      log.info("watching", {
        target: config.name,
        type: config.type,
        url: redactUrl(config.url),
        found_in: finding.file ?? "its default port",
      });
    }
    for (const needs of discovered.needsCredentials) {
      const line = `${needs.name} ${needs.url} needs`;
      if (this.#logged.has(line)) continue;
      this.#logged.add(line);
      log.warn(
        "found a client that needs a password: add it to seedwatch.yml (the dashboard shows the lines)",
        {
          target: needs.name,
          type: needs.type,
          url: redactUrl(needs.url),
          found_in: needs.foundIn ?? "its default port",
          reason: needs.reason,
        },
      );
    }
    // Passwords are read again each round: a changed one (Deluge's auth file edited) replaces the
    // target. Only a digest of them is kept.
    const signature = crypto
      .createHash("sha256")
      .update(
        JSON.stringify(
          discovered.targets.map((t) => [
            t.config.name,
            t.config.url,
            t.config.username,
            t.config.password?.reveal(),
            t.config.tls,
          ]),
        ),
      )
      .digest("hex");
    if (signature === this.#signature) return;
    this.#signature = signature;
    await this.#options.apply(discovered);
  }
}
