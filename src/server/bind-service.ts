/**
 * Binds plain async handlers to grpc-js calls, so handlers never see grpc-js:
 * a unary handler is `(request, context) => Promise<response>`, a
 * server-streaming handler is `(request, context) => AsyncIterable<response>`.
 *
 * This layer owns the call plumbing every method needs: one AbortSignal per
 * call that fires when the caller cancels, when the call's deadline passes, or
 * when the server stops; errors turned into statuses through error-status.ts;
 * write back-pressure on streams; a log line per failed call; and tracking of
 * in-flight calls so stop() can wait for them.
 */
import { once } from 'node:events';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  type Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { GopprofError } from '../errors.ts';
import type { Logger } from '../telemetry/index.ts';
import { type AbortCause, errorStatus } from './error-status.ts';

/** What a handler knows about the call besides its request. */
export interface CallContext {
  /** Fires when the caller cancels, the deadline passes, or the server stops; pass it to every async operation. */
  readonly signal: AbortSignal;
  /** The caller's request metadata. */
  readonly metadata: Metadata;
  /** The caller's address, for logs. */
  readonly peer: string;
  /** A child logger carrying the method name. */
  readonly log: Logger;
}

type Handler<M> = M extends { methodKind: 'unary'; input: infer I extends DescMessage; output: infer O extends DescMessage }
  ? (request: MessageShape<I>, context: CallContext) => Promise<MessageInitShape<O>>
  : M extends { methodKind: 'server_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
    ? (request: MessageShape<I>, context: CallContext) => AsyncIterable<MessageInitShape<O>>
    : never;

/** One handler per method of a generated service, keyed by the method's local (camelCase) name. */
export type ServiceHandlers<S extends GenServiceMethods> = { readonly [K in keyof S]: Handler<S[K]> };

/** What bindService needs from the server around it. */
export interface BindOptions {
  readonly log: Logger;
  /** Aborted when the server gives up waiting for in-flight calls on stop: cancels them all. */
  readonly stopSignal: AbortSignal;
  /** Receives each call's completion promise (never rejects), so stop() can wait for calls to end. */
  readonly track?: (done: Promise<void>) => void;
  /** Called once per call with its final status code and duration. */
  readonly onCallEnd?: (method: string, code: status, seconds: number) => void;
}

type UnaryFn = (request: unknown, context: CallContext) => Promise<unknown>;
type StreamFn = (request: unknown, context: CallContext) => AsyncIterable<unknown>;

/**
 * A cancellation this close to the deadline counts as the deadline: the
 * client's own deadline timer fires (and resets the stream) about one network
 * delay before the server's, and the two clocks round differently.
 */
const DEADLINE_SLACK_MS = 100;

/** Longest timer Node can set; deadlines further away are treated as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface CallScope {
  readonly context: CallContext;
  abortCause(): AbortCause | undefined;
  end(code: status, err?: unknown): void;
}

function openScope(
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
  method: string,
  options: BindOptions,
): CallScope {
  const started = performance.now();
  const controller = new AbortController();
  const log = options.log.child({ method, peer: call.getPeer() });
  let cause: AbortCause | undefined;
  const abort = (why: AbortCause, message: string): void => {
    if (controller.signal.aborted) return;
    cause = why;
    controller.abort(new GopprofError('ABORTED', message, { details: { why } }));
  };
  const deadlineValue = call.getDeadline();
  const deadline = deadlineValue instanceof Date ? deadlineValue.getTime() : deadlineValue;
  let timer: NodeJS.Timeout | undefined;
  if (Number.isFinite(deadline) && deadline - Date.now() < MAX_TIMER_MS) {
    timer = setTimeout(() => abort('deadline', 'the call deadline passed'), Math.max(0, deadline - Date.now()));
  }
  const onCancelled = (): void => {
    // grpc-js reports a passed deadline as a cancellation too.
    if (Date.now() >= deadline - DEADLINE_SLACK_MS) abort('deadline', 'the call deadline passed');
    else abort('cancelled', 'the caller cancelled the call');
  };
  const onStop = (): void => abort('stopping', 'the server is stopping');
  call.on('cancelled', onCancelled);
  options.stopSignal.addEventListener('abort', onStop, { once: true });
  if (options.stopSignal.aborted) onStop();
  if (call.cancelled) onCancelled();

  return {
    context: { signal: controller.signal, metadata: call.metadata, peer: call.getPeer(), log },
    abortCause: () => cause,
    end(code, err) {
      clearTimeout(timer);
      call.removeListener('cancelled', onCancelled);
      options.stopSignal.removeEventListener('abort', onStop);
      options.onCallEnd?.(method, code, (performance.now() - started) / 1000);
      if (code === status.OK) log.debug({ code: status[code] }, 'call ok');
      else if (code === status.INTERNAL) log.error({ err, code: status[code] }, 'call failed');
      else log.info({ code: status[code], reason: err instanceof Error ? err.message : String(err) }, 'call failed');
    },
  };
}

function bindUnary(method: string, fn: UnaryFn, options: BindOptions) {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
    const scope = openScope(call, method, options);
    const done = (async () => {
      try {
        const response = await fn(call.request, scope.context);
        callback(null, response);
        scope.end(status.OK);
      } catch (err) {
        const s = errorStatus(err, scope.abortCause());
        callback({ code: s.code, details: s.details, metadata: s.metadata });
        scope.end(s.code, err);
      }
    })();
    options.track?.(done);
  };
}

function bindServerStream(method: string, fn: StreamFn, options: BindOptions) {
  return (call: ServerWritableStream<unknown, unknown>): void => {
    const scope = openScope(call, method, options);
    const { signal } = scope.context;
    const done = (async () => {
      try {
        for await (const response of fn(call.request, scope.context)) {
          signal.throwIfAborted();
          if (!call.write(response)) await once(call, 'drain', { signal });
        }
        call.end();
        scope.end(status.OK);
      } catch (err) {
        const s = errorStatus(err, scope.abortCause());
        call.emit('error', { code: s.code, details: s.details, metadata: s.metadata });
        scope.end(s.code, err);
      }
    })();
    options.track?.(done);
  };
}

/**
 * The grpc-js implementation object for `service`, to pass to
 * `server.addService(serviceDefinition(service), …)`. Only unary and
 * server-streaming methods are supported: gopprof has no others.
 */
export function bindService<S extends GenServiceMethods>(
  service: GenService<S>,
  handlers: ServiceHandlers<S>,
  options: BindOptions,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const handler = handlers[method.localName as keyof S] as unknown;
    if (typeof handler !== 'function') throw new Error(`no handler for ${service.typeName}.${method.name}`);
    if (method.methodKind === 'unary') {
      implementation[method.localName] = bindUnary(method.name, handler as UnaryFn, options);
    } else if (method.methodKind === 'server_streaming') {
      implementation[method.localName] = bindServerStream(method.name, handler as StreamFn, options);
    } else {
      throw new Error(`${service.typeName}.${method.name}: ${method.methodKind} methods are not supported`);
    }
  }
  return implementation;
}

/** The handlers type for a generated service constant, e.g. `ServiceHandlersOf<typeof ProfilerService>`. */
export type ServiceHandlersOf<T> = T extends GenService<infer S> ? ServiceHandlers<S> : never;
