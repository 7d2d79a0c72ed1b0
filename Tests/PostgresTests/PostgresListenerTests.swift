import Foundation
import Postgres
import TestSupport
import Testing

@Suite("LISTEN/NOTIFY")
struct PostgresListenerTests {
    @Test("notifications arrive, and keep arriving after the listener's session is killed")
    func listenerDeliversAndReconnects() async throws {
        let db = try await TestDatabase.create(label: "listen")
        try await withTeardown(await db.drop()) {
            let listener = PostgresListener(configuration: db.configuration, channels: ["jobs"])
            listener.start()
            defer { listener.stop() }
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .connected)

            let sender = try await db.connect()
            try await sender.execute("SELECT pg_notify('jobs', 'hello')")
            #expect(await events.next() == .notification(channel: "jobs", payload: "hello"))

            try await sender.execute(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND query LIKE 'LISTEN%'
                """)
            #expect(await events.next() == .connected)
            try await sender.execute("SELECT pg_notify('jobs', 'again')")
            #expect(await events.next() == .notification(channel: "jobs", payload: "again"))
        }
    }
}
