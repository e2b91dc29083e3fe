export { LogWriter, parseLog, EventType, LOG_FORMAT_VERSION, type LogHeader, type LogEvent, type ParsedLog, type ImageIdentity } from './log.js';
export { Recorder, CHECKPOINT_INTERVAL } from './recorder.js';
export { Replayer, type ReplayOutcome, type ReplayOptions } from './replayer.js';
export { runLive, type HostInput, type LiveOptions, type LiveControl } from './host-live.js';
export { cpuStateHash, ramHash } from './state-hash.js';
export { hashWords, hashNumbers } from './hash.js';
export { encodeSnapshot, parseSnapshot, readSnapshotFile, saveSnapshot, writeFileAtomic, checkSnapshotTarget, checkSnapshotFits, restoreSnapshot, machineFromSnapshot, snapshotKernel, replayPoint, snapshotLogPosition, logStartSnapshot, readLogStartSnapshot, SNAPSHOT_MAGIC, SNAPSHOT_FORMAT_VERSION, type Snapshot, type SnapshotHeader, type SnapshotMeta, type SnapshotMachineConfig, type SnapshotReplayPoint, type SnapshotExpectations, type LogStartSnapshot } from './snapshot-file.js';
export { TimeTravel, DEFAULT_SNAPSHOT_INTERVAL, type TimeTravelOptions, type TimeTravelInfo, type TravelResult, type TravelStop } from './timetravel.js';
