// Owns the list of departments people choose from (filters, edit forms, user pages).
import { Department } from '../../models/index.js';

/** Active departments, by code: what every department select offers. */
export async function departmentOptions(): Promise<{ code: string; name: string }[]> {
  return (await Department.find({ active: true }, { code: 1, name: 1 }).sort({ code: 1 }).lean()).map((d) => ({ code: d.code, name: d.name }));
}
