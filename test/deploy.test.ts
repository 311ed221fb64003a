/**
 * The deployment (Dockerfile, .dockerignore, deploy/ kustomizations) agrees
 * with the code: ports and names match across the Deployment, the Service, the
 * ConfigMap and the code's defaults; the ConfigMap loads with the real
 * loadConfig; env vars name real configuration keys; RBAC allows every
 * Kubernetes API call the code makes and nothing broad; the pod runs
 * non-root on a read-only root; the image holds exactly what the service
 * imports. No Docker engine or cluster runs here, so the image recipe and the
 * manifests are checked as data.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { type Config, configEnvNames, DEFAULT_CONFIG, loadConfig } from '../src/config/index.ts';
import { KUBERNETES_API_CALLS } from '../src/targets/kubernetes-api-calls.ts';
import { copyArgs, envVars, execForm, type Instruction, parseDockerfile } from './support/deploy-dockerfile.ts';
import { dockerignoreFilter } from './support/deploy-dockerignore.ts';
import { importGraph } from './support/deploy-import-graph.ts';
import {
  type K8sObject,
  kustomizationFile,
  loadManifests,
  loadYamlDocuments,
  podSpecOf,
  type Rendered,
  renderKustomization,
} from './support/deploy-kustomize.ts';
import { isAllowed, ruleAllows, serviceAccountGrants } from './support/deploy-rbac.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

// --- shapes of the Kubernetes objects the checks read ---------------------------------
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Probe {
  grpc?: { port: number; service?: string };
  httpGet?: { path: string; port: number | string };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: unknown[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; emptyDir?: object; persistentVolumeClaim?: object }[];
}
interface ServiceSpec {
  selector: Record<string, string>;
  ports: { name: string; port: number; targetPort: number | string; appProtocol?: string }[];
}

// --- the rendered kustomizations and the image recipe, read once ----------------------
/** Every directory under deploy/ with a kustomization, relative to deploy/. */
function kustomizationDirs(dir = DEPLOY): string[] {
  const out = kustomizationFile(dir) ? [relative(DEPLOY, dir) || '.'] : [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...kustomizationDirs(join(dir, e.name)));
  }
  return out.sort();
}
const DIRS = kustomizationDirs();
const RENDERS = new Map<string, Rendered>(DIRS.map((d) => [d, renderKustomization(join(DEPLOY, d))]));
const DOCKERFILE = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const FINAL = DOCKERFILE.stages[DOCKERFILE.stages.length - 1];
const IMAGE_ENV = envVars(FINAL.instructions);

const temp = mkdtempSync(join(tmpdir(), 'gopprof-deploy-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function one(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `want exactly one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** The gopprof Deployment, its pod spec and its one container. */
function workload(objects: readonly K8sObject[]): { deployment: K8sObject; pod: PodSpec; container: Container } {
  const deployment = one(objects, 'Deployment');
  const pod = podSpecOf(deployment) as unknown as PodSpec;
  assert.equal(pod.containers.length, 1, 'one container');
  return { deployment, pod, container: pod.containers[0] };
}

function instructions(keyword: string, stage = FINAL): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The container's environment as the process sees it: the image's ENV, then the Deployment's env; secrets from *.example.yaml. */
function processEnv(dir: string, objects: readonly K8sObject[]): Record<string, string> {
  const { container } = workload(objects);
  const examples = readdirSync(join(DEPLOY, dir))
    .filter((f) => f.endsWith('.example.yaml'))
    .flatMap((f) => loadManifests(join(DEPLOY, dir, f)));
  const env: Record<string, string> = Object.fromEntries(IMAGE_ENV);
  assert.equal(container.envFrom, undefined, 'envFrom would hide which variables are set; use env');
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const secret = examples.find((o) => o.kind === 'Secret' && o.metadata.name === name);
      assert.ok(secret, `${dir}: ${e.name} reads Secret ${name}; give its shape in a *.example.yaml beside the kustomization`);
      const data = (secret.stringData ?? {}) as Record<string, string>;
      assert.ok(key in data, `${dir}: Secret ${name} in the example has no key ${key}`);
      env[e.name] = data[key];
    } else if (e.valueFrom?.configMapKeyRef) {
      const { name, key } = e.valueFrom.configMapKeyRef;
      env[e.name] = (one(objects, 'ConfigMap', name).data as Record<string, string>)[key];
    } else assert.fail(`${dir}: env ${e.name} has neither a value nor a secret/configMap reference`);
  }
  return env;
}

