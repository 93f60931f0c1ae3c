// The shape every benchmark suite reports, so the runner can print and compare them alike.

/** One benchmark suite's figures. */
export interface SuiteResult {
  readonly suite: string;
  readonly description: string;
  /** Measured figures, one row per variant. */
  readonly rows: ReadonlyArray<Record<string, string | number>>;
  /** Ratios against the thing we compare with, one row per variant of ours. */
  readonly ratios: ReadonlyArray<Record<string, string | number>>;
  /** The goals the issue set, and whether this run met them. */
  readonly goals: ReadonlyArray<{ readonly what: string; readonly met: boolean }>;
}

/** What the runner passes every suite. */
export interface SuiteOptions {
  /** Smaller sizes or a shorter run, for a smoke run. */
  readonly quick: boolean;
  /** How long a suite that runs for a while runs (`--minutes`); unset, its own default. */
  readonly minutes?: number;
}
