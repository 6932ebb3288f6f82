/** A mail as the layer keeps it: its subject, its HTML part and its text part (the text is made from the HTML). */
export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Payload text in the HTML part: no tag, attribute or entity of a payload can reach a mail client. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A link in the HTML part; in the text part it reads "label (url)". */
export function link(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

/**
 * The text part from the HTML: the hub's own markup (paragraphs, lists, line breaks, links, pre) read as plain
 * lines. Payload text was escaped into the HTML, so decoding the entities gives it back as it was sent.
 */
export function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(/\r?\n/g, ' ')
      .replace(/<a\s+href="([^"]*)"[^>]*>(.*?)<\/a>/gi, (_all, url: string, label: string) =>
        label === url ? url : `${label} (${url})`,
      )
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li[^>]*>/gi, '• ')
      .replace(/<\/(p|li|h\d|div|tr|pre|ul|ol)>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A subject is one line of at most 200 characters: what follows a line break is dropped. */
export function subjectOf(text: string): string {
  const line = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Long payload text is cut with a visible mark: a mail of megabytes helps no reader. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(truncated)` : text;
}

/** The whole mail from a subject (plain text) and a body of the hub's HTML. */
export function mail(subject: string, body: string): EmailMessage {
  const html = `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">${body}</body></html>`;
  return { subject: subjectOf(subject), html, text: textOf(body) };
}
