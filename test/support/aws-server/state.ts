/**
 * What the fake AWS remembers: layers per region (with their zip bytes, so functions can run
 * on them), functions, buckets and objects, roles and sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RoleTrust } from './types.js';

export interface StoredLayerVersion {
  readonly layerName: string;
  readonly region: string;
  readonly version: number;
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly description: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  readonly licenseInfo?: string;
  readonly createdDate: string;
  /** The zip as published: Invoke extracts it as the function's /opt. */
  readonly zip: Buffer;
  /** StatementId -> statement. */
  readonly policy: Map<string, Record<string, unknown>>;
}

/** A deployed function: what CloudFormation would have created from the packaged template. */
export interface StoredFunction {
  readonly region: string;
  readonly name: string;
  readonly handler: string;
  readonly runtime: string;
  /** Seconds. */
  readonly timeout: number;
  /** MB. */
  readonly memorySize: number;
  /** The extracted function zip (Lambda's /var/task). */
  readonly codeDir: string;
  /** Layer version ARNs, in the order Lambda extracts them into /opt. */
  readonly layers: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
}

interface StoredLayer {
  nextVersion: number;
  readonly versions: Map<number, StoredLayerVersion>;
}

export interface Session {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly arn: string;
  readonly expires?: Date;
}

/** Lambda's CreatedDate format: 2018-11-14T23:03:52.894+0000 */
const lambdaDate = (date: Date): string => date.toISOString().replace('Z', '+0000');

export class AwsTestState {
  readonly accountId: string;
  private readonly layers = new Map<string, Map<string, StoredLayer>>();
  private readonly buckets = new Map<string, { region: string; objects: Map<string, Buffer> }>();
  private readonly functions = new Map<string, StoredFunction>();
  readonly roles = new Map<string, RoleTrust>();
  readonly sessions = new Map<string, Session>();

  constructor(accountId: string) {
    this.accountId = accountId;
  }

  layerArn(region: string, name: string): string {
    return `arn:aws:lambda:${region}:${this.accountId}:layer:${name}`;
  }

  private layer(region: string, name: string, create: boolean): StoredLayer | undefined {
    let byName = this.layers.get(region);
    if (!byName && create) {
      byName = new Map();
      this.layers.set(region, byName);
    }
    let layer = byName?.get(name);
    if (!layer && create && byName) {
      layer = { nextVersion: 1, versions: new Map() };
      byName.set(name, layer);
    }
    return layer;
  }

  /** Versions of a layer in a region, oldest first. */
  layerVersions(region: string, name: string): StoredLayerVersion[] {
    return [...(this.layer(region, name, false)?.versions.values() ?? [])].sort(
      (a, b) => a.version - b.version,
    );
  }

  getLayerVersion(region: string, name: string, version: number): StoredLayerVersion | undefined {
    return this.layer(region, name, false)?.versions.get(version);
  }

  /** Creates a version (Lambda never reuses a number, even after deletes). */
  addLayerVersion(
    region: string,
    name: string,
    zip: Buffer,
    meta: {
      description?: string;
      compatibleRuntimes?: readonly string[];
      compatibleArchitectures?: readonly string[];
      licenseInfo?: string;
    } = {},
  ): StoredLayerVersion {
    const layer = this.layer(region, name, true) as StoredLayer;
    const version: StoredLayerVersion = {
      layerName: name,
      region,
      version: layer.nextVersion++,
      codeSha256: createHash('sha256').update(zip).digest('base64'),
      codeSize: zip.length,
      description: meta.description ?? '',
      compatibleRuntimes: meta.compatibleRuntimes ?? [],
      compatibleArchitectures: meta.compatibleArchitectures ?? [],
      licenseInfo: meta.licenseInfo,
      createdDate: lambdaDate(new Date()),
      zip,
      policy: new Map(),
    };
    layer.versions.set(version.version, version);
    return version;
  }

  deleteLayerVersion(region: string, name: string, version: number): boolean {
    return this.layer(region, name, false)?.versions.delete(version) ?? false;
  }

  functionArn(region: string, name: string): string {
    return `arn:aws:lambda:${region}:${this.accountId}:function:${name}`;
  }

  putFunction(fn: StoredFunction): void {
    this.functions.set(`${fn.region}/${fn.name}`, fn);
  }

  getFunction(region: string, name: string): StoredFunction | undefined {
    return this.functions.get(`${region}/${name}`);
  }

  /** The layer version an ARN names (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:N). */
  layerVersionByArn(arn: string): StoredLayerVersion | undefined {
    const [, , , region = '', , , name = '', version = ''] = arn.split(':');
    return this.getLayerVersion(region, name, Number(version));
  }

  createBucket(name: string, region: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { region, objects: new Map() });
  }

  bucketRegion(name: string): string | undefined {
    return this.buckets.get(name)?.region;
  }

  putObject(bucket: string, key: string, body: Buffer): void {
    this.buckets.get(bucket)?.objects.set(key, body);
  }

  getObject(bucket: string, key: string): Buffer | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  deleteObject(bucket: string, key: string): void {
    this.buckets.get(bucket)?.objects.delete(key);
  }

  /** Keys currently stored in a bucket. */
  objectKeys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.objects.keys() ?? [])];
  }

  addRole(arn: string, trust: RoleTrust): void {
    this.roles.set(arn, trust);
  }

  /** Issues temporary credentials for an assumed role session. */
  issueSession(roleArn: string, sessionName: string, durationSeconds: number): Session {
    const roleName = roleArn.split('/').pop() ?? 'role';
    const session: Session = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString('base64')}`,
      arn: `arn:aws:sts::${this.accountId}:assumed-role/${roleName}/${sessionName}`,
      expires: new Date(Date.now() + durationSeconds * 1000),
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }
}
