// Time-axis labels in the page's language: the unit the tick spacing calls for, and the date or year where it changes.

const MINUTE = 60;
const DAY = 86_400;

const formats = new Map<string, Intl.DateTimeFormat>();

function format(
  language: string,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${language} ${timeZone ?? ""} ${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(language, { ...options, ...(timeZone ? { timeZone } : {}) });
    formats.set(key, f);
  }
  return f;
}

/**
 * Labels of time-axis ticks (`splits`, seconds since the epoch, `increment` seconds apart), as
 * uPlot's own do it but written by Intl in `language`: seconds as `:05` after a full time at
 * each new minute, times of day with the date under the first tick of each day, days with the
 * year under the first of each year, months, years.
 */
export function timeTickLabels(
  language: string,
  splits: readonly number[],
  increment: number,
  timeZone?: string,
): string[] {
  const f = (options: Intl.DateTimeFormatOptions) => format(language, timeZone, options);
  const year = f({ year: "numeric" });
  const monthDay = f({ month: "short", day: "numeric" });
  const month = f({ month: "short" });
  const minute = f({ hour: "numeric", minute: "2-digit" });
  const second = f({ hour: "numeric", minute: "2-digit", second: "2-digit" });
  let previousContext = "";
  let previousMinute = "";
  return splits.map((seconds) => {
    const date = new Date(seconds * 1000);
    if (increment >= 365 * DAY) return year.format(date);
    // What must be said again when it changes from one tick to the next.
    let label: string;
    let context: string;
    if (increment >= 28 * DAY) [label, context] = [month.format(date), year.format(date)];
    else if (increment >= DAY) [label, context] = [monthDay.format(date), year.format(date)];
    else {
      context = monthDay.format(date);
      label = minute.format(date);
      if (increment < MINUTE) {
        const sameMinute = label === previousMinute && context === previousContext;
        previousMinute = label;
        // Seconds are the same digits in every language and time zone.
        label = sameMinute
          ? `:${String(date.getUTCSeconds()).padStart(2, "0")}`
          : second.format(date);
      }
    }
    const changed = context !== previousContext;
    previousContext = context;
    return changed ? `${label}\n${context}` : label;
  });
}

/** A point in time for a chart's legend, date and time (`Dec 7, 2026, 2:05:09 PM`). */
export function legendTime(language: string, seconds: number, timeZone?: string): string {
  return format(language, timeZone, { dateStyle: "medium", timeStyle: "medium" }).format(
    new Date(seconds * 1000),
  );
}
