/** @module Parsing V8, SpiderMonkey and JavaScriptCore stack strings into Sentry frames (oldest call first). */
import type { StackFrame } from './types.js';

const V8 = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
const GECKO = /^\s*(.*?)@(.+?):(\d+):(\d+)$/;
const MAX_FRAMES = 50;

/** Library and runtime code, which the server folds away when grouping. */
const notInApp = (file: string) => /node_modules|^node:|^internal\/|^<anonymous>|^native/.test(file);

/**
 * Frames of an `Error.stack`, crashing frame last.
 * @example
 * parseStack(new Error('x').stack ?? '').at(-1)?.function;
 */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = V8.exec(line) ?? GECKO.exec(line);
    if (!m) continue;
    const [, fn, file = '', lineno, colno] = m;
    const filename = file.startsWith('file://') ? decodeURI(file.slice(7)) : file;
    frames.push({ filename, function: fn || '?', lineno: Number(lineno), colno: Number(colno), in_app: !notInApp(filename) });
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames.reverse();
}
