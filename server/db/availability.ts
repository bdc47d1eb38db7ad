// Owns knowing, at any instant and without a round trip, whether the database can be used: the
// driver's own topology monitoring (a heartbeat every HEARTBEAT_MS, and at once when a pooled
// connection breaks) says whether a writable server is known. Requests consult it instead of
// pinging; the driver's monitor also notices when the database is back, so recovery needs no
// help (MONGODB_URI and the embedded server alike).
import type { mongo } from 'mongoose';

/** Heartbeat of the driver's monitor: how late, at worst, an idle app notices a lost database. */
export const HEARTBEAT_MS = 500;

type Listener = (available: boolean) => void;
const WRITABLE = new Set(['Standalone', 'RSPrimary', 'Mongos', 'LoadBalancer']);

let available: boolean | undefined;
const listeners = new Set<Listener>();

/** False only while a connected client knows the database to be unreachable. */
export function databaseAvailable(): boolean {
  return available !== false;
}

/** Calls `listener` on every change; returns the function that unsubscribes it. */
export function onAvailabilityChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Follows a connected client's topology; returns the function that stops following it. */
export function watchAvailability(client: mongo.MongoClient): () => void {
  const handler = (event: mongo.TopologyDescriptionChangedEvent) => {
    const servers = [...event.newDescription.servers.values()];
    update(servers.some((server) => WRITABLE.has(server.type)));
  };
  client.on('topologyDescriptionChanged', handler);
  update(true);
  return () => {
    client.off('topologyDescriptionChanged', handler);
    available = undefined;
  };
}

function update(next: boolean): void {
  if (next === available) return;
  available = next;
  for (const listener of [...listeners]) listener(next);
}

const UNREACHABLE = new Set([
  'MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError',
  'MongoNotConnectedError', 'MongoTopologyClosedError', 'MongoPoolClearedError', 'PoolClearedOnNetworkError',
  'MongoServerClosedError', 'MongoPoolClosedError',
]);

/**
 * Node's own socket errors when the server's end of a pooled connection is gone. The driver
 * lets them through unwrapped when the server died between two commands: the next command's
 * write fails at once with "This socket has been ended by the other party" (EPIPE), seen on
 * FerretDB for a request in flight when the server was SIGKILLed (test/integration/database-outage.test.ts).
 */
const BROKEN_SOCKET = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED']);

/** True for the errors an operation fails with because the database cannot be reached. */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNREACHABLE.has(error.name) || (error.name === 'MongooseError' && /buffering timed out/.test(error.message))) return true;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && BROKEN_SOCKET.has(code) && /[\\/]mongodb[\\/]/.test(error.stack ?? '');
}
