/**
 * Reading the JSON answers of DingTalk, Feishu/Lark and WeCom robots, which
 * say HTTP 200 even when they refuse a message: `{"errcode": 310000,
 * "errmsg": "sign not match"}` or `{"code": 19021, "msg": "sign match fail"}`.
 */
import type { AnswerRejection } from './receiver-protocol.ts';

/** Where a robot puts its result code and message (the first field present is read). */
export interface AnswerFields {
  readonly code: readonly string[];
  readonly message: readonly string[];
  /** Codes that mean "too many messages, try later" (e.g. DingTalk 130101: more than 20 a minute). */
  readonly retryableCodes: readonly number[];
}

/**
 * A rejection for a body whose code is non-zero, or that is not the JSON the
 * robot always answers (a proxy's page, a wrong URL); undefined for code 0.
 */
export function chatAnswerRejection(body: string, fields: AnswerFields): AnswerRejection | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { message: `unexpected answer (not JSON): ${body.slice(0, 200)}`, retryable: false };
  }
  const o = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const codeField = fields.code.find((f) => f in o);
  if (codeField === undefined) {
    return { message: `unexpected answer (no ${fields.code.join('/')}): ${body.slice(0, 200)}`, retryable: false };
  }
  const code = Number(o[codeField]);
  if (code === 0) return undefined;
  const text = fields.message.map((f) => o[f]).find((v) => typeof v === 'string') ?? '';
  return {
    message: `${codeField} ${String(o[codeField])}: ${String(text).slice(0, 200)}`,
    retryable: fields.retryableCodes.includes(code),
  };
}
