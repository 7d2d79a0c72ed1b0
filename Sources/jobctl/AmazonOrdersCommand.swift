import Amazon
import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

/// `jobctl amazon orders`: the seed's "Download the last two months' order
/// data" (`--since 60d`) and "Synchronize all orders in the past three months"
/// (`--all`). A manual run never moves the automatic download's watermark.
struct AmazonOrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Download the account's orders now (--since 60d, or --all for the past three months).",
        discussion:
            "Enqueues amazon.orders_sync with the window in its payload; each page's job enqueues the next. --wait follows every page. The watermark of the automatic download is left alone."
    )
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Amazon account: id or name.") var account: String
    @Option(help: ArgumentHelp("Orders updated in the last N days/hours/minutes: 60d, 12h, 90m.", valueName: "age"))
    var since: String?
    @Flag(help: "Every order created in the past three months (createdAfter now − 90 days).") var all = false
    @Flag(help: "Follow every page's job and print what each stored.") var wait = false
    @Option(help: ArgumentHelp("With --wait: give up after this many seconds.", valueName: "seconds")) var timeout: Double = 3600
    @Flag(help: "Download even though the account is in automatic mode (settings.automatic).") var force = false
    @Option(help: ArgumentHelp("Orders per page (1…100).", valueName: "n")) var pageSize: Int?
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            if since == nil && !all { throw JobctlError.badInput("give either --since AGE (e.g. 60d) or --all") }
            if since != nil && all { throw JobctlError.badInput("--since and --all exclude each other") }
            if let pageSize, !(1...100).contains(pageSize) { throw JobctlError.badInput("--page-size must be 1…100") }
            guard timeout > 0 else { throw JobctlError.badInput("--timeout must be positive") }
            let now = Date()
            let before = now.addingTimeInterval(-OrdersSyncJob.settleSeconds)
            let after: Date
            if let since {
                guard let seconds = Self.age(since) else {
                    throw JobctlError.badInput("--since '\(since)' is not an age such as 60d, 12h or 90m")
                }
                after = now.addingTimeInterval(-seconds)
            } else {
                after = now.addingTimeInterval(-Double(OrderAdmin.allOrdersDays) * 86_400)
            }
            let output = try await database.withPool { pool in
                let admin = OrderAdmin(database: pool)
                let account = try await AmazonAdmin(database: pool).account(account)
                try account.requireManualMode(force: force, command: "download orders")
                let first = try await admin.enqueueManualSync(
                    account: account, basis: all ? .created : .lastUpdated, after: min(after, before), before: before,
                    pageSize: pageSize)
                var output = OrdersOutput(firstJob: first)
                if wait {
                    if !json { print("job \(first) enqueued; waiting for a worker…") }
                    try await follow(&output, admin: AmazonAdmin(database: pool))
                }
                return output
            }
            if json {
                print(try Output.json(output))
            } else if !wait {
                print("\(output.firstJob)")
            } else {
                print(
                    "\(output.state ?? "?"): \(output.pages) page(s), \(output.orders) order(s) received, \(output.inserted) new, \(output.updated) updated"
                )
                if let error = output.error { print("error: \(error)") }
            }
            if let state = output.state, state != JobState.done.rawValue { throw ExitCode(JobctlExit.failure) }
        }
    }

    /// Follows the chain: each done page names the next page's job.
    func follow(_ output: inout OrdersOutput, admin: AmazonAdmin) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var next: Int64? = output.firstJob
        while let job = next {
            guard let finished = try await admin.waitForJob(id: job, timeout: max(deadline - ContinuousClock.now, .zero))
            else {
                throw JobctlError(
                    message: "job \(job) did not finish within \(Int(timeout)) s (is a worker running?)", code: JobctlExit.failure
                )
            }
            output.jobs.append(job)
            output.state = finished.state
            output.error = finished.error
            guard finished.state == JobState.done.rawValue,
                let result = finished.result.flatMap({ try? JSONDecoder().decode(OrdersSyncJob.Result.self, from: $0) })
            else { return }
            output.pages += 1
            output.orders += result.orders.received
            output.inserted += result.orders.inserted
            output.updated += result.orders.updated
            if !json {
                print("page \(result.page): \(result.orders.received) order(s) (\(result.ordersSoFar) so far)")
            }
            next = result.nextJob
        }
    }

    /// `60d`, `12h`, `90m` in seconds.
    static func age(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let number = Double(text.dropLast()), number > 0, number <= 730 * 24 * 60 else { return nil }
        switch unit {
        case "d": return number * 86_400
        case "h": return number * 3_600
        case "m": return number * 60
        default: return nil
        }
    }

    /// What the command reports (`--json` prints it as is).
    struct OrdersOutput: Encodable {
        var firstJob: Int64
        var jobs: [Int64] = []
        var state: String?
        var error: String?
        var pages = 0
        var orders = 0
        var inserted = 0
        var updated = 0
    }
}
