// Owns the Mongoose connection: safe query defaults, index creation before serving, and the
// readiness probe used by /readyz.
import mongoose from 'mongoose';

// No query operator may ever come from user input: sanitizeFilter wraps `$`-keys found in
// filters in $eq; strictQuery drops filter paths the schema does not know. Operators the code
// itself writes (ranges, anchored searches) are marked with mongoose.trusted(…).
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
  await ensureIndexes();
  return mongoose;
}

/** Creates every registered model's declared indexes (and collections) before traffic arrives. */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

/** True when the database answers a ping within the timeout. */
export async function isDatabaseReady(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  const ping = db.admin().command({ ping: 1 }).then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}
