export { LogWriter, parseLog, EventType, LOG_FORMAT_VERSION, type LogHeader, type LogEvent, type ParsedLog, type ImageIdentity } from './log.js';
export { Recorder, CHECKPOINT_INTERVAL } from './recorder.js';
export { Replayer, type ReplayOutcome, type ReplayOptions } from './replayer.js';
export { runLive, type HostInput, type LiveOptions } from './host-live.js';
export { cpuStateHash, ramHash } from './state-hash.js';
export { hashWords, hashNumbers } from './hash.js';
