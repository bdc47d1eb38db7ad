// Registers every model with Mongoose (importing this module is enough).
export * from './department.js';
export * from './inspection-item.js';
export * from './market-entity.js';
export * from './inspector.js';
export * from './dictionary-entry.js';
export * from './app-meta.js';
export * from './import-run.js';
export * from './user.js';
export * from './audit-event.js';
export * from './login-attempt.js';
export * from './session.js';
export * from './roster-figures.js';
export * from './plan.js';
export * from './task.js';
export * from './announcement.js';
export * from './draw-run.js';
export * from './draw-check.js';
export * from './attachment.js';
export * from './attachment-chunk.js';
export * from './inspection.js';
export * from './check-lookup.js';
export * from './inspection-rating.js';
export * from './calendar-day.js';

// Every stored text is checked for control characters and malformed Unicode (safe-text.ts).
import mongoose from 'mongoose';
import { applySafeTextRule } from './safe-text.js';
for (const model of Object.values(mongoose.models)) applySafeTextRule(model.schema);
