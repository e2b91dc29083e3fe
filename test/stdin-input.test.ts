// The terminal side of a live run (src/cli/stdin-input.ts): raw mode on a
// terminal, the Ctrl-A escapes (x quits, h lists them, c is kept for the
// monitor, Ctrl-A Ctrl-A sends Ctrl-A), and the terminal restored on close.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { StdinInput, ESCAPE_HELP } from '../src/cli/stdin-input.js';

class FakeTty extends EventEmitter {
  isTTY = true;
  modes: boolean[] = [];
  setRawMode(on: boolean) { this.modes.push(on); return this; }
  resume() { return this; }
  pause() { return this; }
}

function input() {
  const tty = new FakeTty();
  const said: string[] = [];
  const inp = new StdinInput(tty as unknown as NodeJS.ReadStream, (l) => said.push(l));
  const type = (...bytes: number[]) => tty.emit('data', Buffer.from(bytes));
  return { tty, said, inp, type };
}

describe('terminal input', () => {
  it('forwards bytes, and interprets the Ctrl-A escapes', () => {
    const { said, inp, type, tty } = input();
    expect(tty.modes).toEqual([true]);
    type(0x6c, 0x73, 0x0d); // "ls\r"
    type(0x01, 0x01); // Ctrl-A Ctrl-A: one Ctrl-A for the guest
    type(0x01, 0x68); // Ctrl-A h: the help, nothing for the guest
    type(0x01, 0x63); // Ctrl-A c: the monitor, not there yet
    type(0x01, 0x7a); // an unknown escape: dropped
    expect(Array.from(inp.take(100))).toEqual([0x6c, 0x73, 0x0d, 0x01]);
    expect(said[0]).toBe(ESCAPE_HELP);
    expect(ESCAPE_HELP).toMatch(/Ctrl-A x\s+quit/);
    expect(said[1]).toMatch(/monitor/);
    expect(inp.quit).toBe(false);
    type(0x01, 0x78); // Ctrl-A x
    expect(inp.quit).toBe(true);
    inp.close();
    expect(tty.modes).toEqual([true, false]); // the terminal is restored
    inp.close();
    expect(tty.modes).toEqual([true, false]); // once
  });

  it('leaves a pipe alone: no raw mode, Ctrl-A is an ordinary byte', () => {
    const tty = new FakeTty();
    tty.isTTY = false;
    const inp = new StdinInput(tty as unknown as NodeJS.ReadStream, () => {});
    tty.emit('data', Buffer.from([0x01, 0x78]));
    expect(Array.from(inp.take(10))).toEqual([0x01, 0x78]);
    expect(inp.quit).toBe(false);
    expect(tty.modes).toEqual([]);
    inp.close();
  });
});
