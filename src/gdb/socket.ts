// Wiring a GdbSession to a connected TCP socket (the caller owns the listening
// server: it is the host boundary, where the CLI's -gdb tcp::PORT lives).

import type { Socket } from 'node:net';
import { GdbSession, type GdbSessionOptions } from './session.js';
import type { GdbTarget } from './target.js';

/**
 * Serve one GDB connection on `socket`. The socket is half-closed once the
 * session ends (D or k) and its last reply is written; if the peer goes away
 * first, the session ends as a detach (breakpoints removed, target.detach()).
 */
export function serveGdbSocket(socket: Socket, target: GdbTarget, options: GdbSessionOptions = {}): GdbSession {
  const session = new GdbSession(target, (bytes) => { socket.write(bytes); }, {
    ...options,
    onEnd: (why) => {
      options.onEnd?.(why);
      if (why !== 'disconnect') socket.end();
    },
  });
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => session.receive(chunk));
  socket.on('close', () => session.close());
  socket.on('error', (err) => options.log?.(`gdb: connection error: ${err.message}`));
  return session;
}