/** The config file the container is started with: the `--config` argument, resolved through its volume mount to the ConfigMap. */
function configFile(objects: readonly K8sObject[]): { path: string; text: string } {
  const { pod, container } = workload(objects);
  const args = container.args ?? [];
  const i = args.indexOf('--config');
  assert.ok(i >= 0 && args[i + 1], 'the container is started with --config FILE');
  const path = args[i + 1];
  const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === posix.dirname(path));
  assert.ok(mount, `no volume is mounted at ${posix.dirname(path)}`);
  assert.equal(mount.readOnly, true, 'the config volume is mounted read-only');
  const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
  assert.ok(volume?.configMap, `volume ${mount.name} is not a ConfigMap`);
  const data = one(objects, 'ConfigMap', volume.configMap.name).data as Record<string, string>;
  const text = data[posix.basename(path)];
  assert.equal(typeof text, 'string', `ConfigMap ${volume.configMap.name} has no key ${posix.basename(path)}`);
  return { path, text };
}

/** Loads the configuration the container would run with, using the real loadConfig. */
async function effectiveConfig(dir: string, objects: readonly K8sObject[]): Promise<Config> {
  const file = join(temp, `${dir.replace(/\W/g, '_')}-config.yaml`);
  writeFileSync(file, configFile(objects).text);
  return loadConfig({ file, env: processEnv(dir, objects) });
}

/** The container port a probe or Service targets by number or by name. */
function containerPort(container: Container, port: number | string): number {
  const p = (container.ports ?? []).find((x) => x.containerPort === port || x.name === port);
  assert.ok(p, `port ${port} is not a port of container ${container.name}`);
  return p.containerPort;
}

