// The shape every dashboard catalog has: the English catalog's keys, each with a message.

import type { Message } from "../../../exporter/src/web/i18n/message-format.ts";
import type { EN } from "./en.ts";

/** A key of the dashboard's catalogs. */
export type MessageKey = keyof typeof EN;

/** One language's catalog: a message for every key, and no other key. */
export type Catalog = Readonly<Record<MessageKey, Message>>;
