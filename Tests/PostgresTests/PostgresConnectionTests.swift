import Foundation
import Postgres
import TestSupport
import Testing

@Suite("PostgresConnection against a real server")
struct PostgresConnectionTests {
    @Test("slow queries on more connections than the cooperative pool has threads all run at once")
    func slowQueriesDoNotBlockTheCooperativePool() async throws {
        let db = try await TestDatabase.create(label: "slow")
        try await withTeardown(await db.drop()) {
            // The cooperative pool has a thread per core. Two more connections
            // than that: if a libpq call blocked a pool thread while it waited,
            // at most one per thread could be in flight, and the last two could
            // only begin after the first ones ended.
            let count = max(4, ProcessInfo.processInfo.activeProcessorCount + 2)
            var connections: [PostgresConnection] = []
            for _ in 0..<count { connections.append(try await db.connect()) }
            // Each sleep reports when the server began and ended it; they all ran at
            // once if every one began before the first one ended. The server's clock
            // decides this, not how busy this machine is.
            let spans = try await withThrowingTaskGroup(of: (began: Date, ended: Date).self) { group in
                for connection in connections {
                    group.addTask {
                        let row = try #require(
                            try await connection.query(
                                "SELECT statement_timestamp() AS began, clock_timestamp() AS ended FROM pg_sleep(2)"
                            ).first)
                        return (try row.decode(Date.self, "began"), try row.decode(Date.self, "ended"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(spans.count == count)
            let firstEnd = try #require(spans.map(\.ended).min())
            #expect(
                spans.allSatisfy { $0.began < firstEnd },
                "\(count) sleeps on \(ProcessInfo.processInfo.activeProcessorCount) cores did not all overlap: \(spans)")
        }
    }

    @Test("server errors carry SQLSTATE, constraint and message")
    func serverErrorsAreTyped() async throws {
        let db = try await TestDatabase.create(label: "errors")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
            try await connection.execute("INSERT INTO t VALUES (1)")
            do {
                try await connection.execute("INSERT INTO t VALUES ($1)", [1])
                Issue.record("duplicate insert succeeded")
            } catch let error as PostgresError {
                #expect(error.sqlState == "23505")
                guard case .server(let server) = error else { Issue.record("not a server error: \(error)"); return }
                #expect(server.constraint == "t_pkey")
                #expect(!error.isConnectionProblem)
            }
            await #expect(throws: PostgresError.self) { try await connection.execute("SELEC 1") }
            do {
                try await connection.execute("SELEC 1")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42601")
            }
            // The connection is still usable after errors.
            #expect(try await connection.query("SELECT 1 AS one").first?["one"] == "1")
        }
    }

    @Test("parameters round-trip: NULL, unicode, quotes in arrays, numeric, timestamps")
    func parametersRoundTrip() async throws {
        let db = try await TestDatabase.create(label: "params")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            let date = Date(timeIntervalSince1970: 1_790_000_000.123456)
            let row = try #require(
                try await connection.query(
                    """
                    SELECT $1::text AS text, $2::text AS null_text, $3::bigint AS big, $4::bool AS flag,
                           $5::numeric AS money, $6::timestamptz AS at, $7::text[] AS list,
                           array_length($7::text[], 1) AS list_length, ($7::text[])[2] AS second, ($7::text[])[3] IS NULL AS third_null,
                           $8::jsonb ->> 'k' AS json_value
                    """,
                    [
                        "ข้าวหอมมะลิ 'quoted'", Optional<String>.none, Int64.max, true, Decimal(string: "12345678901234567890.01")!,
                        date, ["a,b", "say \"hi\" \\ ok", nil] as [String?], PostgresJSON(text: #"{"k": "v"}"#),
                    ]
                ).first)
            #expect(row["text"] == "ข้าวหอมมะลิ 'quoted'")
            #expect(row["null_text"] == nil)
            #expect(try row.decode(Int64.self, "big") == Int64.max)
            #expect(try row.decode(Bool.self, "flag"))
            #expect(try row.decode(Decimal.self, "money") == Decimal(string: "12345678901234567890.01")!)
            let back = try row.decode(Date.self, "at")
            #expect(abs(back.timeIntervalSince(date)) < 0.000_002)
            #expect(try row.decode(Int.self, "list_length") == 3)
            #expect(row["second"] == "say \"hi\" \\ ok")
            #expect(row["third_null"] == "t")
            #expect(row["json_value"] == "v")
            // An injection attempt is just a value.
            let injected = try await connection.query("SELECT $1::text AS v", ["'); DROP TABLE x; --"]).first?["v"]
            #expect(injected == "'); DROP TABLE x; --")
        }
    }

    @Test("a transaction rolls back when its body throws")
    func transactionRollsBack() async throws {
        let db = try await TestDatabase.create(label: "tx")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int)")
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await connection.transaction { connection in
                    try await connection.execute("INSERT INTO t VALUES (1)")
                    throw Boom()
                }
            }
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first?["n"] == "0")
            _ = try await connection.transaction { try await $0.execute("INSERT INTO t VALUES (2)") }
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first?["n"] == "1")
        }
    }

    @Test("pipeline: results in order, one implicit transaction")
    func pipelineRunsInOneRoundTrip() async throws {
        let db = try await TestDatabase.create(label: "pipe")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            let results = try await connection.pipeline([
                (sql: "INSERT INTO t VALUES ($1)", parameters: [1]),
                (sql: "INSERT INTO t VALUES ($1)", parameters: [2]),
                (sql: "SELECT count(*) AS n FROM t", parameters: []),
            ])
            #expect(results.count == 3)
            #expect(results[0].affectedRows == 1)
            #expect(results[2].first?["n"] == "2")
            // A failing statement aborts the whole pipeline's implicit transaction.
            await #expect(throws: PostgresError.self) {
                _ = try await connection.pipeline([
                    (sql: "INSERT INTO t VALUES ($1)", parameters: [3]),
                    (sql: "INSERT INTO t VALUES ($1)", parameters: [1]),
                ])
            }
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first?["n"] == "2")
        }
    }

    @Test("a killed session is reconnected on the next command")
    func reconnectsAfterTheSessionDies() async throws {
        let db = try await TestDatabase.create(label: "reconnect")
        try await withTeardown(await db.drop()) {
            let victim = try await db.connect()
            let killer = try await db.connect()
            let pid = try #require(try await victim.query("SELECT pg_backend_pid() AS pid").first?["pid"])
            try await killer.execute("SELECT pg_terminate_backend($1::int)", [pid])
            do {
                _ = try await victim.query("SELECT 1")
                // libpq may only notice on the following command.
            } catch let error as PostgresError {
                #expect(error.isConnectionProblem, "\(error)")
            }
            let newPid = try await victim.query("SELECT pg_backend_pid() AS pid").first?["pid"]
            #expect(newPid != nil && newPid != pid)
        }
    }

    @Test("a lost session inside a transaction fails the transaction instead of continuing outside it")
    func lostSessionInsideTransaction() async throws {
        let db = try await TestDatabase.create(label: "txlost")
        try await withTeardown(await db.drop()) {
            let victim = try await db.connect()
            let killer = try await db.connect()
            try await victim.execute("CREATE TABLE t (v int)")
            await #expect(throws: PostgresError.self) {
                try await victim.transaction { connection in
                    try await connection.execute("INSERT INTO t VALUES (1)")
                    let pid = try await connection.query("SELECT pg_backend_pid() AS pid").first?["pid"] ?? "0"
                    try await killer.execute("SELECT pg_terminate_backend($1::int)", [pid])
                    _ = try? await connection.execute("SELECT 1")
                    try await connection.execute("INSERT INTO t VALUES (2)")
                }
            }
            #expect(try await victim.query("SELECT count(*) AS n FROM t").first?["n"] == "0")
        }
    }

    @Test("cancelling the task cancels the running query")
    func taskCancellationCancelsTheQuery() async throws {
        let db = try await TestDatabase.create(label: "cancel")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            let started = ContinuousClock.now
            let task = Task { try await connection.execute("SELECT pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - started < .seconds(10))
            guard case .failure(let error) = result, case .cancelled? = error as? PostgresError else {
                Issue.record("expected PostgresError.cancelled, got \(result)")
                return
            }
            #expect(try await connection.query("SELECT 1 AS one").first?["one"] == "1")
        }
    }

    @Test("connecting to a server that is not there is a typed error")
    func connectFailure() async throws {
        let configuration = PostgresConfiguration(connectionString: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
        do {
            _ = try await PostgresConnection.connect(configuration)
            Issue.record("connected to port 1")
        } catch let error as PostgresError {
            guard case .connectFailed = error else { Issue.record("\(error)"); return }
            #expect(error.isConnectionProblem)
        }
    }
}
