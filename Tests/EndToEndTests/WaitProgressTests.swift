import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// `jobctl zortout pull … --wait` follows a 10,000-product pull (20 pages)
/// against the Zortout simulator, slowed to 200 ms per request so
/// the pull lasts a few seconds: on a pseudo-terminal it redraws one progress
/// line in place, through a pipe it prints plain lines.
@Suite struct WaitProgressTests {
    static let credentials = ZortoutSimulator.Credentials(storeName: "wait-store", apiKey: "wait-key", apiSecret: "wait-secret")

    /// Runs `argv` on a new pseudo-terminal (python3's pty module) and
    /// returns what the terminal showed; the exit status is python's, which
    /// is the command's.
    static let onPseudoTerminal = """
        import os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:])
        out = b""
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
        _, status = os.waitpid(pid, 0)
        sys.stdout.buffer.write(out)
        sys.exit(os.waitstatus_to_exitcode(status))
        """

    @Test("--wait draws a live line on a terminal and plain lines through a pipe")
    func waitShowsProgress() async throws {
        let h = try await EndToEndHarness.make("waitprogress")
        let catalogue = ZortoutCatalogue.seeded(size: 10_000)
        let simulator = try await ZortoutSimulator.start(
            catalogue: catalogue, credentials: Self.credentials, faults: ZortoutFaults(delayMilliseconds: 200))
        let worker = try h.worker(["--concurrency", "2"])
        try await withTeardown(await Self.stop(simulator, then: h, worker)) { () async throws in
            let account = try await Self.setUp(h, simulator: simulator, catalogue: catalogue)
            let jobctl = try ChildProcess.binary("jobctl")
            let pull = [jobctl, "zortout", "pull", String(account), "--wait", "--database-url", h.db.url]

            // A terminal: carriage returns redraw the line; the pty turns each "\n" into "\r\n".
            let tty = try await ChildProcess.run(
                "/usr/bin/env", ["python3", "-c", Self.onPseudoTerminal] + pull, timeout: .seconds(60))
            #expect(tty.status == 0, "\(tty.output)")
            let ttyJob = try #require(Self.jobID(tty.output), "\(tty.output)")
            #expect(
                tty.output.contains("job \(ttyJob) done after 1 attempt(s)"),
                "\(tty.output)\nworker: \(worker.output.suffix(2000))")
            let drawn = tty.output.components(separatedBy: "\r").dropFirst()
                .filter { !$0.hasPrefix("\n") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("job \(ttyJob) running (attempt 1): ") && $0.contains("/20 pages") }
            #expect(Set(drawn).count >= 2, "expected the progress line redrawn in place, got \(tty.output.debugDescription)")
            #expect(drawn.contains { $0.contains("%) [#") }, "no progress bar in \(drawn)")

            // A pipe: one plain line per change, no carriage return at all.
            let piped = try await ChildProcess.run(
                "/bin/bash", ["-o", "pipefail", "-c", pull.joined(separator: " ") + " | cat"], timeout: .seconds(60))
            #expect(piped.status == 0, "\(piped.output)")
            #expect(!piped.output.contains("\r"), "a carriage return went down the pipe: \(piped.output.debugDescription)")
            let pipedJob = try #require(Self.jobID(piped.output), "\(piped.output)")
            #expect(pipedJob != ttyJob)
            let lines = piped.output.split(separator: "\n").map(String.init)
                .filter { $0.hasPrefix("job \(pipedJob) running (attempt 1): ") && $0.contains("/20 pages") }
            #expect(lines.count >= 2, "expected plain progress lines, got \(piped.output)")
            let pages = lines.compactMap { line in line.firstMatch(of: /: (\d+)\/20 pages/).map { Int($0.1)! } }
            #expect(pages == pages.sorted() && Set(pages).count == pages.count, "lines repeat or go backwards: \(lines)")
            #expect(
                piped.output.contains("job \(pipedJob) done after 1 attempt(s)"),
                "\(piped.output)\nworker: \(worker.output.suffix(2000))")

            // The finished job keeps its last progress, which show and list print.
            let show = try await h.jobctl(["show", String(pipedJob)])
            #expect(show.output.contains(/progress +20\/20 pages \(100%\)/), "\(show.output)")
            let list = try await h.jobctl(["list", "--type", "zortout.pull_stock"])
            #expect(list.output.contains("DONE") && list.output.contains("100%"), "\(list.output)")
        }
    }

    static func jobID(_ output: String) -> Int64? {
        output.firstMatch(of: /job (\d+) enqueued/).flatMap { Int64($0.1) }
    }

    /// A Zortout account on the simulator, its Bangkok location, and every SKU of the catalogue as a local product.
    static func setUp(_ h: EndToEndHarness, simulator: ZortoutSimulator, catalogue: ZortoutCatalogue) async throws -> Int64 {
        let skus = catalogue.products.compactMap(\.sku).filter { !$0.isEmpty }
        try await h.connection.execute(
            """
            INSERT INTO product (default_code, name, type, is_storable)
            SELECT sku, 'Local ' || sku, 'consu', true FROM unnest($1::text[]) AS t(sku)
            """, [skus])
        try await h.connection.execute("INSERT INTO stock_location (name, warehouse_code) VALUES ('WH/Bangkok', 'W0001')")
        let settings = #"{"base_url": "\#(simulator.baseURL.absoluteString)", "warehouse_code": "W0001"}"#
        let secrets = #"{"store_name": "wait-store", "api_key": "wait-key", "api_secret": "wait-secret"}"#
        return try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, settings, credentials)
                VALUES ('Zortout wait', 'zortout', $1::jsonb, $2::jsonb) RETURNING id
                """, [PostgresJSON(text: settings), PostgresJSON(text: secrets)]
            ).first
        ).decode(Int64.self, "id")
    }

    static func stop(_ simulator: ZortoutSimulator, then h: EndToEndHarness, _ worker: ChildProcess) async {
        worker.terminateIfRunning()
        await simulator.stop()
        await h.finish()
    }
}
