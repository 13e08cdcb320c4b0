/**
 * "did you mean": the known word closest to a mistyped one (a command, an option). Close means
 * few edits for the word's length (biuld -> build, --regoin -> --region), or one word starting
 * with the other (--outdir -> --out, --req -> --requirements).
 */
import { distance } from 'fastest-levenshtein';

/** Edits allowed for a word of this length: a typo or two, never half the word. */
function allowedEdits(word: string): number {
  return word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
}

export function closestWord(typed: string, known: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  let best: { word: string; score: number } | undefined;
  for (const candidate of known) {
    const edits = distance(word, candidate.toLowerCase());
    const prefix =
      Math.min(word.length, candidate.length) >= 3 &&
      (candidate.startsWith(word) || word.startsWith(candidate));
    if (edits > allowedEdits(word) && !prefix) continue;
    // A prefix match ranks behind a near typo of the same word.
    const score = prefix ? Math.min(edits, allowedEdits(word) + 0.5) : edits;
    if (!best || score < best.score) best = { word: candidate, score };
  }
  return best?.word;
}

/** "; did you mean X?" or nothing. */
export function didYouMean(typed: string, known: readonly string[], show = (w: string) => w): string {
  const match = closestWord(typed, known);
  return match ? `; did you mean ${show(match)}?` : '';
}
