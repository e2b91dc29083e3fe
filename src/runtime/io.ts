// The I/O port bus: devices claim port ranges; unclaimed ports read as all ones.

export interface PortDevice {
  /** Reads `size` bytes (1, 2, 4) from `port`. */
  read(port: number, size: number): number;
  write(port: number, size: number, value: number): void;
}

export class IoBus {
  private handlers = new Map<number, PortDevice>();

  register(first: number, count: number, dev: PortDevice): void {
    for (let p = first; p < first + count; p++) this.handlers.set(p, dev);
  }

  read(port: number, size: number): number {
    const dev = this.handlers.get(port);
    if (dev) return dev.read(port, size);
    return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  }

  write(port: number, size: number, value: number): void {
    this.handlers.get(port)?.write(port, size, value);
  }
}
