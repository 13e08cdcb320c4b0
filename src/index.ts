/** The action's entry (dist/index.js): the logic lives in main.ts so tools can run it from source. */
import { run } from './main.js';

await run();
