/**
 * Pages that mix hand-written words with a generated part keep the part between two markers; only that block is
 * rewritten, so the words above and below it stay as their authors wrote them.
 */
export function replaceBlock(current: string, begin: string, end: string, content: string): string {
  const block = `${begin}\n\n${content}\n\n${end}`;
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from < 0 || to < from) return `${current.trimEnd()}\n\n${block}\n`;
  return `${current.slice(0, from)}${block}${current.slice(to + end.length)}`;
}
