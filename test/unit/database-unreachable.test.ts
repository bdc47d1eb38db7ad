// Which errors mean "the database cannot be reached" (503, server/db/availability.ts): the
// driver's own, and Node's socket error the driver lets through when the server died between two
// commands (seen on FerretDB for a request in flight at a SIGKILL; it used to answer 500).
import { expect } from 'chai';
import { mongo } from 'mongoose';
import { isDatabaseUnreachable } from '../../server/db/availability.js';

/** Node's error for a write after the peer closed, as the driver's connection raises it. */
function socketEnded(stackFrom: string): Error {
  const error = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
  error.stack = `Error: This socket has been ended by the other party\n    at Socket.writeAfterFIN [as write] (node:net:566:14)\n    at Connection.writeCommand (${stackFrom}:722:23)`;
  return error;
}

describe('isDatabaseUnreachable', () => {
  it('a write to the dead server\'s socket (EPIPE from the driver) is unreachable; the same code from elsewhere is not', () => {
    expect(isDatabaseUnreachable(socketEnded('/app/node_modules/mongodb/lib/cmap/connection.js'))).to.equal(true);
    expect(isDatabaseUnreachable(socketEnded('C:\\app\\node_modules\\mongodb\\lib\\cmap\\connection.js'))).to.equal(true);
    expect(isDatabaseUnreachable(socketEnded('/app/server/relay/client.js'))).to.equal(false);
  });

  it('the driver\'s errors for a lost server, its subclasses included', () => {
    const pool = new mongo.MongoNetworkError('connection 3 to 127.0.0.1:27017 closed');
    expect(isDatabaseUnreachable(pool)).to.equal(true);
    expect(isDatabaseUnreachable(new mongo.MongoServerClosedError())).to.equal(true);
    expect(isDatabaseUnreachable(new mongo.MongoServerError({ message: 'duplicate key', code: 11000 }))).to.equal(false);
    expect(isDatabaseUnreachable(new Error('boom'))).to.equal(false);
  });
});
