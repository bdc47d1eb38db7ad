// The embedded database server: mongo-java-server 1.47.0 on an H2 MVStore file, started by
// server/db/embedded.ts (compiled once by server/db/java-build.ts into CACHE_DIR).
//
// What this file adds to the library:
//  - Wire version 9 (reports MongoDB 4.4): the library's newest ServerVersion is 5.0 = wire 8,
//    and the Node driver 7 refuses servers below wire 9.
//  - Durability: every command that may write runs under one lock and the MVStore is committed
//    (written to the file) before the reply is sent, so an acknowledged write survives a SIGKILL
//    of this process. MVStore's own auto-commit is off: it could store a command half-applied
//    (a document without its unique-index entry). A maintenance thread, under the same lock,
//    compacts the file and forces it to disk once a second after writes (power loss: <= 1 s).
//  - SIGTERM closes the server and the store cleanly (shutdown hook).
//  - Unique-index keys compared as values (IndexKeyType): the library stores them with H2's
//    ObjectDataType, which compares a KeyValue (not Comparable) by Java-serializing both sides
//    on every comparison - measured as most of the server's time when a 1,000,000-row roster
//    is read back by credit code. Stores written before this change are migrated once at
//    start-up (migrateUniqueIndexes): the index maps are rebuilt in the new order.
//  - Documents stored as BSON (DocumentType) instead of Java serialization: a page read from the
//    file decodes several times faster, with less garbage, and the page cache is charged what a
//    document takes in memory. Documents written before are still read as they were.
//
// Usage: java -cp <jars>:<classes> Launcher --file <store.mv.db> --port <n> [--host 127.0.0.1]
//        [--cache-mb 256] [--durability commit|background] [--retention-ms 1000]
//        [--index-keys values|library]
// "background" keeps H2's default 1 s auto-commit instead: only for measuring the cost.
// "library" keeps the library's unique-index maps (no migration): only for testing the migration.
import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map.Entry;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

public final class Launcher {

    /** MongoDB 4.4: wire version 9, the oldest the Node driver 7 accepts. */
    static final MongoVersion MONGO_4_4 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    /** Commands that never change data: they run without the write lock, in parallel. */
    static final Set<String> READ_ONLY = Set.of(
        "find", "getmore", "count", "distinct", "listcollections", "listindexes", "listdatabases",
        "ismaster", "hello", "buildinfo", "ping", "serverstatus", "whatsmyuri", "killcursors",
        "endsessions", "dbstats", "collstats", "validate", "getlasterror", "getparameter",
        "hostinfo", "getcmdlineopts", "getlog", "connectionstatus", "getfreemonitoringstatus",
        "explain", "currentop");

    /** An H2 backend that commits the store after each command that may write, before replying. */
    static final class CommittingBackend extends H2Backend {
        private final ReentrantLock writeLock;
        private final boolean commitEachWrite;
        volatile boolean dirty;

        CommittingBackend(MVStore store, ReentrantLock writeLock, boolean commitEachWrite) {
            super(store); // opens the databases already in the store: see openOrCreateDatabase
            this.writeLock = writeLock;
            this.commitEachWrite = commitEachWrite;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            if (!commitEachWrite || isReadOnly(command, query)) {
                return super.handleCommand(channel, database, command, query);
            }
            writeLock.lock();
            try {
                return super.handleCommand(channel, database, command, query);
            } finally {
                // Also after a failed command: an ordered insert may have stored some documents.
                getMvStore().commit();
                dirty = true;
                writeLock.unlock();
            }
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            // Called from the superclass constructor too, before this object's fields are set:
            // the choice is static, made in main() before the backend is built.
            return valueOrderedIndexes
                ? new FastIndexDatabase(databaseName, getMvStore(), getCursorRegistry())
                : super.openOrCreateDatabase(databaseName);
        }

