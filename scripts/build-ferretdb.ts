// `npm run db:build`: builds (or finds) the cached FerretDB binary and prints its path.
import { loadConfig } from '../server/config.js';
import { ensureFerretdbBinary } from '../server/db/ferretdb-build.js';

const config = loadConfig();
const binary = await ensureFerretdbBinary(config.CACHE_DIR, (message) => console.error(message));
console.log(binary);
