import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger, redactingLogger } from '../src/log.js';
import { forgetSecrets, redact, rememberUrlSecrets, secretsOfUrl } from '../src/redact.js';

afterEach(() => forgetSecrets());

describe('redact', () => {
  it('removes the userinfo of any URL, up to the last @ before the host', () => {
    expect(redact('error: https://user:PASS@host/simple cannot be reached')).toBe(
      'error: https://****@host/simple cannot be reached',
    );
    expect(redact('--index-url=https://user:p@ss@host:8080/simple')).toBe(
      '--index-url=https://****@host:8080/simple',
    );
    expect(redact('git+https://TOKEN@github.com/o/r')).toBe('git+https://****@github.com/o/r');
    expect(redact('https://host/simple and mail me@example.com')).toBe(
      'https://host/simple and mail me@example.com',
    );
  });

  it('removes remembered secrets wherever they appear, raw or percent-decoded', () => {
    const secrets = rememberUrlSecrets(['https://deploy:a%2Fb%23c@host/simple', undefined, '/local/dir']);
    expect(secrets).toEqual(['a%2Fb%23c', 'a/b#c']);
    expect(redact('pip said: auth a/b#c failed; again a%2Fb%23c')).toBe(
      'pip said: auth **** failed; again ****',
    );
  });

  it('treats a lone user name as the secret (a token), like pip', () => {
    expect(secretsOfUrl('https://ghp_TOKEN123@host/simple')).toEqual(['ghp_TOKEN123']);
    expect(secretsOfUrl('https://host/simple')).toEqual([]);
  });

  it('a redacting logger redacts every kind of message', async () => {
    rememberUrlSecrets(['https://u:TOPSECRET@h/simple']);
    const inner = memoryLogger();
    const log = redactingLogger(inner);
    log.info('info TOPSECRET');
    log.warn('warn https://x:y@h/', { file: '/TOPSECRET/req.txt', line: 1 });
    log.error('error TOPSECRET');
    log.debug('debug TOPSECRET');
    await log.group('group TOPSECRET', async () => undefined);
    expect(inner.lines.join('\n')).not.toMatch(/TOPSECRET|x:y/);
    expect(inner.lines).toHaveLength(5);
  });
});
