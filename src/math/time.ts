// Time constants for UTC millisecond arithmetic (Date.getTime() values). A UTC day is always
// 86,400,000 ms: JavaScript time ignores leap seconds (ECMA-262 §21.4.1.1).

/** One UTC day in milliseconds. */
export const DAY_MS = 86_400_000;
