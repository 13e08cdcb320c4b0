/** Stage boundaries read from our CLI's stamped stderr and pip's output. */
import { describe, expect, it } from 'vitest';
import type { StampedLine } from '../../bench/process.js';
import { cliStageMarkers, mergeSegments, segmentsFromMarkers } from '../../bench/stages.js';

const line = (atMs: number, text: string, stream: 'stdout' | 'stderr' = 'stderr'): StampedLine => ({
  atMs,
  stream,
  text,
});

describe('cliStageMarkers', () => {
  it('splits the install stage where pip download ends and the CLI unpacks the wheels', () => {
    const lines = [
      line(100, '== Install requirements'),
      line(900, '  Saved /tmp/x/work/wheels/flask-3.1.3-py3-none-any.whl'),
      line(1400, '  Successfully downloaded flask blinker click'),
      line(3100, 'Installed 7 distributions for python3.11 x86_64'),
      line(3100, '== Compile bytecode for the target Python'),
      line(3600, 'Built out/layer.zip', 'stdout'),
    ];
    const markers = cliStageMarkers(lines);
    expect(markers).toEqual([
      { name: 'Install requirements: resolve + download', atMs: 100 },
      { name: 'Install requirements: unpack + report', atMs: 1400 },
      { name: 'Compile bytecode for the target Python', atMs: 3100 },
    ]);
    expect(segmentsFromMarkers(markers, 3600, 'startup')).toEqual([
      { name: 'startup', ms: 100 },
      { name: 'Install requirements: resolve + download', ms: 1300 },
      { name: 'Install requirements: unpack + report', ms: 1700 },
      { name: 'Compile bytecode for the target Python', ms: 500 },
    ]);
  });

  it('still splits at "Installing collected packages" (pip install), and only inside the install stage', () => {
    const markers = cliStageMarkers([
      line(0, '== Install requirements'),
      line(500, '  Installing collected packages: flask'),
      line(800, '== Zip'),
      line(900, '  Successfully downloaded nothing'),
    ]);
    expect(markers.map((m) => m.name)).toEqual([
      'Install requirements: resolve + download',
      'Install requirements: unpack + report',
      'Zip',
    ]);
  });
});

describe('mergeSegments', () => {
  it('adds up segments of the same name', () => {
    expect(
      mergeSegments([
        { name: 'a', ms: 1 },
        { name: 'b', ms: 2 },
        { name: 'a', ms: 3 },
      ]),
    ).toEqual(
      new Map([
        ['a', 4],
        ['b', 2],
      ]),
    );
  });
});
