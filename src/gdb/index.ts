// GDB remote serial protocol server: framing, the i386 target description,
// and the per-connection command dispatcher, against the GdbTarget interface
// the emulator implements.

export { type GdbTarget, type ResumeAction, type StopReason, BreakpointType, GdbSignal } from './target.js';
export {
  GdbSession, type GdbSessionOptions, type SessionEndReason, type SessionState,
  E_MALFORMED, E_TARGET, E_XFER, threadMatches,
} from './session.js';
export { serveGdbSocket } from './socket.js';
export { RspConnection, type RspConnectionHandlers } from './connection.js';
export {
  PacketDecoder, type DecoderEvent, DEFAULT_MAX_PACKET_SIZE,
  encodePacket, encodeNotification, escapeBinary, rspChecksum,
} from './packet.js';
export { formatStopReply, type StopReplyFeatures, THREAD_ID } from './stop-reply.js';
export {
  I386_REGISTERS, I386_REGISTER_BYTES, I386_REGNUM, I386_TARGET_XML, type GdbRegister,
  findRegister, qxferWindow,
} from './target-xml.js';
export { bytesToHex, hexToBytes, parseHexNumber } from './hex.js';
export { MachineDebugView, LiveMachineTarget, exitCodeOf } from './machine-target.js';
export { ReplayTarget } from './replay-target.js';
