import Amazon
import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

/// `jobctl amazon sync-products`: the seed's "Synchronize all products" button.
struct AmazonSyncProductsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-products",
        abstract: "Enqueue amazon.catalog_sync for the account (\"Synchronize all products\") and print the job id.",
        discussion:
            "A pending sync of the account is reused (unique key amazon.catalog_sync:<id>). Feeds settle in amazon.feed_status jobs; --wait follows the sync and those jobs."
    )
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Amazon account: id or name.") var account: String
    @Flag(help: "First write a create operation for every listed product and template, so everything is sent again.")
    var all = false
    @Flag(help: "Follow the sync and the feed_status jobs of its feeds, then print what Amazon made of them.")
    var wait = false
    @Option(help: ArgumentHelp("With --wait: give up after this many seconds.", valueName: "seconds")) var timeout: Double = 900
    @Flag(help: "Synchronize even though the account is in automatic mode (settings.automatic).") var force = false
    @Option(help: ArgumentHelp("Seconds before the first feed status poll (the job's default: 30).", valueName: "seconds"))
    var firstPollSeconds: Double?
    @Option(help: ArgumentHelp("Base of the feed status poll backoff (the job's default: 30, doubling).", valueName: "seconds"))
    var pollSeconds: Double?
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            guard timeout > 0 else { throw JobctlError.badInput("--timeout must be positive") }
            for (name, value) in [("--first-poll-seconds", firstPollSeconds), ("--poll-seconds", pollSeconds)] {
                if let value, !(value >= 0 && value <= 86_400) {
                    throw JobctlError.badInput("\(name) must be between 0 and 86400 seconds, got \(value)")
                }
            }
            let output = try await database.amazon { admin in
                let account = try await admin.account(account)
                try account.requireManualMode(force: force, command: "synchronize")
                var recreated: AmazonAdmin.RecreatedOperations?
                if all { recreated = try await admin.recreateCreateOperations() }
                let id = try await admin.enqueueCatalogSync(
                    account: account, firstPollSeconds: firstPollSeconds, pollSeconds: pollSeconds)
                var output = SyncOutput(id: id, recreated: recreated)
                if wait {
                    if !json { print("job \(id) enqueued; waiting for a worker…") }
                    try await follow(&output, admin: admin, account: account)
                }
                return output
            }
            if json {
                print(try Output.json(output))
            } else {
                print(Self.render(output))
            }
            if let state = output.state, state != JobState.done.rawValue { throw ExitCode(JobctlExit.failure) }
            if !output.stillProcessing.isEmpty {
                CommandErrors.fail(
                    "feeds \(output.stillProcessing.joined(separator: ", ")) still processing after \(Int(timeout)) s; see: jobctl amazon status \(account)",
                    code: JobctlExit.failure)
            }
        }
    }

    /// Waits for the sync, then for the feed_status job of every feed it submitted.
    func follow(_ output: inout SyncOutput, admin: AmazonAdmin, account: MarketplaceAccount) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        guard let finished = try await admin.waitForJob(id: output.id, timeout: deadline - ContinuousClock.now) else {
            throw JobctlError(
                message: "job \(output.id) did not finish within \(Int(timeout)) s (is a worker running?)",
                code: JobctlExit.failure)
        }
        output.state = finished.state
        output.attempts = finished.attempts
        output.error = finished.error
        output.result = finished.result.flatMap { try? JSONDecoder().decode(CatalogSyncJob.Result.self, from: $0) }
        let feedIDs = output.result?.feeds ?? []
        let jobs = try await admin.feedStatusJobs(account: account, feedIDs: feedIDs)
        for feedID in feedIDs {
            var feed = FeedOutput(feedId: feedID, jobId: jobs[feedID])
            if let job = jobs[feedID] {
                let left = max(deadline - ContinuousClock.now, .zero)
                if let done = try await admin.waitForJob(id: job, timeout: left) {
                    feed.jobState = done.state
                    feed.jobError = done.error
                    let result = done.result.flatMap { try? JSONDecoder().decode(FeedStatusJob.Result.self, from: $0) }
                    feed.followUpSyncJob = result?.catalogSyncJob
                    feed.followUps = result?.outcome.followUps
                } else {
                    feed.jobState = JobState.pending.rawValue
                    feed.nextPollAt = try await admin.nextRun(job: job)?.nextRunAt
                    output.stillProcessing.append(feedID)
                }
            }
            let report = try await admin.feed(feedID, failedRowLimit: 0)
            feed.processingStatus = report.feed.processingStatus
            feed.summary = report.feed.summary
            feed.error = report.feed.error
            output.feeds.append(feed)
        }
    }

    static func render(_ output: SyncOutput) -> String {
        var lines: [String] = []
        if let recreated = output.recreated {
            lines.append(
                "re-created create operations: \(recreated.products) product(s), \(recreated.templates) template(s)")
        }
        guard let state = output.state else {
            lines.append("\(output.id)")
            return lines.joined(separator: "\n")
        }
        lines.append("job \(output.id) \(state) after \(output.attempts ?? 0) attempt(s)")
        if let result = output.result {
            lines.append(
                "transformed \(result.transform.operations) operation(s) into \(result.transform.syncRows) sync row(s); "
                    + "submitted \(result.feeds.count) feed(s) with \(result.messages) message(s); \(result.rejected) row(s) not sendable"
            )
        }
        if let error = output.error { lines.append("error: \(error)") }
        for feed in output.feeds {
            var line = "feed \(feed.feedId): \(feed.processingStatus ?? "?")"
            if let summary = feed.summary {
                line +=
                    " (\(summary.messagesProcessed) processed, \(summary.messagesAccepted) accepted, \(summary.messagesInvalid) invalid, \(summary.errors) error(s), \(summary.warnings) warning(s))"
            }
            if feed.jobState == JobState.pending.rawValue {
                line += "; still processing: job \(feed.jobId.map(String.init) ?? "?") polls again "
                line += feed.nextPollAt.map { Output.relative($0) } ?? "later"
            } else if feed.jobState == JobState.failed.rawValue || feed.jobState == JobState.cancelled.rawValue {
                line += "; status job \(feed.jobId.map(String.init) ?? "?") \(feed.jobState!): \(feed.jobError ?? "")"
            }
            if let error = feed.error { line += "; \(error)" }
            lines.append(line)
            if let job = feed.followUpSyncJob {
                lines.append(
                    "  \(feed.followUps ?? 0) follow-up row(s) (price, stock, images, relationships) are sent by amazon.catalog_sync job \(job): jobctl show \(job)"
                )
            }
        }
        if output.feeds.contains(where: { ($0.summary?.errors ?? 0) > 0 || $0.processingStatus == "FATAL" }) {
            lines.append("issues: jobctl amazon feed <feedId>")
        }
        return lines.joined(separator: "\n")
    }

    /// What the command reports (`--json` prints it as is).
    struct SyncOutput: Encodable {
        var id: Int64
        var recreated: AmazonAdmin.RecreatedOperations?
        var state: String?
        var attempts: Int?
        var result: CatalogSyncJob.Result?
        var error: String?
        var feeds: [FeedOutput] = []
        var stillProcessing: [String] = []
    }

    /// One submitted feed after `--wait`.
    struct FeedOutput: Encodable {
        var feedId: String
        var jobId: Int64?
        var jobState: String?
        var jobError: String?
        var nextPollAt: Date?
        var processingStatus: String?
        var summary: ProcessingReport.Summary?
        var error: String?
        var followUpSyncJob: Int64?
        var followUps: Int?
    }
}
