import Foundation
import Postgres

/// Applies `migrations/NNNN_name.sql` in order, each in its own transaction,
/// recording them in `schema_migrations`. A session-level advisory lock makes
/// concurrent runs (two deploys, a compose one-shot plus a developer) wait for
/// each other instead of racing; a second run finds nothing to do.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
        public let checksum: String
    }

    public enum MigratorError: Error, CustomStringConvertible {
        case directoryNotFound(searched: [String])
        case badFileName(String)
        case duplicateVersion(Int)
        case changedAfterApply(version: Int, name: String)
        case failed(version: Int, name: String, error: PostgresError)

        public var description: String {
            switch self {
            case .directoryNotFound(let searched):
                return
                    "migrations directory not found (looked in \(searched.joined(separator: ", "))); pass --migrations DIR or set MJ_MIGRATIONS_DIR"
            case .badFileName(let name):
                return "migration file \(name) must be named NNNN_description.sql"
            case .duplicateVersion(let version):
                return "two migration files share version \(version)"
            case .changedAfterApply(let version, let name):
                return "migration \(version) (\(name)) was edited after it was applied; add a new migration instead"
            case .failed(let version, let name, let error):
                return "migration \(version) (\(name)) failed and was rolled back: \(error)"
            }
        }
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]) { self.migrations = migrations }

    /// Reads every `*.sql` file of `directory`.
    public init(directory: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        var seen = Set<Int>()
        migrations = try files.map { file in
            guard let underscore = file.firstIndex(of: "_"), let version = Int(file[..<underscore]) else {
                throw MigratorError.badFileName(file)
            }
            guard seen.insert(version).inserted else { throw MigratorError.duplicateVersion(version) }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(file.dropLast(4)), sql: sql, checksum: Self.checksum(sql))
        }.sorted { $0.version < $1.version }
    }

    /// `--migrations` if given, else `MJ_MIGRATIONS_DIR`, else `./migrations`,
    /// else a `migrations` folder above the executable (a checkout's `.build/debug/jobctl`).
    public static func locateDirectory(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> URL
    {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let fromEnvironment = environment["MJ_MIGRATIONS_DIR"] { candidates.append(fromEnvironment) }
        candidates.append(FileManager.default.currentDirectoryPath + "/migrations")
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent("migrations").path)
            directory.deleteLastPathComponent()
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                return URL(fileURLWithPath: candidate)
            }
            if explicit != nil, candidate == explicit { break }
        }
        throw MigratorError.directoryNotFound(searched: explicit.map { [$0] } ?? candidates)
    }

    /// Applies what is missing and returns the migrations it applied.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, log: (String) -> Void = { _ in }) async throws -> [Migration] {
        try await connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        do {
            let applied = try await run(connection, log: log)
            try await connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            return applied
        } catch {
            _ = try? await connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            throw error
        }
    }

    /// The migrations already recorded, by version.
    public static func appliedVersions(_ connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String)] {
        let exists =
            try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first?["present"] == "t"
        guard exists else { return [:] }
        var versions: [Int: (String, String)] = [:]
        for row in try await connection.query("SELECT version, name, checksum FROM schema_migrations").rows {
            versions[try row.decode(Int.self, "version")] = (
                try row.decode(String.self, "name"), try row.decode(String.self, "checksum")
            )
        }
        return versions
    }

    private func run(_ connection: PostgresConnection, log: (String) -> Void) async throws -> [Migration] {
        try await connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = try await Self.appliedVersions(connection)
        var done: [Migration] = []
        for migration in migrations {
            if let existing = applied[migration.version] {
                guard existing.checksum == migration.checksum else {
                    throw MigratorError.changedAfterApply(version: migration.version, name: migration.name)
                }
                continue
            }
            do {
                try await connection.transaction { connection in
                    try await connection.executeScript(migration.sql)
                    try await connection.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        [migration.version, migration.name, migration.checksum])
                }
            } catch let error as PostgresError {
                throw MigratorError.failed(version: migration.version, name: migration.name, error: error)
            }
            log("applied \(migration.name)")
            done.append(migration)
        }
        return done
    }

    /// Arbitrary but fixed: "mj-migrate" as an integer.
    static let lockKey: Int64 = 0x6D6A_2D6D_6967

    /// FNV-1a, 64-bit: enough to notice an edited file; not a security measure.
    static func checksum(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
