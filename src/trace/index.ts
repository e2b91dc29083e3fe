export { TraceWriter, type TraceWriterOptions } from './writer.js';
export { TraceReader } from './reader.js';
export { TraceInputError, type TraceSource, type TraceEvent } from './source.js';
export { diffTraces, type DiffOptions, type DiffResult, type Divergence, type RecordView } from './diff.js';
export { FIELDS, TRACE_MAGIC, TRACE_FORMAT_VERSION, fieldIndex, type TraceLevel, type TraceHeader } from './format.js';
export { openTrace } from './open.js';
export { QemuLogSource } from './qemu-source.js';
export { formatReport, reportJson } from './report.js';
