// The error of a web-config.yml that cannot be used: the file, each field path, what was expected.

/** One problem in a web configuration file. */
export interface WebConfigIssue {
  /** Dotted field path (`tls_server_config.min_version`); empty for the file as a whole. */
  readonly path: string;
  /** What was expected; never contains a password, a hash or a key. */
  readonly message: string;
}

/**
 * A web configuration file that cannot be used. The message has one line per issue, each
 * `<file>: <field path>: <what was expected>`.
 */
export class WebConfigError extends Error {
  override name = "WebConfigError";
  readonly file: string;
  readonly issues: readonly WebConfigIssue[];

  constructor(file: string, issues: readonly WebConfigIssue[], options?: { cause?: unknown }) {
    super(
      issues
        .map((issue) => `${file}: ${issue.path === "" ? "" : `${issue.path}: `}${issue.message}`)
        .join("\n"),
      options,
    );
    this.file = file;
    this.issues = issues;
  }
}
