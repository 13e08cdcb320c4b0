import { describe, expect, it } from 'vitest';
import { checkDeployArgs, splitArgs } from '../../src/deploy/args.js';

describe('splitArgs', () => {
  it('splits on whitespace and keeps quoted text together, without any shell', () => {
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs('  --verbose   --force ')).toEqual(['--verbose', '--force']);
    expect(splitArgs(`--param 'greeting=hello world' --param "name=\\"x\\""`)).toEqual([
      '--param',
      'greeting=hello world',
      '--param',
      'name="x"',
    ]);
    expect(splitArgs('a\\ b "c\\\\d" \'e\\f\'')).toEqual(['a b', 'c\\d', 'e\\f']);
    expect(splitArgs('$HOME `id` $(id) ; rm -rf / | cat')).toEqual([
      '$HOME',
      '`id`',
      '$(id)',
      ';',
      'rm',
      '-rf',
      '/',
      '|',
      'cat',
    ]);
    expect(splitArgs('"" x')).toEqual(['', 'x']);
    expect(splitArgs('--conceal\n--verbose')).toEqual(['--conceal', '--verbose']);
  });

  it('names the input on an unterminated quote', () => {
    expect(() => splitArgs('--param "a=b')).toThrow(
      'Input "deploy-args": unterminated " quote in: --param "a=b',
    );
    expect(() => splitArgs("it's", 'extra')).toThrow(`Input "extra": unterminated ' quote`);
  });
});

describe('checkDeployArgs', () => {
  it('accepts ordinary deploy options', () => {
    expect(() =>
      checkDeployArgs(['--verbose', '--force', '--param', 'domain=example.com', '--conceal']),
    ).not.toThrow();
  });

  it('rejects stage, region and layerArn overrides', () => {
    expect(() => checkDeployArgs(['-s', 'prod'])).toThrow('sets the stage');
    expect(() => checkDeployArgs(['--region=eu-west-1'])).toThrow('sets the region');
    expect(() => checkDeployArgs(['--param', 'layerArn=arn:x'])).toThrow('would replace the layer ARN');
    expect(() => checkDeployArgs(['--param=layerArn=arn:x'])).toThrow('would replace the layer ARN');
  });
});
