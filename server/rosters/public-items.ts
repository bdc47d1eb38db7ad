// Owns the public inspection-item list (抽查事项清单): the active items, by code, optionally of
// one department, in the shape the public page and API show.
import { InspectionItem } from '../../models/index.js';
import { departmentNames } from './public-inspectors.js';

/** The filter the list becomes (exported for the query-plan test, see docs/QUERIES.md). */
export function publicItemsFilter(department: string | undefined): Record<string, unknown> {
  return department ? { active: true, departmentCode: department } : { active: true };
}

export const PUBLIC_ITEMS_SORT = { code: 1 } as const;

export async function listPublicItems(department: string | undefined) {
  const [items, names] = await Promise.all([
    InspectionItem.find(publicItemsFilter(department)).sort(PUBLIC_ITEMS_SORT).lean(),
    departmentNames(),
  ]);
  return items.map((item) => ({
    code: item.code, name: item.name, legalBasis: item.legalBasis, department: names.get(item.departmentCode) ?? item.departmentCode,
    targetType: item.targetType, methods: item.methods, content: item.content, ratio: item.ratioText,
    frequency: item.frequencyText, kind: item.kind, requiredQualification: item.requiredQualification ?? null,
  }));
}