        private static boolean isReadOnly(String command, Document query) {
            String name = command.toLowerCase(Locale.ROOT);
            if (name.equals("aggregate")) {
                // $out and $merge write; everything else in a pipeline only reads.
                Object pipeline = query.get("pipeline");
                String text = pipeline == null ? "" : pipeline.toString();
                return !text.contains("$out") && !text.contains("$merge");
            }
            return READ_ONLY.contains(name);
        }
    }


    /**
     * A unique-index key (a KeyValue) compared element by element with the library's own value
     * order (the order MongoDB gives BSON values), and stored element by element with H2's
     * ObjectDataType. Only equality matters to a unique index, so any consistent order would
     * do; this one costs a comparison instead of two Java serializations.
     */
    static final class IndexKeyType extends BasicDataType<KeyValue> {
        static final IndexKeyType INSTANCE = new IndexKeyType();
        private static final byte FORMAT = 1;
        private final ObjectDataType elements = new ObjectDataType();
        private final ValueComparator order = ValueComparator.ascWithoutListHandling();

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                int result = order.compare(a.get(i), b.get(i));
                if (result != 0) {
                    return result;
                }
            }
            return Integer.compare(a.size(), b.size());
        }

        @Override
        public int getMemory(KeyValue key) {
            int memory = 48;
            for (Object value : key) {
                memory += elements.getMemory(value);
            }
            return memory;
        }

        @Override
        public void write(WriteBuffer buffer, KeyValue key) {
            buffer.put(FORMAT).putVarInt(key.size());
            for (Object value : key) {
                elements.write(buffer, value);
            }
        }

        @Override
        public KeyValue read(ByteBuffer buffer) {
            byte format = buffer.get();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown index key format " + format);
            }
            int size = DataUtils.readVarInt(buffer);
            List<Object> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(elements.read(buffer));
            }
            return new KeyValue(values);
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }

    /**
     * A collection's documents, stored as BSON (the wire format they arrived in, so nothing is
     * lost in the round trip). A value written by the library's ObjectDataType (a Java-serialized
     * Document, tag 19) is still read that way; BSON values carry a tag ObjectDataType never uses.
     */
    static final class DocumentType extends BasicDataType<Document> {
        static final DocumentType INSTANCE = new DocumentType();
        private static final byte BSON = (byte) 0xB5; // ObjectDataType's tags are all below 128
        private final ObjectDataType legacy = new ObjectDataType();

        @Override
        public int getMemory(Document document) {
            return estimate(document);
        }

        @Override
        public void write(WriteBuffer buffer, Document document) {
            ByteBuf bson = Unpooled.buffer(512);
            try {
                BsonEncoder.encodeDocument(document, bson);
                int length = bson.readableBytes();
                buffer.put(BSON).putVarInt(length).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), length);
            } finally {
                bson.release();
            }
        }

        @Override
        public Document read(ByteBuffer buffer) {
            if (buffer.get(buffer.position()) != BSON) {
                return (Document) legacy.read(buffer);
            }
            buffer.get();
            int length = DataUtils.readVarInt(buffer);
            ByteBuffer bytes = buffer.slice();
            bytes.limit(length);
            buffer.position(buffer.position() + length);
            return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }

        /** Roughly what a decoded value takes in the Java heap (the cache's unit). */
        private static int estimate(Object value) {
            if (value instanceof Map<?, ?> map) {
                int memory = 64;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    memory += 48 + estimate(entry.getKey()) + estimate(entry.getValue());
                }
                return memory;
            }
            if (value instanceof String text) {
                return 48 + 2 * text.length();
            }
            if (value instanceof List<?> list) {
                int memory = 48;
                for (Object element : list) {
                    memory += 8 + estimate(element);
                }
                return memory;
            }
            if (value instanceof byte[] bytes) {
                return 24 + bytes.length;
            }
            return 24;
        }
    }

    static MVMap.Builder<KeyValue, Object> indexMapBuilder() {
        return new MVMap.Builder<KeyValue, Object>().keyType(IndexKeyType.INSTANCE);
    }

    /** The store the databases open their maps in (H2Database's constructor opens indexes before ours could keep it). */
    static volatile MVStore openStore;
    /** False only with --index-keys library. */
    static volatile boolean valueOrderedIndexes = true;

    /** H2Database with documents in DocumentType maps and unique indexes in IndexKeyType maps (the library's map names). */
    static final class FastIndexDatabase extends H2Database {
        FastIndexDatabase(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String fullName = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> dataMap = openStore.openMap("databases." + fullName, new MVMap.Builder<Object, Document>().valueType(DocumentType.INSTANCE));
            MVMap<String, Object> metaMap = openStore.openMap("meta." + fullName);
            return new H2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            String mapName = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
            return new UniqueIndex(openStore.openMap(mapName, indexMapBuilder()), indexName, keys, sparse);
        }
    }

    /** The library's H2UniqueIndex (package-private there), on a map given by FastIndexDatabase. */
    static final class UniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        UniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue keyValue) {
            return map.remove(keyValue);
        }

        @Override
        protected boolean putKeyPosition(KeyValue keyValue, Object position) {
            return map.putIfAbsent(keyValue, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue keyValue) {
            return map.get(keyValue);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }

    private static final String FORMAT_MAP = "shuangsuiji.format";
    private static final String INDEX_KEYS_FORMAT = "uniqueIndexKeys";
    private static final String MIGRATING_PREFIX = "shuangsuiji.migrating.";

    /**
     * Rebuilds the unique-index maps of a store written by the library's own index (keys in
     * Java-serialization order) in IndexKeyType's order, once. Each map is copied to a new map
     * (committed in steps: a big index would not fit in memory unsaved); the old one is
     * replaced by the copy, and the map marked as rebuilt, in one commit - so a kill at any
     * point leaves either the old map or the complete new one, marked, and a leftover partial
     * copy is dropped and redone at the next start. The store is marked done after every map.
     */
    static void migrateUniqueIndexes(MVStore store) {
        MVMap<String, Object> format = store.openMap(FORMAT_MAP);
        if (Integer.valueOf(2).equals(format.get(INDEX_KEYS_FORMAT))) {
            return;
        }
        for (String name : new ArrayList<>(store.getMapNames())) {
            if (name.startsWith(MIGRATING_PREFIX)) {
                store.removeMap(name);
            }
        }
        store.commit();
        for (String name : new ArrayList<>(store.getMapNames())) {
            if (!name.contains("._index_") || name.startsWith("databases.") || name.startsWith("meta.") || name.startsWith("shuangsuiji.")) {
                continue;
            }
            String rebuilt = "rebuilt:" + name;
            if (format.containsKey(rebuilt)) {
                continue; // rebuilt by a start that was killed before it could mark the whole store
            }
            MVMap<KeyValue, Object> old = store.openMap(name);
            MVMap<KeyValue, Object> copy = store.openMap(MIGRATING_PREFIX + name, indexMapBuilder());
            long copied = 0;
            for (Entry<KeyValue, Object> entry : old.entrySet()) {
                copy.put(entry.getKey(), entry.getValue());
                if (++copied % 50_000 == 0) {
                    store.commit();
                    // Progress on stdout also tells the app's start-up wait that this server is working.
                    System.out.println("rebuilding unique index " + name + ": " + copied + " keys");
                }
            }
            store.removeMap(old);
            store.renameMap(copy, name);
            format.put(rebuilt, 2);
            store.commit();
            System.out.println("rebuilt unique index " + name + " (" + copied + " keys) in the value order");
        }
        for (String key : new ArrayList<>(format.keySet())) {
            if (key.startsWith("rebuilt:")) {
                format.remove(key);
            }
        }
        format.put(INDEX_KEYS_FORMAT, 2);
        store.commit();
    }

    public static void main(String[] args) {
        Map<String, String> options = parse(args);
        String file = require(options, "file");
        int port = Integer.parseInt(require(options, "port"));
        String host = options.getOrDefault("host", "127.0.0.1");
        int cacheMb = Integer.parseInt(options.getOrDefault("cache-mb", "256"));
        boolean commitEachWrite = !"background".equals(options.getOrDefault("durability", "commit"));

        new File(file).getAbsoluteFile().getParentFile().mkdirs();
        MVStore.Builder builder = new MVStore.Builder().fileName(file).cacheSize(cacheMb);
        if (commitEachWrite) {
            // No background thread, and no store triggered by a large unsaved buffer mid-command:
            // every store happens at a command boundary, under the write lock.
            builder.autoCommitDisabled().autoCommitBufferSize(0);
        }
        MVStore store = builder.open();
        if (commitEachWrite) {
            // A chunk per write command: free space must be reused soon or the file balloons
            // (measured: 50,000 inserts and 3,000 updates made 319 MB with H2's 45 s, 148 MB
            // with 2 s). Chunks are forced to disk every second, so a shorter retention only
            // narrows what H2 keeps for an OS crash, never what a killed process loses.
            store.setRetentionTime(Integer.parseInt(options.getOrDefault("retention-ms", "1000")));
        }
        valueOrderedIndexes = !"library".equals(options.getOrDefault("index-keys", "values"));
        if (valueOrderedIndexes) {
            migrateUniqueIndexes(store);
        }
        openStore = store;
        ReentrantLock writeLock = new ReentrantLock();
        CommittingBackend backend = new CommittingBackend(store, writeLock, commitEachWrite);
        backend.version(MONGO_4_4);
        MongoServer server = new MongoServer(backend);

        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "store-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        if (commitEachWrite) {
            maintenance.scheduleWithFixedDelay(() -> maintain(store, backend, writeLock), 1, 1, TimeUnit.SECONDS);
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // A stop must end in bounded time: one server was seen ignoring SIGTERM for minutes
            // with its shutdown stuck. Everything acknowledged is already committed, so halting
            // after the grace period loses nothing.
            Thread deadline = new Thread(() -> {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException interrupted) {
                    return;
                }
                System.err.println("mongo-java-server did not stop within 5 s: halting");
                Runtime.getRuntime().halt(2);
            }, "shutdown-deadline");
            deadline.setDaemon(true);
            deadline.start();
            maintenance.shutdownNow();
            server.shutdownNow(); // closes clients, then the backend, which commits and closes the store
            System.err.println("mongo-java-server stopped, store closed");
        }, "shutdown"));

        // Never outlive the app that started us, even if its watchdog died with it (a whole
        // process group killed at once): an orphan is adopted by init, so a parent that is no
        // longer alive means the app is gone. The shutdown hook closes the store cleanly.
        ProcessHandle.current().parent().filter(parent -> parent.pid() != 1).ifPresent(parent -> {
            Thread watch = new Thread(() -> {
                while (parent.isAlive()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
                System.err.println("the process that started this server is gone: stopping");
                System.exit(0);
            }, "parent-watch");
            watch.setDaemon(true);
            watch.start();
        });

        server.bind(host, port);
        System.out.println("mongo-java-server 1.47.0 (reports 4.4, wire 9) listening on " + host + ":" + port
            + " with " + file + (commitEachWrite ? " (commit before acknowledging)" : " (1 s background commit)"));
    }

    /** Compacts partly-empty chunks and forces the file to disk, between write commands. */
    private static void maintain(MVStore store, CommittingBackend backend, ReentrantLock writeLock) {
        if (!backend.dirty || store.isClosed()) {
            return;
        }
        try {
            writeLock.lock();
            try {
                backend.dirty = false;
                store.compact(80, 4 * 1024 * 1024);
                store.commit();
            } finally {
                writeLock.unlock();
            }
            store.sync();
        } catch (RuntimeException e) {
            System.err.println("store maintenance failed: " + e);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
