// fulfillkit/otel: traces and metrics through OpenTelemetry. Needs the
// optional peer @opentelemetry/api (and an SDK the host sets up); without it, a no-op.
export { type OtelInstrumentationOptions, otelInstrumentation } from './otel/otel-instrumentation.js';
