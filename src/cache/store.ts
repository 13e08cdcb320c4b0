/**
 * Where finished layers are kept between runs. Two stores share one interface: the GitHub
 * Actions cache in the action, a local directory in the CLI. Both hold exactly the built
 * layer.zip and manifest.json, nothing else (never credentials).
 */
export const CACHED_FILES = ['layer.zip', 'manifest.json'] as const;

export interface LayerStore {
  /** Human name for logs ("GitHub Actions cache", "local cache ~/.cache/lambda-layer"). */
  readonly description: string;
  /** Copies the cached files for `key` into `dir`; false on a miss. */
  restore(key: string, dir: string): Promise<boolean>;
  /**
   * Saves layer.zip and manifest.json from `dir` under `key`. Resolves to a reason when the
   * store declined without an error (the Actions toolkit logs "Failed to save" and returns),
   * undefined when the entry is stored.
   */
  save(key: string, dir: string): Promise<string | undefined>;
}

/** A cache that could not be reached: a warning for the user, never a failed build. */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CacheUnavailableError';
  }
}
