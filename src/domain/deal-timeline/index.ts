// One deal timeline: the deal type, the point-in-time boundary, the deal as of a moment, the deal
// as known at a moment, and the forecast group keys. See docs/forecasts.md and docs/win-model.md.
export * from './deal';
export * from './boundary';
export * from './as-of';
export * from './known-at';
export * from './outcome';
