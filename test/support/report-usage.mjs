/**
 * Preloaded into a child process under test (`node --import THIS`): at exit, writes the process's
 * peak resident memory (VmHWM) and the bytes it passed to write() (wchar) to $USAGE_FILE as JSON.
 * Linux only (/proc); elsewhere it writes nothing and the tests that need it are skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.USAGE_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const status = readFileSync('/proc/self/status', 'utf8');
      const io = readFileSync('/proc/self/io', 'utf8');
      const peakKiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
      const wchar = Number(/^wchar:\s+(\d+)/m.exec(io)?.[1]);
      writeFileSync(file, JSON.stringify({ peakRssBytes: peakKiB * 1024, writtenBytes: wchar }));
    } catch {
      // no /proc: leave the file absent
    }
  });
}
