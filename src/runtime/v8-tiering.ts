// V8's tiering for generated code. A compiled block is a small function that
// V8 first runs in its baseline tiers (Ignition, Sparkplug: every typed-array
// access through an inline cache) and optimizes with TurboFan only after its
// "interrupt budget" of executed bytecode runs out several times. A kernel's
// boot compiles thousands of blocks that run some thousands of times each,
// and spent ~15% of its time in blocks still in the baseline tiers. A smaller
// budget optimizes them sooner: booting the Linux guest went from ~15 s to
// ~13.4 s (bench/linux-boot.mjs; 4096 beat both 2048 and 8192 there).
// This is a process-wide V8 setting; it changes how fast JavaScript runs,
// never what it computes.
import { setFlagsFromString } from 'node:v8';

const INTERRUPT_BUDGET = 4096;

setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
