// The link state of one RSP connection: acknowledgements, retransmission and
// no-ack mode (gdb manual, "Packet Acknowledgment").
//
// In ack mode every packet is answered `+` (good) or `-` (bad checksum, please
// resend), and a sender waits for that answer before sending its next packet;
// a `-` makes it resend. After QStartNoAckMode has been answered OK, neither
// side acknowledges anything: TCP is reliable, and a bad checksum can only be
// a bug, so the packet is dropped.

import { DEFAULT_MAX_PACKET_SIZE, encodePacket, PacketDecoder } from './packet.js';

export interface RspConnectionHandlers {
  /** A good packet (already acknowledged in ack mode). */
  onPacket(payload: Uint8Array): void;
  /** Ctrl-C (0x03) between packets. */
  onInterrupt(): void;
  /** A well-checksummed frame that cannot be decoded (too long, ...): acknowledged; the handler should answer an error. */
  onInvalidPacket(reason: string): void;
  /** Something worth a line in a debug log; never an error the peer sees. */
  onLog?(message: string): void;
}

const ACK = Uint8Array.of(0x2b);
const NAK = Uint8Array.of(0x2d);

export class RspConnection {
  readonly decoder: PacketDecoder;
  /** Counters for diagnostics. */
  readonly stats = { packetsIn: 0, packetsOut: 0, badChecksums: 0, retransmits: 0 };

  private noAck = false;
  /** The packet sent in ack mode that has not been acknowledged yet. */
  private unacked: Uint8Array | null = null;
  /** Packets waiting for `unacked` to be acknowledged. */
  private readonly queue: Uint8Array[] = [];

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    private readonly handlers: RspConnectionHandlers,
    maxPacketSize: number = DEFAULT_MAX_PACKET_SIZE,
  ) {
    this.decoder = new PacketDecoder(maxPacketSize);
  }

  get noAckMode(): boolean {
    return this.noAck;
  }

  /**
   * Stop acknowledging. Call right after queueing the OK that answers
   * QStartNoAckMode: that OK still goes out under ack mode rules, and the `+`
   * gdb sends for it is ignored like any other.
   */
  enterNoAckMode(): void {
    this.noAck = true;
    this.flush();
  }

  /** Nothing is queued and nothing waits for an acknowledgement. */
  get drained(): boolean {
    return this.unacked === null && this.queue.length === 0;
  }

  /**
   * Write every queued packet now, without waiting for acknowledgements: for
   * the end of a session, when the last replies must go out before the
   * connection closes.
   */
  flush(): void {
    this.unacked = null;
    while (this.queue.length > 0) this.transmit(this.queue.shift()!);
  }

  /** Bytes from the peer, split anywhere. */
  receive(chunk: Uint8Array): void {
    for (const ev of this.decoder.feed(chunk)) {
      switch (ev.kind) {
        case 'packet':
          this.stats.packetsIn++;
          if (!this.noAck) this.write(ACK);
          this.handlers.onPacket(ev.payload);
          break;
        case 'invalid':
          if (!this.noAck) this.write(ACK);
          this.handlers.onInvalidPacket(ev.reason);
          break;
        case 'bad-checksum':
          this.stats.badChecksums++;
          this.handlers.onLog?.(
            `bad packet checksum: got "${ev.received}", computed ${ev.expected.toString(16).padStart(2, '0')}` +
              (this.noAck ? '; dropped (no-ack mode)' : '; asked for a resend'),
          );
          if (!this.noAck) this.write(NAK);
          break;
        case 'ack':
          if (!this.noAck && this.unacked !== null) {
            this.unacked = null;
            this.sendNextQueued();
          }
          break;
        case 'nak':
          if (!this.noAck && this.unacked !== null) {
            this.stats.retransmits++;
            this.write(this.unacked);
          }
          break;
        case 'interrupt':
          this.handlers.onInterrupt();
          break;
      }
    }
  }

  /** Frame and send one packet (queued behind an unacknowledged one in ack mode). */
  sendPacket(payload: Uint8Array | string): void {
    const framed = encodePacket(payload);
    if (this.noAck) {
      this.transmit(framed);
    } else if (this.unacked === null) {
      this.unacked = framed;
      this.transmit(framed);
    } else {
      this.queue.push(framed);
    }
  }

  private sendNextQueued(): void {
    const next = this.queue.shift();
    if (next !== undefined) {
      this.unacked = next;
      this.transmit(next);
    }
  }

  private transmit(framed: Uint8Array): void {
    this.stats.packetsOut++;
    this.write(framed);
  }
}
