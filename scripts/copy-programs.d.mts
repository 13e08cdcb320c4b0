/** See copy-programs.mjs. */
export function copyPrograms(srcDir: string, bundleDir: string): void;
