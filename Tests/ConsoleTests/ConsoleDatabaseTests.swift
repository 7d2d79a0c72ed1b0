import Console
import Postgres
import TestSupport
import Testing

/// The console's connection strings carry the role in libpq's startup
/// options, whatever form the operator's URL takes, and libpq honours it.
@Suite struct ConsoleDatabaseTests {
    @Test func everyURLFormGetsTheRoleOption() {
        let uri = ConsoleDatabase.configuration(PostgresConfiguration(connectionString: "postgresql://app@db/marketplace"))
        #expect(uri.connectionString == "postgresql://app@db/marketplace?options=-c%20role%3Dmarketplace_console")
        let query = ConsoleDatabase.configuration(PostgresConfiguration(connectionString: "postgresql:///m?host=/tmp"))
        #expect(query.connectionString == "postgresql:///m?host=/tmp&options=-c%20role%3Dmarketplace_console")
        let conninfo = ConsoleDatabase.configuration(PostgresConfiguration(connectionString: "dbname=m host=/tmp"))
        #expect(conninfo.connectionString == "dbname=m host=/tmp options='-c role=marketplace_console'")
        let environment = ConsoleDatabase.configuration(PostgresConfiguration(connectionString: nil))
        #expect(environment.connectionString == "options='-c role=marketplace_console'")
    }

    @Test func aConninfoURLConnectsAsTheConsoleRole() async throws {
        let db = try await TestDatabase.create(label: "cconninfo")
        let configuration = ConsoleDatabase.configuration(PostgresConfiguration(connectionString: "dbname=\(db.name)"))
        let connection = try await PostgresConnection.connect(configuration)
        let row = try await connection.query("SELECT current_user AS role, session_user AS login").first
        await connection.close()
        await db.drop()
        #expect(row?["role"] == "marketplace_console")
        #expect(row?["login"] != "marketplace_console")
    }
}
