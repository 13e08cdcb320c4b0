import { describe, expect, it } from 'vitest';
import { Limiter, mapLimited } from '../src/concurrency.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('concurrency', () => {
  it('mapLimited keeps the items order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await tick();
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('a failed job frees its place and rejects only its own caller', async () => {
    const limiter = new Limiter(1);
    const failed = limiter.run(async () => {
      throw new Error('boom');
    });
    const next = limiter.run(async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
