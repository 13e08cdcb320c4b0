/**
 * Reading a CloudFormation template the way CloudFormation does, for tests: the YAML short-form
 * tags (!Ref, !Sub, !GetAtt, !If ...) become their long forms, and `evaluate` resolves the
 * intrinsic functions for given parameter values, so a test can read the concrete policies a
 * deployed stack would hold. Only the functions these templates use are supported; any other
 * one throws, so a template that outgrows the evaluator fails its test instead of passing.
 */
import { parse, type Tags } from 'yaml';

export interface CfnTemplate {
  Parameters?: Record<
    string,
    { Type: string; Default?: string; AllowedValues?: string[]; AllowedPattern?: string }
  >;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
}

const FUNCTIONS = [
  'Ref',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'Join',
  'Condition',
];

/** The short-form tags, each on a scalar and on a sequence (and !Sub's list form). */
function shortFormTags(): Tags {
  const longName = (fn: string) => (fn === 'Ref' || fn === 'Condition' ? fn : `Fn::${fn}`);
  return FUNCTIONS.flatMap((fn) => [
    {
      tag: `!${fn}`,
      resolve: (value: string) =>
        fn === 'GetAtt' ? { 'Fn::GetAtt': value.split('.') } : { [longName(fn)]: value },
    },
    {
      tag: `!${fn}`,
      collection: 'seq' as const,
      resolve: (seq: { toJSON(): unknown }) => ({ [longName(fn)]: seq.toJSON() }),
    },
  ]) as unknown as Tags;
}

export function parseTemplate(text: string): CfnTemplate {
  return parse(text, { customTags: shortFormTags() }) as CfnTemplate;
}

/** Marks a value AWS::NoValue removes from its list or object. */
const NO_VALUE = Symbol('AWS::NoValue');

export interface EvaluationContext {
  readonly parameters: Readonly<Record<string, string>>;
  readonly accountId?: string;
  readonly region?: string;
  readonly stackName?: string;
}

export interface EvaluatedStack {
  /** Resources whose condition holds, with intrinsic functions resolved. */
  readonly resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  readonly outputs: Record<string, unknown>;
}

/** Evaluates the template as CloudFormation would create it with these parameters. */
export function evaluate(template: CfnTemplate, context: EvaluationContext): EvaluatedStack {
  const accountId = context.accountId ?? '123456789012';
  const region = context.region ?? 'us-east-1';
  const stackName = context.stackName ?? 'lambda-layer-github';
  const parameters: Record<string, string> = {};
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    const value = context.parameters[name] ?? spec.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
    if (spec.AllowedValues && !spec.AllowedValues.includes(value))
      throw new Error(`parameter ${name}: "${value}" is not one of ${spec.AllowedValues.join(', ')}`);
    if (spec.AllowedPattern && !new RegExp(spec.AllowedPattern).test(value))
      throw new Error(`parameter ${name}: "${value}" does not match ${spec.AllowedPattern}`);
    parameters[name] = value;
  }
  for (const name of Object.keys(context.parameters)) {
    if (!(name in parameters)) throw new Error(`the template has no parameter ${name}`);
  }
  const pseudo: Record<string, string> = {
    'AWS::AccountId': accountId,
    'AWS::Region': region,
    'AWS::Partition': 'aws',
    'AWS::StackName': stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  // What Ref and GetAtt Arn give for the resource types these templates create.
  const resourceRef = (logicalId: string): string => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`Ref to unknown resource ${logicalId}`);
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::OIDCProvider':
        return `arn:aws:iam::${accountId}:oidc-provider/${String(properties.Url).replace(/^https:\/\//, '')}`;
      case 'AWS::IAM::Role':
        return String(value(properties.RoleName ?? `${stackName}-${logicalId}`));
      default:
        throw new Error(`Ref of a ${resource.Type} is not modelled`);
    }
  };
  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = template.Resources[logicalId];
    if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn')
      return `arn:aws:iam::${accountId}:role/${resourceRef(logicalId)}`;
    throw new Error(`GetAtt ${logicalId}.${attribute} is not modelled`);
  };

  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    const known = conditions.get(name);
    if (known !== undefined) return known;
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new Error(`unknown condition ${name}`);
    const result = value(definition);
    if (typeof result !== 'boolean') throw new Error(`condition ${name} is not a boolean`);
    conditions.set(name, result);
    return result;
  };

  const sub = (text: string, variables: Record<string, unknown>): string =>
    text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(value(variables[name]));
      if (name in pseudo) return pseudo[name] as string;
      if (name in parameters) return parameters[name] as string;
      const [logicalId, attribute] = name.split('.');
      if (attribute) return getAtt(logicalId as string, attribute);
      return resourceRef(name);
    });

  function value(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(value).filter((v) => v !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key && (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::'))) {
      switch (key) {
        case 'Ref': {
          const name = String(arg);
          if (name === 'AWS::NoValue') return NO_VALUE;
          if (name in pseudo) return pseudo[name];
          if (name in parameters) return parameters[name];
          return resourceRef(name);
        }
        case 'Condition':
          return condition(String(arg));
        case 'Fn::Sub':
          return Array.isArray(arg)
            ? sub(String(arg[0]), arg[1] as Record<string, unknown>)
            : sub(String(arg), {});
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = arg as string[];
          return getAtt(logicalId as string, attribute as string);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
          return value(condition(name) ? whenTrue : whenFalse);
        }
        case 'Fn::Equals': {
          const [a, b] = (arg as unknown[]).map(value);
          return a === b;
        }
        case 'Fn::Not':
          return !(value((arg as unknown[])[0]) as boolean);
        case 'Fn::And':
          return (arg as unknown[]).every((c) => value(c) === true);
        case 'Fn::Or':
          return (arg as unknown[]).some((c) => value(c) === true);
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          const items = value(list) as unknown[];
          const at = Number(value(index));
          if (!(at in items)) throw new Error(`Fn::Select index ${at} out of range`);
          return items[at];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(value(text)).split(separator);
        }
        case 'Fn::Join': {
          const [separator, list] = arg as [string, unknown];
          return (value(list) as unknown[]).join(separator);
        }
        default:
          throw new Error(`${key} is not supported by this evaluator`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = value(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  const resources: EvaluatedStack['resources'] = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Condition && !condition(resource.Condition)) continue;
    resources[logicalId] = {
      Type: resource.Type,
      Properties: value(resource.Properties ?? {}) as Record<string, unknown>,
    };
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && !condition(output.Condition)) continue;
    outputs[name] = value(output.Value);
  }
  return { resources, outputs };
}

/** IAM's wildcard match for ARNs: "*" any run of characters (":" and "/" included), "?" one. */
export function arnMatches(pattern: string, arn: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(arn);
}
