// Shared set-up of the public result tests: the inspections' locked draw (five entities), two of
// them published through the real use cases, one submitted but not published and one assigned —
// the unpublished ones carry marker strings that must appear on no public page — and the app
// with the draw's clock and the inspection settings (optionally naming inspectors on results).
import type { Express } from 'express';
import mongoose from 'mongoose';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { ensureDepartment } from '../../helpers/auth.js';
import { lockedDraw, type LockedDraw } from '../inspections/support.js';
import { published, submitted } from '../inspections/progress.js';

export const MARKER = 'UNPUBLISHED-MARKER-7Q';

export interface ResultsWorld extends LockedDraw {
  app: Express;
  /** Published, newest last. */
  shown: InspectionRecord[];
  /** Submitted (awaiting review) and assigned: never public. */
  hidden: InspectionRecord[];
}

export function resultsApp(world: LockedDraw, options: { showInspectors?: boolean } = {}): Express {
  return createApp({
    config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false },
    logger: createLogger('silent'), timeZone: 'Asia/Shanghai', clock: world.clock.now,
    inspections: { ...world.settings, showInspectorsOnResults: options.showInspectors ?? false },
  });
}

export async function resultsWorld(options: { showInspectors?: boolean } = {}): Promise<ResultsWorld> {
  const world = await lockedDraw();
  await ensureDepartment('HJ-SCJG', '怀化市洪江区市场监督管理局'); // the authority's name is frozen into each publication
  const [one, two, three, four] = world.inspections as [InspectionRecord, InspectionRecord, InspectionRecord, InspectionRecord];
  await published(world, one);
  world.clock.advance(60_000);
  await published(world, two);
  await submitted(world, three);
  // What the public must never see, in the fields a careless page would show.
  await Inspection.updateMany({ _id: mongoose.trusted({ $in: [three._id, four._id] }) }, { $set: { entityName: `${MARKER} 未公示企业` } });
  const reload = (id: string) => Inspection.findById(id).lean<InspectionRecord>() as Promise<InspectionRecord>;
  return {
    ...world, app: resultsApp(world, options),
    shown: [await reload(one._id), await reload(two._id)],
    hidden: [await reload(three._id), await reload(four._id)],
  };
}

/** Catalogue keys that leaked into a page instead of their text. */
export function rawKeys(html: string): string[] {
  return [...html.matchAll(/\b(?:results|home|error\.field|nav|filter|pager)\.[a-z][A-Za-z_]*(?:\.[A-Za-z_]+)*\b/g)].map((m) => m[0]);
}
