// Reads an Accept-Encoding header: whether the client takes a gzip body.

/**
 * Whether an `Accept-Encoding` header accepts gzip: `gzip` with a quality above 0, or, when gzip
 * is not named, `*` with a quality above 0. A named `gzip;q=0` refuses gzip whatever `*` says
 * (RFC 9110, 12.5.3); no header means no compression.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let star = false;
  for (const part of header.split(",")) {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (coding.trim() === "gzip") return accepted;
    if (coding.trim() === "*") star = accepted;
  }
  return star;
}
