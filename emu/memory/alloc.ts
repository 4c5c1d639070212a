// Where the machine's flat state lives: ordinary memory for the inline layout, a
// SharedArrayBuffer for the threads layout (workers then see the same words).
export type Alloc = (words: number) => Int32Array;

export const heapAlloc: Alloc = (words) => new Int32Array(words);

export const sharedAlloc: Alloc = (words) => new Int32Array(new SharedArrayBuffer(Math.max(1, words) * 4));
