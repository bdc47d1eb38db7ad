// RosterFigures: the roster sizes the home page shows (entities, drawable, certified inspectors,
// active items), counted in the background and kept here so that a page view reads one small
// document by a unique key instead of counting 100,000 rows. One document per figure set
// (`key`), shared by every app instance on the database. See server/rosters/roster-figures.ts.
import mongoose, { Schema } from 'mongoose';

const rosterFiguresSchema = new Schema(
  {
    key: { type: String, required: true },
    entities: { type: Number, required: true },
    drawable: { type: Number, required: true },
    inspectors: { type: Number, required: true },
    items: { type: Number, required: true },
    /** The distinct regions (所属区域) of the entity roster, sorted: the back office's region filter. */
    regions: { type: [String], default: undefined },
    /** When the counting that produced these figures started (changes after it are not in them). */
    computedAt: { type: Date, required: true },
    /** Last time a use case changed what the figures count; newer than computedAt means stale. */
    dirtyAt: { type: Date },
  },
  { versionKey: false },
);
rosterFiguresSchema.index({ key: 1 }, { unique: true });

export const RosterFigures = mongoose.model('RosterFigures', rosterFiguresSchema);
