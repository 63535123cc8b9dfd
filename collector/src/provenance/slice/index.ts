// The slice engine's front door: causal slices and trace graphs over a ProvenanceReader.
export type { ProvenanceReader } from './reader.ts';
export { SliceBuilder, type SliceOptions, type SliceSeed } from './walk.ts';