// --------------------------------------------------------------------------------------
describe('deploy/ manifests', () => {
  test('every kustomization renders: resources exist, patches hit exactly one resource', () => {
    assert.deepEqual(DIRS, ['base', 'overlays/minio', 'overlays/namespaced']);
    for (const [dir, r] of RENDERS) {
      const kinds = new Set(r.objects.map((o) => o.kind));
      for (const kind of ['Namespace', 'ServiceAccount', 'Deployment', 'Service', 'ConfigMap']) {
        assert.ok(kinds.has(kind), `${dir} renders a ${kind}`);
      }
    }
    // The same renderer rejects what kustomize would: a patch without a target, a missing resource.
    const broken = join(temp, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'kustomization.yaml'), 'resources: [../../nowhere.yaml]\n');
    assert.throws(() => renderKustomization(broken), /resource \.\.\/\.\.\/nowhere\.yaml does not exist/);
    writeFileSync(join(broken, 'kustomization.yaml'), `resources: [${join(DEPLOY, 'base')}]\npatches: [{path: p.yaml}]\n`);
    writeFileSync(join(broken, 'p.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gopprof-typo}\n');
    assert.throws(() => renderKustomization(broken), /matches 0 resources/);
  });

  test('every YAML file under deploy/ parses and is used; *.example.yaml never is', () => {
    const used = new Set([...RENDERS.values()].flatMap((r) => r.files.map((f) => relative(DEPLOY, f))));
    const yamlFiles = (readdirSync(DEPLOY, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).sort();
    for (const f of yamlFiles) {
      const docs = loadYamlDocuments(join(DEPLOY, f));
      assert.ok(docs.length > 0, `${f} is empty`);
      if (f.endsWith('.example.yaml')) {
        assert.ok(!used.has(f), `${f} holds placeholders and must not be applied by a kustomization`);
        loadManifests(join(DEPLOY, f));
      } else assert.ok(used.has(f), `${f} is not used by any kustomization`);
    }
  });

  test('ports and names agree across Deployment, Service, ConfigMap, Dockerfile and the code defaults', () => {
    for (const [dir, { objects }] of RENDERS) {
      const { deployment, pod, container } = workload(objects);
      const config = parseYaml(configFile(objects).text) as { grpc: { port: number }; http: { port: number } };
      const want = { grpc: DEFAULT_CONFIG.grpc.port, http: DEFAULT_CONFIG.http.port };
      assert.deepEqual({ grpc: config.grpc.port, http: config.http.port }, want, `${dir}: ConfigMap ports`);
      const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      assert.deepEqual(ports, want, `${dir}: container ports named grpc and http`);

      // Native gRPC probes take a number; they ask grpc.health.v1 for the server as a whole ("").
      for (const probe of [container.startupProbe, container.livenessProbe]) {
        assert.equal(probe?.grpc?.port, want.grpc, `${dir}: startup and liveness probes use gRPC health on the gRPC port`);
        assert.equal(probe.grpc.service ?? '', '');
      }
      const ready = container.readinessProbe?.httpGet;
      assert.ok(ready, `${dir}: HTTP readiness probe`);
      assert.equal(ready.path, '/readyz');
      assert.equal(containerPort(container, ready.port), want.http);

      const service = one(objects, 'Service');
      const spec = service.spec as ServiceSpec;
      assert.deepEqual(
        spec.ports.map((p) => [p.name, p.port, containerPort(container, p.targetPort), p.appProtocol]),
        [
          ['grpc', want.grpc, want.grpc, 'grpc'],
          ['http', want.http, want.http, 'http'],
        ],
        `${dir}: Service ports`,
      );
      const template = (deployment.spec as { template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> } } })
        .template.metadata;
      const selector = (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      for (const [k, v] of Object.entries({ ...spec.selector, ...selector })) {
        assert.equal(template.labels[k], v, `${dir}: the Service and Deployment selectors match the pod labels (${k})`);
      }
      if (template.annotations?.['prometheus.io/scrape'] === 'true') {
        assert.equal(template.annotations['prometheus.io/port'], String(want.http), 'metrics are on the HTTP port');
        assert.equal(template.annotations['prometheus.io/path'] ?? '/metrics', '/metrics');
      }
      assert.equal(container.image, `gopprof:${PACKAGE.version}`, `${dir}: the image tag is the package version`);
      assert.equal(pod.serviceAccountName, one(objects, 'ServiceAccount').metadata.name, `${dir}: serviceAccountName`);
    }
    const exposed = instructions('EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ''))));
    assert.deepEqual(exposed.sort(), [DEFAULT_CONFIG.grpc.port, DEFAULT_CONFIG.http.port].sort(), 'Dockerfile EXPOSE');
  });

  test('the ConfigMap is a valid configuration for the real loadConfig, in every kustomization', async () => {
    const configs = new Map<string, Config>();
    for (const [dir, { objects }] of RENDERS) configs.set(dir, await effectiveConfig(dir, objects));
    for (const [dir, c] of configs) {
      assert.equal(c.storage.localDir, '/var/lib/gopprof', `${dir}: storage.localDir`);
      assert.equal(c.kubernetes.enabled, true, `${dir}: discovery on`);
    }
    assert.equal(configs.get('base')?.storage.kind, 'local');
    const s3 = configs.get('overlays/minio')?.storage;
    assert.equal(s3?.kind, 's3');
    assert.equal(s3.s3.useSSL, false);
    assert.match(s3.s3.accessKey, /^REPLACE-/, 'the example secret holds placeholders, not credentials');
  });

  test("a local store's retention byte limit fits under its emptyDir's sizeLimit, so the pod is not evicted", async () => {
    const bytes = (q: string) => {
      const m = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(q);
      assert.ok(m, `sizeLimit ${q} is a binary quantity`);
      return Number(m[1]) * 1024 ** ['', 'Ki', 'Mi', 'Gi', 'Ti'].indexOf(m[2] ?? '');
    };
    let checked = 0;
    for (const [dir, { objects }] of RENDERS) {
      const config = await effectiveConfig(dir, objects);
      const { pod, container } = workload(objects);
      const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === config.storage.localDir);
      const volume = (pod.volumes ?? []).find((v) => v.name === mount?.name) as { emptyDir?: { sizeLimit?: string } } | undefined;
      const limit = volume?.emptyDir?.sizeLimit;
      if (config.storage.kind !== 'local' || limit === undefined) continue;
      const max = config.storage.retention.maxTotalBytes;
      assert.ok(max > 0 && max <= 0.9 * bytes(limit), `${dir}: storage.retention.maxTotalBytes ${max} leaves room under sizeLimit ${limit}`);
      assert.ok(config.storage.retention.maxAgeHours > 0, `${dir}: captures expire`);
      checked++;
    }
    assert.ok(checked > 0, 'the base runs the local store on an emptyDir');
  });

  test('every environment variable names a configuration key', () => {
    const names = configEnvNames();
    for (const [dir, { objects }] of RENDERS) {
      for (const e of workload(objects).container.env ?? []) {
        assert.ok(names.has(e.name), `${dir}: ${e.name} is not a configuration key's variable (configEnvNames())`);
      }
    }
    for (const name of IMAGE_ENV.keys()) {
      if (name.startsWith('GOPPROF_')) assert.ok(names.has(name), `Dockerfile ENV ${name} is not a configuration key's variable`);
    }
  });

  test('RBAC allows every Kubernetes API call the code makes, where discovery looks', async () => {
    assert.ok(KUBERNETES_API_CALLS.length > 0);
    for (const [dir, { objects }] of RENDERS) {
      const sa = one(objects, 'ServiceAccount');
      const grants = serviceAccountGrants(objects, sa.metadata.namespace ?? '', sa.metadata.name);
      const config = await effectiveConfig(dir, objects);
      // All namespaces is one cluster-wide list/watch; otherwise one per namespace.
      const scopes = config.kubernetes.namespaces.length > 0 ? config.kubernetes.namespaces : ['*'];
      for (const call of KUBERNETES_API_CALLS) {
        for (const verb of call.verbs) {
          for (const namespace of scopes) {
            const req = { group: call.group, resource: call.resource, verb, namespace };
            assert.ok(isAllowed(grants, req), `${dir}: ${sa.metadata.name} may not ${verb} ${call.resource} in ${namespace}`);
          }
        }
      }
      // Leader election (the HA issue): its Lease lives in gopprof's own namespace.
      for (const verb of ['get', 'create', 'update']) {
        const req = { group: 'coordination.k8s.io', resource: 'leases', verb, namespace: sa.metadata.namespace ?? '' };
        assert.ok(isAllowed(grants, req), `${dir}: may not ${verb} leases`);
      }
      // …and nowhere else: pod access only where discovery looks.
      for (const call of KUBERNETES_API_CALLS) {
        const where = grants.filter((g) => g.rules.some((rule) => call.verbs.some((verb) => ruleAllows(rule, { ...call, verb }))));
        assert.deepEqual(
          where.map((g) => g.scope).sort(),
          [...scopes].sort(),
          `${dir}: ${call.resource} access is granted in ${where.map((g) => g.scope).join(', ')}, discovery looks in ${scopes.join(', ')}`,
        );
      }
    }
  });

  test('RBAC is least privilege: no wildcards, only what the code uses, writes only to leases in its namespace', () => {
    const used = new Set(KUBERNETES_API_CALLS.flatMap((c) => c.verbs.map((v) => `${c.group}/${c.resource}/${v}`)));
    for (const v of ['get', 'create', 'update']) used.add(`coordination.k8s.io/leases/${v}`);
    for (const [dir, { objects }] of RENDERS) {
      const sa = one(objects, 'ServiceAccount');
      for (const g of serviceAccountGrants(objects, sa.metadata.namespace ?? '', sa.metadata.name)) {
        for (const rule of g.rules) {
          const all = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
          assert.ok(!all.includes('*'), `${dir}: ${g.role} uses a wildcard`);
          assert.equal(rule.nonResourceURLs, undefined, `${dir}: ${g.role} grants non-resource URLs`);
          for (const group of rule.apiGroups ?? []) {
            for (const resource of rule.resources ?? []) {
              for (const verb of rule.verbs) {
                assert.ok(used.has(`${group}/${resource}/${verb}`), `${dir}: ${g.role} grants ${verb} ${group}/${resource}, which the code never does`);
                if (resource === 'leases') assert.equal(g.scope, sa.metadata.namespace, `${dir}: leases only in gopprof's namespace`);
              }
            }
          }
        }
      }
    }
  });

  test('the pod runs as a numeric non-root user, read-only, without privileges, writing only to its volumes', () => {
    const user = instructions('USER').at(-1)?.args ?? '';
    const uid = Number(user.split(':')[0]);
    for (const [dir, { objects }] of RENDERS) {
      const { pod, container } = workload(objects);
      const sc: SecurityContext = { ...pod.securityContext, ...container.securityContext };
      assert.equal(sc.runAsNonRoot, true, `${dir}: runAsNonRoot`);
      assert.ok(Number.isInteger(sc.runAsUser) && (sc.runAsUser ?? 0) > 0, `${dir}: runAsUser is a non-zero number`);
      assert.equal(sc.runAsUser, uid, `${dir}: runAsUser is the image's USER`);
      assert.equal(sc.readOnlyRootFilesystem, true, `${dir}: readOnlyRootFilesystem`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${dir}: allowPrivilegeEscalation`);
      assert.notEqual(sc.privileged, true, `${dir}: privileged`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${dir}: capabilities drop ALL`);
      assert.deepEqual(sc.capabilities?.add ?? [], [], `${dir}: no capabilities added`);
      assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', `${dir}: seccomp RuntimeDefault`);
      assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, `${dir}: no host namespaces`);
      assert.equal(pod.automountServiceAccountToken, true, `${dir}: the service needs its token for the Kubernetes API`);
      assert.equal(container.command, undefined, `${dir}: the image's ENTRYPOINT starts the service`);

      // With a read-only root, the store directory (from the config file and the image env) and /tmp must be volumes.
      const localDir = IMAGE_ENV.get('GOPPROF_STORAGE_LOCAL_DIR');
      const configured = (parseYaml(configFile(objects).text) as { storage: { localDir: string } }).storage.localDir;
      assert.equal(configured, localDir, `${dir}: the ConfigMap and the image agree on storage.localDir`);
      for (const path of [localDir, '/tmp']) {
        const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === path);
        assert.ok(mount && !mount.readOnly, `${dir}: ${path} is a writable volume`);
        const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
        assert.ok(volume?.emptyDir || volume?.persistentVolumeClaim, `${dir}: ${path} is an emptyDir or a PVC`);
      }
      for (const kind of ['requests', 'limits'] as const) {
        assert.ok(container.resources?.[kind]?.cpu && container.resources[kind].memory, `${dir}: resources.${kind}`);
      }
    }
  });
});

