// Crash safety: an upload that fails half-way (its stream errors) deletes what it wrote at
// once; one whose process is killed leaves nothing visible, and the purge job removes its
// chunks once it is abandoned — but never a live upload's, nor a stored file.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import { Attachment, AttachmentChunk } from '../../../models/index.js';
import { ABANDONED_AFTER_MS, CHUNK_BYTES, listAttachments, openAttachment, purgeAttachments, removeAttachment, storeAttachment, type AttachmentOwner } from '../../../server/attachments/index.js';
import { NotFoundError } from '../../../server/errors.js';
import { PROJECT_ROOT } from '../../../server/paths.js';
import { scheduledJobs } from '../../../jobs/index.js';
import { testDatabase } from '../../helpers/test-db.js';
import { jpegFile, meteredStream, pdfFile, pngFile } from '../../helpers/sample-attachments.js';

const inspection = (): AttachmentOwner => ({ kind: 'inspection', id: new Types.ObjectId().toHexString() });
const inspector = { username: 'inspector-li' };
const later = (ms: number) => new Date(Date.now() + ms);

describe('attachments: interrupted uploads and the purge', () => {
  it('storeAttachment, given a stream that fails after two chunks, rejects with the stream\'s error and leaves no document and no chunk', async () => {
    const owner = inspection();
    const upload = meteredStream(jpegFile(100), { failAfterBytes: 2 * CHUNK_BYTES + 5000 });
    const error = await storeAttachment({ owner, fileName: 'cut.jpg', stream: upload.stream, uploadedBy: inspector }).then(
      () => expect.fail('expected the stream\'s error'),
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).to.equal('ECONNRESET');
    expect(upload.pulled()).to.be.above(2 * CHUNK_BYTES);
    expect(await listAttachments(owner)).to.deep.equal([]);
    expect(await Attachment.countDocuments({})).to.equal(0);
    expect(await AttachmentChunk.countDocuments({})).to.equal(0);
  });

  it('an upload whose process is killed (SIGKILL) half-way is invisible, kept while it could be live, and purged with its chunks once abandoned', async function () {
    this.timeout(60_000);
    const owner = inspection();
    const kept = await storeAttachment({ owner, fileName: 'kept.pdf', buffer: pdfFile(CHUNK_BYTES), uploadedBy: inspector });
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test/fixtures/attachments/upload-forever.ts'), testDatabase().uri, owner.id], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      const deadline = Date.now() + 45_000;
      while ((await AttachmentChunk.countDocuments({ n: 2 })) === 0) {
        if (Date.now() > deadline || child.exitCode !== null) expect.fail(`the child wrote no chunks: ${output}`);
        await sleep(100);
      }
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).to.equal('SIGKILL');

    const leftover = await Attachment.findOne({ fileName: 'killed.jpg' }).lean();
    expect(leftover?.state).to.equal('storing');
    const leftoverId = leftover!._id.toHexString();
    expect(await AttachmentChunk.countDocuments({ attachment: leftover!._id })).to.equal(3);
    // Nothing of it is visible.
    expect((await listAttachments(owner)).map((file) => file.id)).to.deep.equal([kept.id]);
    expect(await openAttachment(leftoverId).catch((e: unknown) => e)).to.be.instanceOf(NotFoundError);
    expect(await removeAttachment(leftoverId).catch((e: unknown) => e)).to.be.instanceOf(NotFoundError);

    // Within the time a live upload may take, the purge leaves it alone.
    expect(await purgeAttachments(later(ABANDONED_AFTER_MS - 60_000))).to.deep.equal({ abandoned: 0, removals: 0 });
    expect(await AttachmentChunk.countDocuments({ attachment: leftover!._id })).to.equal(3);
    // Past it, the hourly job deletes its chunks and document; the stored file is untouched.
    const job = scheduledJobs({ timeZone: 'Asia/Shanghai', dataDir: '/nonexistent', now: () => later(ABANDONED_AFTER_MS + 60_000) }).find((j) => j.name === 'purge-attachments');
    expect(job?.schedule).to.equal('41 * * * *');
    await job!.run();
    expect(await Attachment.countDocuments({ _id: leftover!._id })).to.equal(0);
    expect(await AttachmentChunk.countDocuments({ attachment: leftover!._id })).to.equal(0);
    expect((await listAttachments(owner)).map((file) => file.id)).to.deep.equal([kept.id]);
    expect(await AttachmentChunk.countDocuments({})).to.equal(2);
  });

  it('purgeAttachments, given a removal killed half-way and a file left in \'checking\', finishes the one and deletes the other once abandoned', async () => {
    const owner = inspection();
    const removing = await storeAttachment({ owner, fileName: 'a.png', buffer: pngFile(), uploadedBy: inspector });
    const checking = await storeAttachment({ owner, fileName: 'b.jpg', buffer: jpegFile(CHUNK_BYTES + 1), uploadedBy: inspector });
    const stored = await storeAttachment({ owner, fileName: 'c.jpg', buffer: jpegFile(), uploadedBy: inspector });
    // As a process killed between the steps of removeAttachment and of storeAttachment leaves them.
    await Attachment.updateOne({ _id: new Types.ObjectId(removing.id) }, { $set: { state: 'removing' } });
    await Attachment.updateOne({ _id: new Types.ObjectId(checking.id) }, { $set: { state: 'checking' } });
    expect((await listAttachments(owner)).map((file) => file.id)).to.deep.equal([stored.id]);

    expect(await purgeAttachments()).to.deep.equal({ abandoned: 0, removals: 1 });
    expect(await AttachmentChunk.countDocuments({ attachment: new Types.ObjectId(removing.id) })).to.equal(0);
    expect(await purgeAttachments(later(ABANDONED_AFTER_MS + 1000))).to.deep.equal({ abandoned: 1, removals: 0 });
    expect(await Attachment.find({}).distinct('_id')).to.have.length(1);
    expect(await AttachmentChunk.countDocuments({})).to.equal(1);
    expect(await purgeAttachments(later(ABANDONED_AFTER_MS + 1000))).to.deep.equal({ abandoned: 0, removals: 0 });
  });

  it('storeAttachment, given a stream that takes longer than an upload may, gives up with attachment_timeout and keeps nothing', async () => {
    let clock = Date.now();
    const bytes = jpegFile(2 * CHUNK_BYTES + 100);
    const slow = (async function* () {
      // Each chunk's worth "arrives" 11 minutes after the last.
      for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
        yield bytes.subarray(at, at + CHUNK_BYTES);
        clock += 11 * 60_000;
      }
    })();
    const error = await storeAttachment({ owner: inspection(), fileName: 'slow.jpg', stream: slow, uploadedBy: inspector }, { now: () => new Date(clock) }).then(
      () => expect.fail('expected attachment_timeout'),
      (e: unknown) => e as { code?: string; status?: number },
    );
    expect([error?.code, error?.status]).to.deep.equal(['attachment_timeout', 408]);
    expect(await Attachment.countDocuments({})).to.equal(0);
    expect(await AttachmentChunk.countDocuments({})).to.equal(0);
  });
});
