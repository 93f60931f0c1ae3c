// `node --import @seedwatch/instrument/register app.js`: init() from SEEDWATCH_* environment variables.

import { init, start } from "./instrument.ts";
import { optionsFromEnv } from "./options.ts";
import { inheritedSetup } from "./threads.ts";

try {
  // A worker of an instrumented thread takes its parent's options and histograms.
  const inherited = inheritedSetup();
  if (inherited !== undefined) start(inherited.options, inherited.buffers);
  else init(optionsFromEnv(process.env));
} catch (error) {
  // A monitoring setting must not stop the service: say why nothing is measured, and go on.
  process.stderr.write(
    `@seedwatch/instrument: not started: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}