// --------------------------------------------------------------------------------------
describe('Dockerfile', () => {
  test('builds in stages from a slim official Node image of the major the package needs', () => {
    assert.ok(DOCKERFILE.stages.length >= 2, 'multi-stage');
    const major = /(\d+)/.exec(PACKAGE.engines.node)?.[1];
    assert.equal(/(\d+)/.exec(PACKAGE.devDependencies.node)?.[1], major, 'the node devDependency matches engines');
    for (const stage of DOCKERFILE.stages) {
      const from = DOCKERFILE.stages.find((s) => s.name === stage.from)?.from ?? stage.from;
      assert.match(from, new RegExp(`^node:${major}(\\.\\d+)*-[a-z]+-slim(@sha256:[0-9a-f]{64})?$`), `FROM ${stage.from}`);
    }
    assert.equal(FINAL.name, 'runtime');
  });

  test('installs production dependencies only, without install scripts, and no Go or graphviz', () => {
    const runs = DOCKERFILE.stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN'));
    const npm = runs.filter((r) => /\bnpm\b/.test(r.args));
    assert.ok(npm.length > 0 && npm.every((r) => /\bnpm ci\b/.test(r.args)), 'npm ci (the lockfile), never npm install');
    for (const r of npm) {
      assert.match(r.args, /--omit=dev\b/, `line ${r.line}: --omit=dev`);
      assert.match(r.args, /--ignore-scripts\b/, `line ${r.line}: --ignore-scripts`);
    }
    for (const r of runs) assert.doesNotMatch(r.args, /\b(apt-get|apk|go|golang|graphviz|dot)\b/, `line ${r.line}: ${r.args}`);
    // --ignore-scripts is safe while no production package needs its install script; a new one must be looked at.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const scripted = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript && !p.dev)
      .map(([path]) => path);
    assert.deepEqual(scripted, ['node_modules/protobufjs'], 'production packages with install scripts (protobufjs only warns)');
  });

  test('runs as a numeric non-root user with WORKDIR /app, NODE_ENV=production and the store as a volume', () => {
    const user = instructions('USER').at(-1)?.args ?? '';
    assert.match(user, /^[1-9]\d*(:\d+)?$/, `USER ${user} is numeric and not root`);
    assert.equal(instructions('WORKDIR').at(-1)?.args, '/app');
    assert.equal(IMAGE_ENV.get('NODE_ENV'), 'production');
    const localDir = IMAGE_ENV.get('GOPPROF_STORAGE_LOCAL_DIR');
    assert.equal(localDir, '/var/lib/gopprof');
    const volumes = instructions('VOLUME').flatMap((i) => execForm(i.args) ?? i.args.split(/\s+/));
    assert.deepEqual(volumes, [localDir]);
    const chown = instructions('RUN').some((r) => r.args.includes(`chown ${user}`) && r.args.includes(localDir ?? '-'));
    assert.ok(chown, 'the volume directory belongs to the service user (an empty volume inherits it)');
  });

  test('copies only the package files, bin/ and src/, which exist, and starts src/main.ts', () => {
    const copies = instructions('COPY').map((i) => copyArgs(i.args));
    const fromContext = copies.filter((c) => !c.flags.has('from')).flatMap((c) => c.sources);
    assert.deepEqual(fromContext.sort(), ['bin', 'package-lock.json', 'package.json', 'src']);
    for (const s of fromContext) assert.ok(existsSync(join(ROOT, s)), `COPY ${s}: not in the repository`);
    const fromStages = copies.filter((c) => c.flags.has('from'));
    assert.deepEqual(
      fromStages.map((c) => [c.flags.get('from'), c.sources]),
      [['deps', ['/app/node_modules']]],
    );
    for (const c of copies) assert.equal(c.flags.get('chown'), undefined, 'code stays owned by root, read-only to the service');
    const entrypoint = execForm(instructions('ENTRYPOINT').at(-1)?.args ?? '');
    assert.deepEqual(entrypoint, ['node', 'src/main.ts'], 'exec form, so node gets SIGTERM');
    assert.ok(existsSync(join(ROOT, 'src/main.ts')));
    assert.equal(instructions('CMD').length, 0, 'arguments come from the Deployment');
  });

  test('.dockerignore sends the sources and no tests or test data', () => {
    const sent = dockerignoreFilter(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    const files = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = posix.join(dir, e.name);
        if (e.isDirectory()) return ['node_modules', '.git', 'var', 'tmp'].includes(e.name) && dir === '.' ? [] : files(rel);
        return [posix.normalize(rel)];
      });
    const all = files('.');
    const inContext = all.filter(sent);
    assert.ok(inContext.includes('package.json') && inContext.includes('package-lock.json') && inContext.includes('src/main.ts'));
    for (const f of inContext) {
      assert.match(f, /^(package\.json|package-lock\.json|bin\/|src\/)/, `${f} is sent to the build`);
      assert.doesNotMatch(f, /\.test\.ts$|\/testdata\//, `${f}: tests stay out of the image`);
    }
    for (const f of all.filter((x) => x.startsWith('src/') && !x.endsWith('.test.ts') && !x.includes('/testdata/'))) {
      assert.ok(sent(f), `${f} is left out of the image`);
    }
  });

  test('the image holds everything the service imports, and no dev dependency', () => {
    const entry = execForm(instructions('ENTRYPOINT').at(-1)?.args ?? '')?.[1] ?? '';
    const graph = importGraph(ROOT, [entry, 'bin/gopprof.js']);
    const sent = dockerignoreFilter(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    assert.ok(graph.files.size > 10);
    for (const f of graph.files) {
      assert.ok(sent(f.split('\\').join('/')), `${f} is imported but not in the image`);
      assert.doesNotMatch(basename(f), /\.test\.ts$/, `${f}: the service imports a test`);
      assert.ok(!dirname(f).startsWith('test'), `${f}: the service imports test code`);
    }
    for (const p of graph.packages) {
      assert.ok(p in PACKAGE.dependencies, `${p} (imported by ${graph.importedFrom.get(p)}) is not a production dependency`);
    }
  });
});
