import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesPod } from './kubernetes-pod.ts';
import { podToTarget } from './kubernetes-pod-target.ts';
import { podWorkload } from './kubernetes-pod-workload.ts';

interface PodInput {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  ip?: string;
  phase?: string;
  ready?: boolean;
  deleting?: boolean;
  owners?: { kind: string; name: string; controller?: boolean }[];
}

function pod(p: PodInput = {}): KubernetesPod {
  return {
    metadata: {
      namespace: 'shop',
      name: 'api-7c9d8-x2x5q',
      uid: 'u-1',
      labels: p.labels ?? { app: 'api' },
      annotations: p.annotations ?? { 'gopprof.io/scrape': 'true', 'gopprof.io/port': '6060' },
      ...(p.owners ? { ownerReferences: p.owners } : {}),
      ...(p.deleting ? { deletionTimestamp: '2026-11-02T10:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'app', ports: p.ports ?? [] }, { name: 'sidecar', ports: [{ name: 'metrics', containerPort: 9090 }] }] },
    status: {
      phase: p.phase ?? 'Running',
      podIP: p.ip ?? '10.1.2.3',
      conditions: [{ type: 'Ready', status: (p.ready ?? true) ? 'True' : 'False' }],
    },
  };
}

function target(p: PodInput = {}, prefix = 'gopprof.io') {
  const r = podToTarget(pod(p), prefix);
  assert.equal(r.kind, 'target', r.kind === 'problem' ? r.problem.reason : r.kind);
  return r.kind === 'target' ? r.target : assert.fail();
}

function problem(p: PodInput) {
  const r = podToTarget(pod(p), 'gopprof.io');
  assert.equal(r.kind, 'problem');
  return r.kind === 'problem' ? r.problem : assert.fail();
}

test('an annotated ready pod becomes a target named and identified by namespace, name and uid', () => {
  const t = target({ labels: { app: 'api', 'gopprof.io/owner': 'team-label' } });
  assert.deepEqual(t, {
    id: 'pod/shop/api-7c9d8-x2x5q/u-1',
    name: 'shop/api-7c9d8-x2x5q',
    pprofBaseUrl: 'http://10.1.2.3:6060/debug/pprof',
    labels: { app: 'api', 'gopprof.io/owner': 'team-label' },
    owner: 'team-label',
    pod: { namespace: 'shop', name: 'api-7c9d8-x2x5q', uid: 'u-1', workload: '' },
  });
});

test('path, scheme and owner annotations; the owner annotation wins over the label', () => {
  const t = target({
    labels: { 'gopprof.io/owner': 'from-label' },
    annotations: {
      'gopprof.io/scrape': 'true',
      'gopprof.io/port': '8443',
      'gopprof.io/path': '/internal/pprof/',
      'gopprof.io/scheme': 'https',
      'gopprof.io/owner': 'team-a',
    },
  });
  assert.equal(t.pprofBaseUrl, 'https://10.1.2.3:8443/internal/pprof');
  assert.equal(t.owner, 'team-a');
  assert.equal(target({ labels: {} }).owner, '');
});

test('a port annotation may name a container port of any container', () => {
  const t = target({ annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': 'metrics' } });
  assert.equal(t.pprofBaseUrl, 'http://10.1.2.3:9090/debug/pprof');
  assert.match(problem({ annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': 'debug' } }).reason, /no TCP container port is named "debug"/);
  assert.match(
    problem({ annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': 'pprof' }, ports: [{ name: 'pprof', containerPort: 6060, protocol: 'UDP' }] })
      .reason,
    /no TCP container port is named "pprof"/,
  );
});

test('a container port named pprof opts a pod in without annotations; scrape "false" opts it out', () => {
  const ports = [{ name: 'http', containerPort: 8080 }, { name: 'pprof', containerPort: 6061 }];
  assert.equal(target({ annotations: {}, ports }).pprofBaseUrl, 'http://10.1.2.3:6061/debug/pprof');
  assert.equal(target({ annotations: { 'gopprof.io/path': '/dbg' }, ports }).pprofBaseUrl, 'http://10.1.2.3:6061/dbg');
  assert.equal(podToTarget(pod({ annotations: { 'gopprof.io/scrape': 'false' }, ports }), 'gopprof.io').kind, 'ignored');
  assert.equal(podToTarget(pod({ annotations: {}, ports: [{ name: 'http', containerPort: 8080 }] }), 'gopprof.io').kind, 'ignored');
  assert.equal(target({ annotations: { 'gopprof.io/scrape': 'true' }, ports }).pprofBaseUrl, 'http://10.1.2.3:6061/debug/pprof');
  assert.match(problem({ annotations: { 'gopprof.io/scrape': 'true' } }).reason, /no port: set gopprof.io\/port or name a container port "pprof"/);
});

test('the annotation prefix is configurable', () => {
  const t = target({ annotations: { 'profiling.example.com/scrape': 'true', 'profiling.example.com/port': '7000' } }, 'profiling.example.com');
  assert.equal(t.pprofBaseUrl, 'http://10.1.2.3:7000/debug/pprof');
  assert.equal(podToTarget(pod({ annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': '1' } }), 'profiling.example.com').kind, 'ignored');
});

test('IPv6 pod addresses are bracketed in the URL', () => {
  assert.equal(target({ ip: 'fd00:10:244::1f' }).pprofBaseUrl, 'http://[fd00:10:244::1f]:6060/debug/pprof');
  const fromList = podToTarget(
    { ...pod(), status: { phase: 'Running', podIPs: [{ ip: '2001:db8::5' }], conditions: [{ type: 'Ready', status: 'True' }] } },
    'gopprof.io',
  );
  assert.equal(fromList.kind === 'target' && fromList.target.pprofBaseUrl, 'http://[2001:db8::5]:6060/debug/pprof');
  assert.match(problem({ ip: 'not-an-ip' }).reason, /is not an IP address/);
});

test('invalid annotations are problems that say which key and why', () => {
  const bad = (annotations: Record<string, string>) => problem({ annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': '6060', ...annotations } });
  assert.match(bad({ 'gopprof.io/port': '0' }).reason, /gopprof.io\/port: "0" is not a port/);
  assert.match(bad({ 'gopprof.io/port': '65536' }).reason, /is not a port \(1-65535\)/);
  assert.match(bad({ 'gopprof.io/port': '-1' }).reason, /neither a port number nor a container port name/);
  assert.match(bad({ 'gopprof.io/port': '60.5' }).reason, /neither a port number/);
  for (const path of ['debug/pprof', '/a?b=1', '/a#x', '/a/../b', '/a b', '/%2e%2e/x']) {
    const p = bad({ 'gopprof.io/path': path });
    assert.match(p.reason, /gopprof.io\/path: .* must start with "\/"/, path);
    assert.equal(p.invalid, true);
  }
  assert.match(bad({ 'gopprof.io/scheme': 'ftp' }).reason, /gopprof.io\/scheme: want "http" or "https", got "ftp"/);
  assert.match(bad({ 'gopprof.io/scrape': 'yes' }).reason, /gopprof.io\/scrape: want "true" or "false", got "yes"/);
  const both = bad({ 'gopprof.io/port': '0', 'gopprof.io/scheme': 'gopher' });
  assert.match(both.reason, /port.*; .*scheme/);
  assert.equal(both.id, 'pod/shop/api-7c9d8-x2x5q/u-1');
  assert.equal(both.name, 'shop/api-7c9d8-x2x5q');
  // The pod and its labels, so the status API shows which pod and a selector can pick the problem.
  const owned = problem({
    annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': 'x' },
    labels: { app: 'api', 'pod-template-hash': '7c9d8' },
    owners: [{ kind: 'ReplicaSet', name: 'api-7c9d8', controller: true }],
  });
  assert.deepEqual(owned.pod, { namespace: 'shop', name: 'api-7c9d8-x2x5q', uid: 'u-1', workload: 'api' });
  assert.deepEqual(owned.labels, { app: 'api', 'pod-template-hash': '7c9d8' });
});

test('only running, ready, addressed pods that are not being deleted are targets', () => {
  const waiting = (p: PodInput) => {
    const r = problem(p);
    assert.equal(r.invalid, false);
    return r.reason;
  };
  assert.equal(waiting({ phase: 'Pending' }), 'phase is Pending, not Running');
  assert.equal(waiting({ phase: 'Succeeded' }), 'phase is Succeeded, not Running');
  assert.equal(waiting({ ready: false }), 'not ready');
  assert.equal(waiting({ ip: '' }), 'no pod IP yet');
  assert.equal(waiting({ deleting: true }), 'being deleted');
  const noConditions = podToTarget({ ...pod(), status: { phase: 'Running', podIP: '10.0.0.1' } }, 'gopprof.io');
  assert.equal(noConditions.kind === 'problem' && noConditions.problem.reason, 'not ready');
});

test('workloads come from the controller owner reference', () => {
  const w = (owners: PodInput['owners'], labels: Record<string, string> = {}) => podWorkload(pod({ owners, labels }));
  assert.equal(w([{ kind: 'ReplicaSet', name: 'api-7c9d8', controller: true }], { 'pod-template-hash': '7c9d8' }), 'api');
  // A Deployment whose own name ends in a hash-like part is kept whole.
  assert.equal(w([{ kind: 'ReplicaSet', name: 'api-v2-5f6b7', controller: true }], { 'pod-template-hash': '5f6b7' }), 'api-v2');
  // A bare ReplicaSet (no pod-template-hash) is its own workload.
  assert.equal(w([{ kind: 'ReplicaSet', name: 'legacy-rs', controller: true }]), 'legacy-rs');
  assert.equal(w([{ kind: 'StatefulSet', name: 'db', controller: true }]), 'db');
  assert.equal(w([{ kind: 'DaemonSet', name: 'node-agent', controller: true }]), 'node-agent');
  assert.equal(w([{ kind: 'Job', name: 'backfill-28391', controller: true }]), 'backfill-28391');
  assert.equal(
    w([
      { kind: 'ConfigMap', name: 'not-me' },
      { kind: 'StatefulSet', name: 'the-controller', controller: true },
    ]),
    'the-controller',
  );
  assert.equal(w(undefined), '');
  assert.equal(target({ owners: [{ kind: 'ReplicaSet', name: 'api-7c9d8', controller: true }], labels: { 'pod-template-hash': '7c9d8' } }).pod?.workload, 'api');
});
