/**
 * Prometheus Alertmanager: each capture becomes one alert POSTed to
 * `/api/v2/alerts`, so the routing a team already has (by `owner`,
 * `namespace`, `severity`…) reaches the owner with no new chat integration.
 * A capture is an event, not a state: the alert ends `alertDurationSeconds`
 * after it is sent. `capture_id` is a label so two captures of one pod are two
 * alerts, each pointing at its own evidence.
 */
import { type ChatDialect, chatLines, messageTitle } from './chat-text.ts';
import { JSON_HEADERS, type ReceiverProtocol } from './receiver-protocol.ts';

/** The alert name routes and silences match on. */
export const ALERT_NAME = 'GopprofCapture';

/** One alert as Alertmanager's API v2 takes it (postableAlert). */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string;
}

const plainDialect: ChatDialect = {
  escape: (s) => s,
  bold: (s) => s,
  code: (s) => s,
  link: (label, url) => `${label} ${url}`,
};

/** `http://am:9093` → `http://am:9093/api/v2/alerts` (a route prefix in the path is kept). */
export function alertsEndpoint(baseUrl: string): string {
  const u = new URL(baseUrl);
  if (!u.pathname.endsWith('/api/v2/alerts')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return u.href;
}

/** The Alertmanager format. */
export const alertmanagerReceiver: ReceiverProtocol = {
  build(message, spec, context) {
    const pod = message.target.pod;
    const candidates: Record<string, string> = {
      alertname: ALERT_NAME,
      severity: 'info',
      target: message.target.name,
      namespace: pod?.namespace ?? '',
      pod: pod?.name ?? '',
      workload: pod?.workload ?? '',
      owner: message.target.owner,
      profile_type: message.profileType,
      rule: message.reason.kind === 'auto' ? message.reason.rule : 'manual',
      capture_status: message.status,
      capture_id: message.captureId,
    };
    // An empty label is an absent label to Alertmanager; leave it out.
    const labels = Object.fromEntries(Object.entries(candidates).filter(([, v]) => v !== ''));
    const annotations: Record<string, string> = {
      summary: messageTitle(message),
      description: chatLines(message, plainDialect).join('\n'),
      ...(message.links.svg ? { svg_url: message.links.svg } : {}),
      ...(message.links.profile ? { profile_url: message.links.profile } : {}),
    };
    const finished = Date.parse(message.finishedAt);
    const startsAt = Number.isFinite(finished) && finished <= context.nowMs ? new Date(finished) : new Date(context.nowMs);
    const alert: PostableAlert = {
      labels,
      annotations,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(context.nowMs + context.alertDurationSeconds * 1000).toISOString(),
      ...(message.links.svg ? { generatorURL: message.links.svg } : {}),
    };
    return { url: alertsEndpoint(spec.url), headers: JSON_HEADERS, body: JSON.stringify([alert]) };
  },
};
