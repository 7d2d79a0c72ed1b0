import Foundation

/// A project executable started by a test, its output captured in a file so a
/// test can read (and grep) everything it logged.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is configured before `run()` and afterwards only
    // read through Foundation's thread-safe accessors.
    public let process: Process
    public let logFile: URL

    public init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try ChildProcess.binary(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mj-\(URL(fileURLWithPath: executable).lastPathComponent)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for exit (bounded) and returns the exit status, or nil if it did not exit in time.
    public func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    public var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    public func terminateIfRunning() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The built executable: `MJ_BIN_DIR` (set by scripts/test) or `.build/debug`.
    /// A name with a slash is taken as a path.
    public static func binary(_ name: String) throws -> String {
        if name.contains("/") { return name }
        var directories: [String] = []
        if let directory = ProcessInfo.processInfo.environment["MJ_BIN_DIR"] { directories.append(directory) }
        directories.append(repositoryRoot.appendingPathComponent(".build/debug").path)
        for directory in directories where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        throw TestSetupError(
            "executable \(name) not built (looked in \(directories.joined(separator: ", "))); run scripts/test, which builds it")
    }

    /// Runs a command to completion and returns (status, combined output).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) async throws -> (status: Int32, output: String) {
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.terminateIfRunning()
            throw TestSetupError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return (status, child.output)
    }
}
