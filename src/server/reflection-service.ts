/**
 * gRPC server reflection (what grpcurl and `buf curl` use to discover the API
 * without proto files), built from the descriptors protobuf-es embeds in the
 * generated code, so reflection always describes exactly what is served.
 */
import { type DescFile, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ReflectionService } from '@grpc/reflection';

/** `files` and everything they import, each once, dependencies first. */
export function withDependencies(files: readonly DescFile[]): DescFile[] {
  const seen = new Set<string>();
  const out: DescFile[] = [];
  const visit = (file: DescFile): void => {
    if (seen.has(file.proto.name)) return;
    seen.add(file.proto.name);
    for (const dep of file.dependencies) visit(dep);
    out.push(file);
  };
  for (const file of files) visit(file);
  return out;
}

/**
 * A reflection service describing every service in `files`. @grpc/reflection
 * reads only `fileDescriptorProtos` from the package definition it is given,
 * so one entry carrying all serialized files is enough.
 */
export function reflectionService(files: readonly DescFile[]): ReflectionService {
  const fileDescriptorProtos = withDependencies(files).map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f.proto)));
  type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];
  const definition = {
    'gopprof.reflection': { format: 'Protocol Buffer 3 FileDescriptorProto', type: {}, fileDescriptorProtos },
  } as unknown as PackageDefinition;
  return new ReflectionService(definition);
}
