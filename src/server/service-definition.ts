/**
 * A grpc-js ServiceDefinition built from a protobuf-es service descriptor.
 *
 * There is no official bridge between protobuf-es and grpc-js; this is it for
 * both sides: the server registers handlers with it, and
 * `makeGenericClientConstructor(serviceDefinition(desc))` gives a client (tests
 * and the CLI use that). Methods are keyed by their local (camelCase) name,
 * with the proto name as `originalName` so either spelling works.
 */
import { create, type DescMessage, type DescService, fromBinary, isMessage, toBinary } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/** Encodes a message, or a plain init object of the message's shape, to protobuf bytes. */
function serializer(schema: DescMessage): (value: unknown) => Buffer {
  return (value) => {
    const message = isMessage(value, schema) ? value : create(schema, value as never);
    const bytes = toBinary(schema, message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(schema: DescMessage): (bytes: Buffer) => unknown {
  return (bytes) => fromBinary(schema, bytes);
}

/**
 * The grpc-js definition of `service`: path `/<package>.<Service>/<Method>`,
 * binary protobuf on the wire. Client- and bidi-streaming methods are
 * described too, although the gopprof server only implements unary and
 * server-streaming handlers.
 */
export function serviceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      originalName: method.name,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: serializer(method.input),
      requestDeserialize: deserializer(method.input),
      responseSerialize: serializer(method.output),
      responseDeserialize: deserializer(method.output),
    };
  }
  return definition;
}
