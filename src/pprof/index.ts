/**
 * src/pprof/: profile bytes → the Profile model, and operations on profiles.
 */
export * from './profile.ts';
export { type DecodeOptions, DEFAULT_DECODE_OPTIONS, DEFAULT_MAX_DECOMPRESSED_BYTES } from './decode-options.ts';
export { type DecodeAsyncOptions, decodeProfile, decodeProfileAsync } from './decode-profile.ts';
