// The gdbstub's listening socket (host boundary): `--gdb tcp::PORT` (QEMU:
// `-gdb tcp::PORT`, `-s` = tcp::1234, `-S` = start stopped).
//
// Semantics (run and record):
//   --gdb tcp::PORT        the guest runs at once; when GDB connects it stops
//                          where it is and GDB takes over.
//   --gdb tcp::PORT -S     the guest waits before its first instruction until
//                          GDB connects and continues.
//   detach (or the connection drops): GDB's breakpoints go, the guest runs on,
//   and another GDB may connect (the guest stops again then).
//   kill: the run ends. When the guest ends, a waiting GDB is told its exit code.
// replay: the replay always starts held at its first instruction (icount 0),
// -S or not, and stays where GDB left it on detach; the process ends on kill
// (or SIGINT).
// One GDB at a time: a second connection is refused while one is served.
// Only 127.0.0.1 is listened on.
import { createServer, type Server, type Socket } from 'node:net';
import { UserError } from '../devices/index.js';
import { serveGdbSocket, type GdbSession, type MachineDebugView } from '../gdb/index.js';

export interface GdbEndpoint {
  host: string;
  port: number;
}

/** `tcp::PORT` or `tcp:HOST:PORT` (HOST must be a loopback address). */
export function parseGdbSpec(spec: string): GdbEndpoint {
  const m = /^tcp:([^:]*):(\d+)$/.exec(spec);
  if (!m) throw new UserError(`--gdb: "${spec}" is not tcp::PORT`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UserError(`--gdb: port ${m[2]} is outside 1..65535`);
  const host = m[1] === '' || m[1] === 'localhost' ? '127.0.0.1' : m[1]!;
  if (host !== '127.0.0.1' && host !== '::1') throw new UserError(`--gdb: only loopback addresses (127.0.0.1) are served, not ${host}`);
  return { host, port };
}

export interface GdbServerOptions {
  /** A GDB connected: the target should hold the machine now. */
  onConnect?: () => void;
  log?: (message: string) => void;
}

export class GdbServer {
  private server: Server;
  private socket: Socket | null = null;
  private session: GdbSession | null = null;

  private constructor(server: Server, private readonly target: MachineDebugView, private readonly opts: GdbServerOptions) {
    this.server = server;
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens (resolves once it does; a port in use is a UserError). */
  static async listen(spec: string, target: MachineDebugView, opts: GdbServerOptions = {}): Promise<GdbServer> {
    const { host, port } = parseGdbSpec(spec);
    const server = createServer();
    const gs = new GdbServer(server, target, opts);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new UserError(`--gdb: cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`));
      });
      server.listen(port, host, () => resolve());
    });
    (opts.log ?? (() => {}))(`rewind86: waiting for gdb on ${host}:${port}`);
    return gs;
  }

  private accept(socket: Socket): void {
    if (this.socket) {
      socket.end();
      return;
    }
    this.socket = socket;
    this.opts.onConnect?.();
    const session = serveGdbSocket(socket, this.target, {
      log: this.opts.log,
      onEnd: () => {
        if (this.session === session) this.session = null;
        if (this.target.reporter === report) this.target.reporter = null;
      },
    });
    const report = (reason: Parameters<GdbSession['stopped']>[0]) => session.stopped(reason);
    this.session = session;
    this.target.reporter = report;
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
  }

  /** Stops listening and lets a connected GDB's last replies go out before its socket closes. */
  close(): void {
    this.server.close();
    this.socket?.end();
  }
}
