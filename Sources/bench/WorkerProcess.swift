import Foundation

/// A child process (`worker`, or the pgqueuer peer's Python drain) whose peak
/// memory and CPU time we watch.
///
/// Peak RSS is read from `VmHWM` in /proc/<pid>/status: the kernel keeps the
/// high-water mark, so sampling it every few milliseconds until the process
/// exits loses at most the last few milliseconds of growth.
final class WorkerProcess {
    let process = Process()
    let logFile: URL
    private(set) var peakKiB = 0

    /// `environment` is added to this process's own (the peer reads the libpq
    /// variables; `worker` takes `--database-url`).
    init(executable: URL, arguments: [String], logFile: URL, environment: [String: String] = [:]) throws {
        self.logFile = logFile
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Reads VmHWM now and keeps the largest value seen.
    func sampleMemory() {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst("VmHWM:".count).filter(\.isNumber)
            if let kib = Int(digits) { peakKiB = max(peakKiB, kib) }
        }
    }

    /// User + system CPU seconds so far, from /proc/<pid>/stat (fields 14 and
    /// 15, in clock ticks); nil once the process is gone.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the parenthesised command name start at field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    var tail: String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: "\n")
    }

    /// Waits for every process to exit, sampling memory; kills them all after `timeout`.
    static func waitForAll(_ workers: [WorkerProcess], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while workers.contains(where: \.isRunning) {
            for worker in workers where worker.isRunning { worker.sampleMemory() }
            if ContinuousClock.now > deadline {
                for worker in workers where worker.isRunning { worker.signal(SIGKILL) }
                throw BenchError("workers did not finish within \(timeout); see \(workers[0].logFile.path)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        for worker in workers where worker.process.terminationStatus != 0 {
            throw BenchError("worker exited with status \(worker.process.terminationStatus):\n\(worker.tail)")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
