// The flags of `seedwatch discover`, apart from the command: the CLI's help names them without loading discovery.

/** Flags of `seedwatch discover`. */
export const DISCOVER_FLAGS = { host: { type: "string" } } as const;
