// Replays a client's recorded answers through the real source, table and collector, with no client running.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type GoldenClient, goldenConfig, pollAndRender } from "./golden-target.ts";
import { readRecording } from "./recording.ts";
import { ReplayScript } from "./replay-script.ts";
import { startReplay } from "./stand-ins.ts";

/** Where each client's recording (`<client>/`) and golden exposition (`<client>.prom`) are. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/**
 * Sets the wall clock (`Date`) everything reads: a replay sets it to the time each poll was
 * recorded at, so what a source or the table works out from the time (a tracker that has not
 * answered for five minutes, the age of a session) comes out as it did live.
 */
export interface ReplayClock {
  set(ms: number): void;
}

/**
 * Serves `client`'s recording from a local stand-in, points the golden target's source at it,
 * polls as many times as were recorded and returns the target's exposition. Throws when the
 * source asks anything but what was recorded, in that order.
 */
export async function replayAndRender(
  client: GoldenClient,
  clock: ReplayClock,
  dir = join(FIXTURES, client),
): Promise<string> {
  const recording = await readRecording(dir);
  const script = new ReplayScript(recording);
  const standIn = await startReplay(recording.protocol, script);
  let text: string;
  try {
    text = await pollAndRender({
      config: goldenConfig(client, recording),
      standIn: standIn.url,
      polls: recording.polls.length,
      now: () => Date.now(),
      beforePoll: (i) => {
        script.poll = i;
        const at = recording.polls[i];
        if (at !== undefined) clock.set(at);
      },
    });
  } catch (error) {
    // A request the recording does not have explains a failed poll best.
    script.assertDone();
    throw error;
  } finally {
    await standIn.close();
  }
  script.assertDone();
  return text;
}
