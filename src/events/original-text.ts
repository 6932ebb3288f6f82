/**
 * The text rules of the original Alvares's getters (`deployment_util.py`), which is what its subscribers
 * read, spelled once so enrichment gives the same values for the same body. Where these differ from
 * JavaScript's own (trim, sort, encodeURIComponent) the difference is in what Python does.
 */

/** Python's `str.isspace()` characters, all single UTF-16 units; JavaScript's trim() also drops U+FEFF and keeps U+001C–U+001F and U+0085. */
const PYTHON_SPACE = new Set(
  [0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]
    .concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i))
    .map((code) => String.fromCharCode(code)),
);

/** Python's `str.strip()`. A loop rather than a regex: an anchored `\s+$` backtracks quadratically on long runs. */
export function stripSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && PYTHON_SPACE.has(value[start]!)) start += 1;
  while (end > start && PYTHON_SPACE.has(value[end - 1]!)) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * `get_string_attribute`: absent or empty is '', otherwise every double quote removed and the ends
 * stripped (labels are often written `name="value"`, and the original took no chances).
 */
export function attributeText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return stripSpace(value.replaceAll('"', ''));
}

/** attributeText, with '' as null: the hub's way of saying "none". */
export function attributeOrNull(value: string | null | undefined): string | null {
  const text = attributeText(value);
  return text === '' ? null : text;
}

/** `get_url_attribute`: only a value starting with "http" is a URL; anything else reads as none. */
export function httpOnly(value: string): string {
  return value.startsWith('http') ? value : '';
}

/**
 * Python's string order (by code point). UTF-16 order agrees except between a surrogate, which starts a
 * character above U+FFFF, and a character from U+E000 to U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xAstral = x >= 0xd800 && x <= 0xdfff;
    const yAstral = y >= 0xd800 && y <= 0xdfff;
    if (xAstral !== yAstral) return xAstral ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * `get_list_attribute`: the comma-separated items stripped, as a set, sorted. Unlike the original, an empty
 * item is dropped: it names no channel, token or page (the original scanned "" with Lighthouse).
 */
export function sortedItems(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  const parts = Array.isArray(value) ? value : value.split(',');
  return [...new Set(parts.map(stripSpace))].filter((item) => item !== '').sort(byCodePoint);
}

/** Python's `urllib.parse.quote(text)` (safe "/"): encodeURIComponent leaves `!'()*` and encodes `/`. */
export function quoteLikePython(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%2F', '/');
}
