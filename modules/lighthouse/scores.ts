/** The Lighthouse categories audited, by Lighthouse id, with the key and label the hub uses for each. */
export const CATEGORIES = [
  { id: 'accessibility', key: 'accessibility', label: 'accessibility' },
  { id: 'best-practices', key: 'bestPractices', label: 'best practices' },
  { id: 'seo', key: 'seo', label: 'SEO' },
  { id: 'performance', key: 'performance', label: 'performance' },
] as const;

export type ScoreKey = (typeof CATEGORIES)[number]['key'];
export type Scores = Partial<Record<ScoreKey, number>>;

/** The few fields of a Lighthouse result (LHR) the hub reads; the JSON report is parsed as this. */
export interface LighthouseResultLike {
  requestedUrl?: string;
  mainDocumentUrl?: string;
  finalDisplayedUrl?: string;
  fetchTime?: string;
  lighthouseVersion?: string;
  runWarnings?: string[];
  runtimeError?: { code: string; message: string };
  categories?: Record<string, { score?: number | null } | undefined>;
}

/**
 * Category scores as 0-100. Lighthouse gives 0-1, or null when a category could not be computed (a
 * performance trace that failed): such a category is left out rather than reported as 0.
 */
export function extractScores(lhr: LighthouseResultLike): Scores {
  const scores: Scores = {};
  for (const category of CATEGORIES) {
    const score = lhr.categories?.[category.id]?.score;
    if (typeof score === 'number' && Number.isFinite(score)) scores[category.key] = Math.round(score * 100);
  }
  return scores;
}

/** "accessibility 100, best practices 96, SEO 90, performance 88"; "n/a" for a category without a score. */
export function formatScores(scores: Scores): string {
  return CATEGORIES.map((category) => `${category.label} ${scores[category.key] ?? 'n/a'}`).join(', ');
}

/** Per category, the lowest score of several pages: the page that needs work sets the headline. */
export function lowestScores(all: readonly Scores[]): Scores {
  const lowest: Scores = {};
  for (const scores of all) {
    for (const category of CATEGORIES) {
      const score = scores[category.key];
      if (score === undefined) continue;
      const current = lowest[category.key];
      lowest[category.key] = current === undefined ? score : Math.min(current, score);
    }
  }
  return lowest;
}
