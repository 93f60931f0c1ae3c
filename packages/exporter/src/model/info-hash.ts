// What a torrent's key looks like: a v1 info-hash (40 hex digits) or a v2 one (64), lower-case.

/**
 * Whether `text` can be a torrent's key as the clients give it: 40 or 64 lower-case hex digits.
 * A corrupted answer that still parses must not bring in a torrent under a garbled key (it would
 * be credited its whole counter a second time), so sources check every key they learn.
 */
export function isInfoHash(text: string): boolean {
  if (text.length !== 40 && text.length !== 64) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
