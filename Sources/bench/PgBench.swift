import Foundation

/// Runs the ceiling scripts in bench/pgbench/ with the real `pgbench`.
struct PgBench {
    let executable: URL
    let scripts: URL
    let database: String

    static func locate(explicit: String?) throws -> URL {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/pgbench")
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin/pgbench")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchError("pgbench not found (apt-get install postgresql-contrib, or pass --pgbench)")
        }
        return URL(fileURLWithPath: found)
    }

    /// Runs `script` and returns the transactions per second pgbench reports
    /// (without connection time). `-M prepared` binds `:ids` as a parameter.
    func run(script: String, clients: Int, transactionsPerClient: Int) async throws -> Double {
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "-n", "-M", "prepared", "-c", "\(clients)", "-j", "\(min(clients, 2))",
            "-t", "\(transactionsPerClient)", "-f", scripts.appendingPathComponent(script).path, database,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BenchError("pgbench \(script) failed (\(process.terminationStatus)):\n\(text)")
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst("tps = ".count).prefix(while: { $0.isNumber || $0 == "." }))
        else {
            throw BenchError("could not read tps from pgbench output:\n\(text)")
        }
        if let failed = text.split(separator: "\n").first(where: { $0.hasPrefix("number of failed transactions:") }),
            !failed.contains(": 0 ")
        {
            throw BenchError("pgbench \(script): \(failed)")
        }
        return tps
    }
}
