import type { Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';

/** The parts of a node-sqlite3 connection used here. */
interface SqliteConnection {
  configure(option: 'busyTimeout', ms: number): void;
  run(sql: string): void;
  close(callback?: (error: Error | null) => void): void;
  /** Set by Sequelize: the transaction the connection serves, or 'default'. */
  uuid?: string;
  guichetReady?: boolean;
}

/** Sequelize's SQLite connection manager, as far as it is changed here. */
interface ConnectionManager {
  connections: Record<string, SqliteConnection>;
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): void;
}

/**
 * A commit leaves checkpointing to the background one once the WAL passes this many
 * pages (~40 MB): a safety net for when the background checkpoint cannot keep up.
 */
const FALLBACK_CHECKPOINT_PAGES = 10_000;
const CHECKPOINT_EVERY_MS = 1000;

/**
 * How guichet uses SQLite connections, which Sequelize's SQLite dialect leaves bare:
 *
 * - Every connection gets a busy timeout (wait for the other writer rather than fail)
 *   and `synchronous = FULL`: a commit is on disk before the mail leaves the inbox, so
 *   not even a power cut can lose a mail (invariant 1). The fsync makes each COMMIT
 *   longer; the next two points pay it back.
 * - Sequelize opens a new connection for each transaction and closes it after: a file
 *   open, the schema read again, three settings. One connection is kept and handed to
 *   the next transaction instead.
 * - Checkpoints (copying the WAL back into the database file, with its fsyncs) run
 *   every second on a connection of their own, beside the writers, instead of inside
 *   the commit that happens to fill the WAL, on the path every mail waits on.
 *
 * An in-memory database (`sqlite::memory:`) is one connection that Sequelize shares
 * itself: only the settings apply.
 *
 * Returns what to call when the database closes; the last connection to the file to
 * close checkpoints and removes the WAL (SQLite does that itself). A checkpoint that
 * fails is told to `onCheckpointError`: it loses nothing (the WAL keeps every commit,
 * and the next checkpoint, or a commit past the fallback size, does the work), but a
 * disk that refuses it must be seen.
 */
export function tuneSqliteConnections(
  sequelize: Sequelize,
  storage: string,
  onCheckpointError: (error: Error) => void,
): { close(): Promise<void> } {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const open = manager.getConnection.bind(manager);
  const release = manager.releaseConnection.bind(manager);
  let kept: SqliteConnection | null = null;

  const inMemory = storage === ':memory:';
  manager.getConnection = async (options) => {
    const uuid = options?.uuid;
    if (!inMemory && kept && uuid && uuid !== 'default' && !manager.connections[uuid]) {
      const connection = kept;
      kept = null;
      connection.uuid = uuid;
      manager.connections[uuid] = connection;
      return connection;
    }
    const connection = await open(options);
    if (!connection.guichetReady) {
      connection.configure('busyTimeout', 15_000);
      connection.run('PRAGMA synchronous = FULL');
      // Deleted content is overwritten with zeros, not left in free space: an erased
      // customer's words must not stay in the file (docs/personal-data.md, "Free space").
      connection.run('PRAGMA secure_delete = ON');
      connection.run(`PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
      connection.guichetReady = true;
    }
    return connection;
  };
  manager.releaseConnection = (connection, force) => {
    // A transaction's connection (not the shared 'default' one) is kept for the next.
    if (!inMemory && !force && !kept && connection.uuid && connection.uuid !== 'default') {
      delete manager.connections[connection.uuid];
      connection.uuid = undefined;
      kept = connection;
      return;
    }
    release(connection, force);
  };

  if (inMemory) return { close: async () => undefined };
  const checkpointer = new CheckpointConnection(storage, onCheckpointError);
  return {
    async close() {
      await closeConnection(kept);
      kept = null;
      await checkpointer.close();
    },
  };
}

/** The connection that checkpoints the WAL, every second, without waiting for readers or writers. */
class CheckpointConnection {
  private readonly connection: sqlite3.Database;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    storage: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.connection = new sqlite3.Database(storage);
    this.connection.configure('busyTimeout', 15_000);
    this.timer = setInterval(() => void this.checkpoint(), CHECKPOINT_EVERY_MS);
    // A checkpoint due must not keep a finished command alive.
    this.timer.unref();
  }

  /** PASSIVE: never waits for a reader or a writer, of this process or another (a CLI command, a second daemon). */
  private checkpoint(): Promise<void> {
    this.running ??= new Promise<void>((resolve) =>
      this.connection.run('PRAGMA wal_checkpoint(PASSIVE)', (error: Error | null) => {
        if (error) this.onError(error);
        resolve();
      }),
    ).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await closeConnection(this.connection);
  }
}

function closeConnection(connection: Pick<SqliteConnection, 'close'> | null): Promise<void> {
  return new Promise((resolve) => (connection ? connection.close(() => resolve()) : resolve()));
}
