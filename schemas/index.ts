export * from './otlp.ts';
export * from './span-row.ts';
export * from './api.ts';
export * from './provenance.ts';
export * from './incidents.ts';
export * from './explorer.ts';
export * from './node-id.ts';
export * from './bundles.ts';
