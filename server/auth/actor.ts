// Owns turning the signed-in user of a request into the actor an audit record names.
import type { Request } from 'express';
import { Types } from 'mongoose';
import type { AuditActor } from '../../models/audit-event.js';
import type { CurrentUser } from './session.js';
import type { ChangeContext } from '../audit/changes.js';

/** The audit actor for a request that the access table already restricted to signed-in users. */
export function actorOf(req: Request): AuditActor {
  const user = req.user as CurrentUser;
  return { kind: 'user', userId: new Types.ObjectId(user.id), label: user.username };
}

/** Who makes a change on this request, as the use cases take it (they write the audit record). */
export function changeContext(req: Request): ChangeContext {
  return { actor: actorOf(req), requestId: String(req.id ?? '') };
}
