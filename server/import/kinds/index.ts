// The registry of importable kinds, by the name the CLI and routes use.
import type { ImportKind } from '../types.js';
import { entities } from './entities.js';
import { inspectors } from './inspectors.js';
import { items } from './items.js';
import type { KindDefinition } from './kind.js';

export const KINDS: Record<ImportKind, KindDefinition> = { entities, inspectors, items };
export type { KindDefinition } from './kind.js';
