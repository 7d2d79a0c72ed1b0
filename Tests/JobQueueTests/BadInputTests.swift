import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// Whatever the ERP inserts, the worker answers with a clear error or the
/// right state, and goes on to the next job.
@Suite("Bad input by SQL")
struct BadInputTests {
    @Test("unknown type, null payload, wrong shape, 1 MB payload, negative max_attempts; then a valid job still runs")
    func badInputThenValidJob() async throws {
        let h = try await WorkerHarness.make("badinput")
        try await withTeardown(await h.finish()) {
            let unknown = try await h.insert("no.such.type")
            let nullPayload = try await h.insert("test.shape", "null")
            let wrongShape = try await h.insert("test.shape", #"{"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": "two"}]}"#)
            let missingField = try await h.insert("test.shape", #"{"items": [{"qty": 1}]}"#)
            let items = (0..<20_000).map { #"{"sku": "SKU-\#($0)-padding-padding-padding-padding", "qty": \#($0)}"# }.joined(
                separator: ",")
            let big = try await h.insert("test.shape", #"{"items": [\#(items)]}"#)
            #expect(
                try await h.connection.query("SELECT octet_length(payload::text) AS n FROM marketplace_job WHERE id = $1", [big])
                    .first.map { try $0.decode(Int.self, "n") } ?? 0 > 1_000_000)

            // The database refuses a negative max_attempts, SQL NULL payload and an empty type outright.
            for (sql, state) in [
                ("INSERT INTO marketplace_job (job_type, max_attempts) VALUES ('system.noop', -1)", "23514"),
                ("INSERT INTO marketplace_job (job_type, payload) VALUES ('system.noop', NULL)", "23502"),
                ("INSERT INTO marketplace_job (job_type) VALUES ('')", "23514"),
            ] {
                do {
                    try await h.connection.execute(sql)
                    Issue.record("accepted: \(sql)")
                } catch let error as PostgresError {
                    #expect(error.sqlState == state, "\(sql): \(error)")
                }
            }
            let valid = try await h.insert("test.shape", #"{"items": []}"#)

            try await h.drain(testRegistry(), h.configuration(concurrency: 1))

            let unknownRow = try await h.job(unknown)
            #expect(unknownRow["state"] == "failed")
            #expect(unknownRow["attempts"] == "1")
            #expect(unknownRow["error"]?.contains("unknown job_type 'no.such.type'") == true)
            #expect(unknownRow["error"]?.contains("system.noop") == true, "lists the known types")
            #expect(try await h.job(nullPayload)["error"]?.contains("payload: expected an object, found null") == true)
            #expect(try await h.job(wrongShape)["error"]?.contains("items[1].qty") == true)
            #expect(try await h.job(missingField)["error"]?.contains("items[0].sku: required field is missing") == true)
            for id in [nullPayload, wrongShape, missingField] {
                let row = try await h.job(id)
                #expect(row["state"] == "failed" && row["attempts"] == "1", "job \(id) fails at once")
            }
            let bigRow = try await h.job(big)
            #expect(bigRow["state"] == "done")
            #expect(bigRow["result_text"] == #"{"count": 20000}"#)
            #expect(try await h.job(valid)["state"] == "done")
        }
    }

    @Test("a payload nested 4,000 levels deep (which jsonb stores) fails at once, saying it is nested too deeply and the limit")
    func deeplyNestedPayload() async throws {
        let h = try await WorkerHarness.make("deepjson")
        try await withTeardown(await h.finish()) {
            let deep = #"{"items": "# + String(repeating: "[", count: 4_000) + String(repeating: "]", count: 4_000) + "}"
            let limit = #"{"items": [], "x": "# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"
            let tooDeep = try await h.insert("test.shape", deep)
            let atLimit = try await h.insert("test.shape", limit)
            try await h.drain(testRegistry(), h.configuration(concurrency: 1))
            let row = try await h.job(tooDeep)
            #expect(row["state"] == "failed" && row["attempts"] == "1")
            #expect(
                row["error"]
                    == "invalid payload for test.shape: nested too deeply: 4001 levels of arrays and objects, and at most 512 can be decoded"
            )
            // 512 levels (the object and 511 arrays) still decode.
            #expect(try await h.state(atLimit) == "done")
            // jobctl enqueue says the same before the job is stored.
            var job = JobAdmin.NewJob(jobType: "test.shape")
            job.payload = deep
            let refusal = await #expect(throws: JobAdminError.self) { try await JobAdmin(connection: h.connection).enqueue(job) }
            #expect(
                refusal?.description
                    == "the payload is nested too deeply: 4001 levels of arrays and objects, and at most 512 can be decoded")
        }
    }

    @Test("nesting depth counts brackets outside strings only")
    func nestingDepthIgnoresStrings() {
        #expect(DecodingErrorText.nestingDepth(Data(#"{"a": [[1], {"b": "[[[[{"}], "c": "\"[["}"#.utf8)) == 3)
        #expect(DecodingErrorText.nestingDepth(Data("42".utf8)) == 0)
        #expect(
            DecodingErrorText.tooDeep(Data((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8)) == nil
        )
    }
}
