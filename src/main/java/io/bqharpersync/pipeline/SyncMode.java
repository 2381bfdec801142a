package io.bqharpersync.pipeline;

/** Whether a job reads to a fixed end and finishes, or keeps polling. */
public enum SyncMode {
  BACKFILL,
  CONTINUOUS
}
