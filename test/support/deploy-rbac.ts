/**
 * What a ServiceAccount may do, worked out from rendered RBAC objects the way
 * the API server's RBAC authorizer does: a ClusterRoleBinding grants its
 * ClusterRole's rules everywhere; a RoleBinding grants its Role's (or
 * ClusterRole's) rules in the binding's namespace only. Lets deploy.test.ts
 * check that the manifests allow every Kubernetes API call the code makes.
 */
import { apiGroup, type K8sObject } from './deploy-kustomize.ts';

/** One RBAC rule, as written in a Role or ClusterRole. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** Rules granted to the subject, and where: '*' for every namespace (and cluster-scoped resources), else one namespace. */
export interface Grant {
  readonly scope: string;
  readonly role: string;
  readonly rules: readonly PolicyRule[];
}

/** An API request to authorize: `namespace` '*' asks for all namespaces at once (a cluster-wide list or watch). */
export interface ApiRequest {
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  readonly namespace: string;
}

interface Binding {
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
}

function isRbac(o: K8sObject, kind: string): boolean {
  return o.kind === kind && apiGroup(o.apiVersion) === 'rbac.authorization.k8s.io';
}

/** The grants of ServiceAccount `namespace/name`; throws when a binding names a role that is not in `objects`. */
export function serviceAccountGrants(objects: readonly K8sObject[], namespace: string, name: string): Grant[] {
  const grants: Grant[] = [];
  for (const o of objects) {
    const clusterWide = isRbac(o, 'ClusterRoleBinding');
    if (!clusterWide && !isRbac(o, 'RoleBinding')) continue;
    const b = o as unknown as Binding;
    const bound = (b.subjects ?? []).some(
      (s) => s.kind === 'ServiceAccount' && s.name === name && (s.namespace ?? o.metadata.namespace) === namespace,
    );
    if (!bound) continue;
    const scope = clusterWide ? '*' : (o.metadata.namespace ?? '');
    const role = objects.find(
      (r) =>
        isRbac(r, b.roleRef.kind) &&
        r.metadata.name === b.roleRef.name &&
        (b.roleRef.kind === 'ClusterRole' || r.metadata.namespace === o.metadata.namespace),
    );
    if (!role) throw new Error(`${o.kind} ${o.metadata.name} refers to ${b.roleRef.kind} ${b.roleRef.name}, which is not defined`);
    if (clusterWide && b.roleRef.kind !== 'ClusterRole') throw new Error(`ClusterRoleBinding ${o.metadata.name} refers to a Role`);
    grants.push({ scope, role: `${role.kind}/${role.metadata.name}`, rules: (role.rules ?? []) as PolicyRule[] });
  }
  return grants;
}

function has(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).includes(value) || (list ?? []).includes('*');
}

/** Whether one rule allows the request on any object (a rule limited by resourceNames does not allow list or watch). */
export function ruleAllows(rule: PolicyRule, req: Omit<ApiRequest, 'namespace'>): boolean {
  if (rule.resourceNames && rule.resourceNames.length > 0) return false;
  return has(rule.apiGroups, req.group) && has(rule.resources, req.resource) && has(rule.verbs, req.verb);
}

/** Whether the grants allow the request. */
export function isAllowed(grants: readonly Grant[], req: ApiRequest): boolean {
  return grants.some((g) => (g.scope === '*' || g.scope === req.namespace) && g.rules.some((r) => ruleAllows(r, req)));
}
