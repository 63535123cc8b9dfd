// OTLP/gRPC exporters take their headers as call metadata: the same ingest token, as
// `authorization: Bearer …`, the way OTEL_EXPORTER_OTLP_HEADERS reaches a gRPC exporter.
import { Metadata } from '@grpc/grpc-js';

export function grpcMetadata(headers: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k.toLowerCase(), v);
  return m;
}
