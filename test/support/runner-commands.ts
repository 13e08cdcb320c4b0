/**
 * Reads an action's stdout the way the GitHub runner does (actions/runner ActionCommandManager):
 * line by line, a command is a line starting with "::" after leading whitespace is trimmed, or
 * containing the legacy "##[" form; `::stop-commands::TOKEN` suspends parsing until `::TOKEN::`.
 * Returns the commands the runner would execute.
 */
export interface ParsedCommand {
  readonly command: string;
  readonly data: string;
  readonly line: string;
}

export function runnerCommands(stdout: string): ParsedCommand[] {
  const commands: ParsedCommand[] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const trimmed = line.trimStart();
    if (stopToken !== undefined) {
      if (trimmed.trimEnd() === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const v2 = /^::([^\s:]+)(?:\s[^:]*)?::(.*)$/.exec(trimmed);
    if (v2) {
      const [, command = '', data = ''] = v2;
      if (command === 'stop-commands') stopToken = data;
      else commands.push({ command, data, line });
      continue;
    }
    const legacy = /##\[([a-z-]+)[^\]]*\](.*)$/i.exec(line);
    if (legacy) commands.push({ command: legacy[1] ?? '', data: legacy[2] ?? '', line });
  }
  return commands;
}
