// `npm run db:build:java`: fetches and compiles (or finds) the cached mongo-java-server launcher,
// the default embedded database, and prints its class path.
import { loadConfig } from '../server/config.js';
import { ensureJavaServer } from '../server/db/java-build.js';

const config = loadConfig();
const server = await ensureJavaServer(config.CACHE_DIR, (message) => console.error(message));
console.log(server.classpath);
