// The worker thread's side of BcryptThread: runs bcryptjs's compare and hash, one task per message.

import { parentPort } from "node:worker_threads";
import { compareSync, hashSync } from "bcryptjs";
import type { BcryptAnswer, BcryptTask } from "./bcrypt-thread.ts";

const answer = (task: BcryptTask): BcryptAnswer => {
  try {
    return task.op === "compare"
      ? { id: task.id, value: compareSync(task.password, task.hash) }
      : { id: task.id, value: hashSync(task.password, task.cost) };
  } catch (error) {
    // Never the password or the hash: only what bcryptjs says went wrong.
    return { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
};

parentPort?.on("message", (task: BcryptTask) => parentPort?.postMessage(answer(task)));
