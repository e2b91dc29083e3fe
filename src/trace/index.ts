export { TraceWriter, type TraceWriterOptions } from './writer.js';
export { TraceReader } from './reader.js';
export { TraceInputError, type TraceSource, type TraceEvent } from './source.js';
export { FIELDS, TRACE_MAGIC, TRACE_FORMAT_VERSION, type TraceLevel, type TraceHeader } from './format.js';
