import Foundation
import Postgres
import Testing

@Suite("Pure value handling")
struct PostgresValueTests {
    @Test("timestamps round-trip through text, with offsets")
    func timestampParsing() throws {
        let date = try #require(PostgresTimestamp.parse("2026-11-21 11:31:05.123456+00"))
        #expect(abs(date.timeIntervalSince1970 - 1_795_260_665.123456) < 0.000_001)
        #expect(PostgresTimestamp.parse("2026-11-21 18:31:05.123456+07") == date)
        #expect(PostgresTimestamp.parse("2026-11-21 06:01:05.123456-05:30") == date)
        #expect(
            PostgresTimestamp.parse(PostgresTimestamp.format(date)).map { abs($0.timeIntervalSince(date)) < 0.000_001 } == true)
        #expect(PostgresTimestamp.parse("infinity") == nil)
        #expect(PostgresTimestamp.parse("2026-11-21") == nil)
    }

    @Test("array literals quote every element")
    func arrayLiterals() {
        #expect(["a", "b,c", "\"q\"", "back\\slash"].postgresText == #"{"a","b,c","\"q\"","back\\slash"}"#)
        #expect(([1, nil, 3] as [Int?]).postgresText == #"{"1",NULL,"3"}"#)
        #expect(([] as [Int]).postgresText == "{}")
        // A quote followed by a combining mark is one Character but still a quote byte to PostgreSQL.
        #expect(["a\"\u{301}b", "ข้าว \\"].postgresText == "{\"a\\\"\u{301}b\",\"ข้าว \\\\\"}")
    }

    @Test("DATABASE_URL and --database-url precedence, and passwords are masked")
    func configurationResolution() {
        let fromFlag = PostgresConfiguration.resolve(
            explicit: "postgresql:///a", environment: ["DATABASE_URL": "postgresql:///b"], applicationName: "x")
        #expect(fromFlag.connectionString == "postgresql:///a")
        let fromEnv = PostgresConfiguration.resolve(
            explicit: nil, environment: ["DATABASE_URL": "postgresql:///b"], applicationName: "x")
        #expect(fromEnv.connectionString == "postgresql:///b")
        let fromPG = PostgresConfiguration.resolve(explicit: nil, environment: [:], applicationName: "x")
        #expect(fromPG.connectionString == nil)
        let secret = PostgresConfiguration(connectionString: "postgresql://user:hunter2@db:5432/app?sslmode=require")
        #expect(!secret.redactedDescription.contains("hunter2"))
        let conninfo = PostgresConfiguration(connectionString: "host=db password=hunter2 dbname=app")
        #expect(!conninfo.redactedDescription.contains("hunter2"))
    }
}
