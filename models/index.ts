// Registers every model with Mongoose (importing this module is enough).
export * from './department.js';
export * from './inspection-item.js';
export * from './market-entity.js';
export * from './inspector.js';
export * from './dictionary-entry.js';
export * from './app-meta.js';
