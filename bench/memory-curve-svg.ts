// An SVG line chart of the memory-curve suite's samples: one line per client, and the goal.

const WIDTH = 720;
const HEIGHT = 360;
const LEFT = 56;
const RIGHT = 120;
const TOP = 32;
const BOTTOM = 40;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

/**
 * Draws `series` (name -> [minute, MB] points) against minutes, with a dashed line at `goalMB`;
 * the y axis starts at 0 so that a flat line looks flat.
 */
export function renderCurveSvg(
  title: string,
  series: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>,
  goalMB: number,
): string {
  const points = Object.values(series).flat();
  const maxX = Math.max(1, ...points.map(([x]) => x));
  const maxY = niceCeiling(Math.max(goalMB, ...points.map(([, y]) => y)) * 1.05);
  const x = (v: number) => LEFT + (v / maxX) * (WIDTH - LEFT - RIGHT);
  const y = (v: number) => HEIGHT - BOTTOM - (v / maxY) * (HEIGHT - TOP - BOTTOM);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${LEFT}" y="18" font-size="12">${escapeXml(title)}</text>`,
  ];
  for (let v = 0; v <= maxY; v += maxY / 5) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(0)}</text>`,
    );
  }
  const xStep = maxX > 30 ? 10 : maxX > 10 ? 5 : 1;
  for (let v = 0; v <= maxX; v += xStep)
    parts.push(
      `<text x="${x(v).toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${v}</text>`,
    );
  parts.push(
    `<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 6}" text-anchor="middle">minutes</text>`,
    `<text x="14" y="${(TOP + HEIGHT - BOTTOM) / 2}" transform="rotate(-90 14 ${(TOP + HEIGHT - BOTTOM) / 2})" text-anchor="middle">resident MB</text>`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(goalMB).toFixed(1)}" y2="${y(goalMB).toFixed(1)}" stroke="#444" stroke-dasharray="6 4"/>`,
    `<text x="${WIDTH - RIGHT + 6}" y="${(y(goalMB) + 4).toFixed(1)}">goal ${goalMB} MB</text>`,
  );
  Object.entries(series).forEach(([name, line], i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const path = line.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(" ");
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${path}"/>`,
      `<text x="${WIDTH - RIGHT + 6}" y="${TOP + 14 + i * 16}" fill="${colour}">${escapeXml(name)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The next of 1, 2 or 5 times a power of ten at or above `v`, so the axis ticks are round. */
function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * power >= v) return m * power;
  return 10 * power;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
