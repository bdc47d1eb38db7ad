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
//
// Usage: java -cp <jars>:<classes> Launcher --file <store.mv.db> --port <n> [--host 127.0.0.1]
//        [--cache-mb 256] [--durability commit|background] [--retention-ms 1000]
// "background" keeps H2's default 1 s auto-commit instead: only for measuring the cost.
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
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
            super(store);
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
