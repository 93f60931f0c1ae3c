// The durations of settings/duration.ts under their old path, for the docs generators.
//
// packages/exporter/src/docs is moving to tools/ on another branch (issue 16, item 7) and still
// imports this path; once it imports settings/duration.ts, delete this file.

export { formatDuration, parseDuration } from "../settings/duration.ts";
