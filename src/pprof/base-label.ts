/**
 * The label that marks the samples of a -diff_base base profile.
 */

/** pprof's "pprof::base" label key; its samples define the report total and are not shown as tags. */
export const BASE_LABEL = 'pprof::base';
