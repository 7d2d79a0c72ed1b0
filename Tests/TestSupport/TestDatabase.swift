import Foundation
import JobQueue
import Postgres

/// A fresh, migrated database for one test, cloned from a template database
/// that is migrated once per migration set. The server comes from the `PG*`
/// variables that `scripts/test` exports (a throwaway cluster).
public struct TestDatabase: Sendable {
    public let name: String
    /// A `postgresql:///name` URI: host, port and user still come from `PG*`.
    public var url: String { "postgresql:///\(name)" }
    public var configuration: PostgresConfiguration { PostgresConfiguration(connectionString: url, applicationName: "tests") }

    /// Creates the database. Call `drop()` when done (leftovers die with the throwaway cluster anyway).
    public static func create(label: String = "t") async throws -> TestDatabase {
        try requireServer()
        let template = try await TemplateBuilder.shared.template()
        let name =
            "\(label.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20))_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try await PostgresConnection.connect(PostgresConfiguration(connectionString: "dbname=postgres"))
        try await TemplateBuilder.shared.clone(template: template, into: name, using: admin)
        await admin.close()
        return TestDatabase(name: name)
    }

    public func drop() async {
        guard let admin = try? await PostgresConnection.connect(PostgresConfiguration(connectionString: "dbname=postgres")) else {
            return
        }
        _ = try? await admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
        await admin.close()
    }

    public func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration)
    }

    public func pool(size: Int = 4) -> PostgresPool {
        PostgresPool(configuration: configuration, maxConnections: size)
    }

    /// Fails fast with the fix when the suite is run without a server.
    public static func requireServer() throws {
        if ProcessInfo.processInfo.environment["PGHOST"] == nil && ProcessInfo.processInfo.environment["DATABASE_URL"] == nil {
            throw TestSetupError(
                "no PostgreSQL server configured: run the tests with scripts/test, which starts a throwaway cluster")
        }
    }

    /// The repository's `migrations/` folder.
    public static var migrationsDirectory: URL {
        repositoryRoot.appendingPathComponent("migrations")
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds the template once per process; an advisory lock covers other test processes.
actor TemplateBuilder {
    static let shared = TemplateBuilder()
    private var built: String?

    func template() async throws -> String {
        if let built { return built }
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        let fingerprint = migrator.migrations.map(\.checksum).joined(separator: "-")
        let name = "mj_template_" + String(UInt64(bitPattern: Int64(fingerprint.hashValueStable)), radix: 16)
        let admin = try await PostgresConnection.connect(PostgresConfiguration(connectionString: "dbname=postgres"))
        try await admin.execute("SELECT pg_advisory_lock(4242)")
        do {
            let exists = try await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]).first != nil
            if !exists {
                try await admin.execute("CREATE DATABASE \"\(name)_building\"")
                let connection = try await PostgresConnection.connect(
                    PostgresConfiguration(connectionString: "dbname=\(name)_building"))
                try await migrator.migrate(connection)
                // The migration's system schedules (price refresh, retention) would
                // enqueue jobs in any test that runs a worker long enough; tests
                // start quiet and enable the schedules they are about.
                try await connection.execute("UPDATE marketplace_schedule SET enabled = false WHERE account_id IS NULL")
                await connection.close()
                try await admin.execute("ALTER DATABASE \"\(name)_building\" RENAME TO \"\(name)\"")
            }
            try await admin.execute("SELECT pg_advisory_unlock(4242)")
        } catch {
            _ = try? await admin.execute("DROP DATABASE IF EXISTS \"\(name)_building\" WITH (FORCE)")
            _ = try? await admin.execute("SELECT pg_advisory_unlock(4242)")
            await admin.close()
            throw error
        }
        await admin.close()
        built = name
        return name
    }

    /// Clones one at a time: CREATE DATABASE … TEMPLATE refuses while the template is busy.
    func clone(template: String, into name: String, using admin: PostgresConnection) async throws {
        try await admin.execute("CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\"")
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per run).
    var hashValueStable: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash ^= UInt64(byte); hash = hash &* 0x100_0000_01b3 }
        return Int64(bitPattern: hash)
    }
}
