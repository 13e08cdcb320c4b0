/**
 * Files the tests read from the repository itself. Real lock files from public repositories live
 * in test/fixtures/lockfiles/ (SOURCES.md there says where each came from, at which commit).
 */
import { join } from 'node:path';

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

/** A real lock or manifest file, e.g. lockFixture('uv/pallets__flask/uv.lock'). */
export function lockFixture(path: string): string {
  return join(FIXTURES_DIR, 'lockfiles', path);
}
