// The error of a web-config.yml that cannot be used: the file, each field path, what was expected.

/** One problem in a web configuration file. */
export interface WebConfigIssue {
  /** Dotted field path (`tls_server_config.min_version`); empty for the file as a whole. */
  readonly path: string;
  /** What was expected; never contains text of the file (a password, a hash, a key). */
  readonly message: string;
  /** Where in the file, when the problem is at one place (counted from 1). */
  readonly line?: number;
  readonly col?: number;
}

/** Issues listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 100;

/**
 * A web configuration file that cannot be used. The message has one line per issue, each
 * `<file>[:<line>:<column>]: <field path>: <what was expected>`.
 */
export class WebConfigError extends Error {
  override name = "WebConfigError";
  readonly file: string;
  readonly issues: readonly WebConfigIssue[];

  constructor(file: string, issues: readonly WebConfigIssue[], options?: { cause?: unknown }) {
    const listed =
      issues.length > MAX_LISTED_ISSUES
        ? [
            ...issues.slice(0, MAX_LISTED_ISSUES),
            { path: "", message: `... and ${issues.length - MAX_LISTED_ISSUES} more problems` },
          ]
        : issues;
    super(
      listed
        .map(
          (issue) =>
            `${file}${issue.line === undefined ? "" : `:${issue.line}:${issue.col ?? 1}`}: ${
              issue.path === "" ? "" : `${issue.path}: `
            }${issue.message}`,
        )
        .join("\n"),
      options,
    );
    this.file = file;
    this.issues = issues;
  }
}
