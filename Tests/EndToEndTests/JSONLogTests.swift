import Foundation
import Postgres
import TestSupport
import Testing

/// `worker run --log-format json` (and `LOG_FORMAT=json`): one JSON object per
/// line, with the job metadata, and no payload or credential.
@Suite("JSON logs", .serialized)
struct JSONLogTests {
    static let secret = "json-log-SECRET-77aa"
    static let marker = "PAYLOAD-MARKER-3c1d"

    func run(_ h: EndToEndHarness, _ arguments: [String], environment: [String: String] = [:]) async throws -> [[String: Any]] {
        let account = try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, credentials)
                VALUES ('logs', 'testmarket', jsonb_build_object('api_key', $1::text)) RETURNING id
                """, [Self.secret]
            ).first
        ).decode(Int64.self, "id")
        try await h.connection.execute(
            """
            INSERT INTO marketplace_job (job_type, payload, account_id, max_attempts) VALUES
              ('system.sleep', jsonb_build_object('seconds', 0, 'note', $1::text), $2, 1),
              ('system.sleep', jsonb_build_object('seconds', -1, 'note', $1::text), $2, 1)
            """, [Self.marker, account])
        let worker = try h.worker(["--exit-when-idle", "--log-level", "debug"] + arguments, environment: environment)
        #expect(await worker.waitForExit(timeout: .seconds(60)) == 0, "\(worker.output.suffix(2000))")
        let output = worker.output
        #expect(!output.contains(Self.secret))
        #expect(!output.contains(Self.marker))
        let lines = output.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count >= 4)
        return try lines.map { line in
            let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(parsed, "not a JSON object: \(line)")
        }
    }

    @Test("--log-format json: every line is a JSON object with timestamp, level, message and job metadata")
    func jsonLines() async throws {
        let h = try await EndToEndHarness.make("jsonlogs")
        try await withTeardown(await h.finish()) { () async throws in
            let objects = try await run(h, ["--log-format", "json", "--worker-id", "jsonw"])
            for object in objects {
                #expect(object["timestamp"] is String && object["level"] is String && object["message"] is String, "\(object)")
            }
            let done = try #require(objects.first { $0["message"] as? String == "job done" })
            #expect(done["job_type"] as? String == "system.sleep")
            #expect(Int(done["job_id"] as? String ?? "") != nil)
            #expect(done["attempt"] as? String == "1")
            #expect(done["worker_id"] as? String == "jsonw")
            #expect(done["level"] as? String == "debug")
            #expect(done["duration_ms"] != nil)
            let failed = try #require(objects.first { $0["message"] as? String == "job failed permanently" })
            #expect(failed["level"] as? String == "error")
            #expect((failed["error"] as? String)?.contains("seconds must be between 0 and 86400") == true)
            let timestamp = try #require(done["timestamp"] as? String)
            #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp) <= Date())
            #expect(timestamp.hasSuffix("Z"))
        }
    }

    @Test("LOG_FORMAT=json does the same; the default stays key=value; an unknown format is a usage error")
    func environmentAndDefault() async throws {
        let h = try await EndToEndHarness.make("jsonlogenv")
        try await withTeardown(await h.finish()) { () async throws in
            let objects = try await run(h, [], environment: ["LOG_FORMAT": "json"])
            #expect(objects.contains { $0["message"] as? String == "job done" })

            try await h.connection.execute("INSERT INTO marketplace_job (job_type) VALUES ('system.noop')")
            let text = try h.worker(["--exit-when-idle", "--log-level", "debug"], environment: ["LOG_FORMAT": ""])
            #expect(await text.waitForExit(timeout: .seconds(60)) == 0)
            #expect(text.output.contains("job_type=system.noop"))
            #expect(!text.output.hasPrefix("{"))

            let bad = try h.worker(["--log-format", "xml"])
            #expect(await bad.waitForExit(timeout: .seconds(30)) == 64)
            #expect(bad.output.contains("unknown log format 'xml'"))
        }
    }
}
