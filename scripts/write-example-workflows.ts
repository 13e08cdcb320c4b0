// Writes workflows/deploy-on-push.yml and workflows/rebuild-layer.yml from the text
// `lambda-layer init` writes (src/init/caller-workflows.ts), for the example service.
// Run: npx tsx scripts/write-example-workflows.ts (test/init/caller-workflows.test.ts says when).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callerWorkflows, EXAMPLE_FILES, EXAMPLE_SETTINGS } from '../src/init/caller-workflows.js';

const root = join(import.meta.dirname, '..');
const texts = callerWorkflows(EXAMPLE_SETTINGS);
for (const [name, path] of Object.entries(EXAMPLE_FILES)) {
  writeFileSync(join(root, path), texts[name as keyof typeof texts]);
  console.log(`wrote ${path}`);
}
