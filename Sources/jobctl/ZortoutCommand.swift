import ArgumentParser
import Foundation
import JobQueue
import Postgres
import WorkerCLI
import Zortout

/// `jobctl zortout …`: the Zortout account buttons from the stock-pull guide.
/// Thin: `ZortoutOperations` holds the logic and SQL.
struct ZortoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zortout",
        abstract: "Zortout account actions: list warehouses, test a warehouse code, pull stock.",
        subcommands: [ZortoutWarehousesCommand.self, ZortoutCheckWarehouseCommand.self, ZortoutPullCommand.self]
    )
}

extension DatabaseOptions {
    /// Runs `body` with Zortout operations over a one-connection pool, closed afterwards.
    func zortout<T: Sendable>(_ body: (ZortoutOperations) async throws -> T) async throws -> T {
        try await withPool { try await body(ZortoutOperations(database: $0)) }
    }
}

struct ZortoutWarehousesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warehouses", abstract: "List the account's Zortout warehouses (\"View Warehouse List\").")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Zortout account: id or name.") var account: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let warehouses = try await database.zortout { operations in
                try await operations.warehouses(of: try await operations.account(account))
            }
            if json { print(try Output.json(warehouses)); return }
            if warehouses.isEmpty { print("no warehouses"); return }
            print(
                Output.table(["CODE", "NAME", "ID"], warehouses.map { [$0.code, $0.name ?? "", $0.id.map(String.init) ?? ""] }))
        }
    }
}

struct ZortoutCheckWarehouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-warehouse",
        abstract: "Say whether a warehouse code exists in Zortout and which stock location it fills (\"Test Warehouse Code\").")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Zortout account: id or name.") var account: String
    @Argument(help: "The warehouse code, e.g. ODS001.") var code: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let check = try await database.zortout { operations in
                try await operations.checkWarehouse(code, account: try await operations.account(account))
            }
            if json { print(try Output.json(check)) } else { print(Self.render(check)) }
            if !check.exists { throw ExitCode(JobctlExit.notFound) }
        }
    }

    static func render(_ check: ZortoutOperations.WarehouseCheck) -> String {
        var lines: [String] = []
        if check.exists {
            lines.append("warehouse \(check.code) exists in Zortout" + (check.zortoutName.map { " (\($0))" } ?? ""))
        } else {
            lines.append(
                "warehouse \(check.code) does NOT exist in Zortout; its codes are: \(check.knownCodes.joined(separator: ", "))")
        }
        if check.locations.isEmpty {
            lines.append("no stock_location has warehouse_code \(check.code)")
        } else {
            lines.append("mapped to: " + check.locations.map { "location \($0.id) \($0.name)" }.joined(separator: ", "))
        }
        if let own = check.accountLocation {
            lines.append("the account's stock_location_id \(own.id) (\(own.name)) takes precedence: a pull writes there")
        } else if let target = check.target {
            lines.append("a pull with this code writes to location \(target.id) (\(target.name))")
        } else {
            lines.append(
                "a pull with this code would fail: set a stock_location's warehouse_code to \(check.code) or the account's stock_location_id"
            )
        }
        return lines.joined(separator: "\n")
    }
}

struct ZortoutPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Enqueue zortout.pull_stock for the account and print the job id (\"Pull Stock\").")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Zortout account: id or name.") var account: String
    @Option(help: ArgumentHelp("Warehouse code; default: the account's.", valueName: "code")) var warehouse: String?
    @Option(help: ArgumentHelp("Comma-separated SKUs; default: every product.", valueName: "A1,B2")) var sku: String?
    @Flag(help: "Follow the job to its end and print its result.") var wait = false
    @Option(help: ArgumentHelp("With --wait: give up after this many seconds.", valueName: "seconds")) var timeout: Double = 900
    @Flag(help: "Print JSON for scripts.") var json = false
    @Flag(help: "Pull even though the account is in automatic mode (settings.automatic).") var force = false

    func run() async throws {
        try await CommandErrors.guarded {
            let skus = sku.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            if let skus, skus.isEmpty { throw JobctlError.badInput("--sku: give at least one SKU, e.g. --sku A1,B2") }
            if let warehouse, warehouse.trimmingCharacters(in: .whitespaces).isEmpty {
                throw JobctlError.badInput("--warehouse: give a warehouse code, e.g. --warehouse ODS001")
            }
            guard timeout > 0 else { throw JobctlError.badInput("--timeout must be positive") }
            let printer: WaitProgressPrinter? = json ? nil : WaitProgressPrinter()
            let (id, outcome) = try await database.zortout { operations in
                let account = try await operations.account(account)
                try account.requireManualMode(force: force, command: "pull")
                let id = try await operations.enqueuePull(account: account, warehouseCode: warehouse, skus: skus)
                if !wait { return (id, nil as ZortoutOperations.JobOutcome?) }
                if !json { print("job \(id) enqueued; waiting for a worker…") }
                let finished = try await operations.waitForJob(
                    id: id, timeout: .milliseconds(Int(timeout * 1000)), observe: printer?.observer)
                printer?.end()
                guard let outcome = finished else {
                    throw JobctlError(
                        message: "job \(id) did not finish within \(Int(timeout)) s (is a worker running?)",
                        code: JobctlExit.failure)
                }
                return (id, outcome)
            }
            guard let outcome else {
                print(json ? "{\"id\": \(id)}" : "\(id)")
                return
            }
            if json {
                print(
                    try Output.json(
                        PullOutput(
                            id: id, state: outcome.state, attempts: outcome.attempts,
                            result: outcome.result.flatMap { try? JSONDecoder().decode(PullStockResult.self, from: $0) },
                            error: outcome.error)))
            } else {
                print("job \(id) \(outcome.state) after \(outcome.attempts) attempt(s)")
                if let result = outcome.result {
                    print(PullStockJob.describe(result: result) ?? String(decoding: result, as: UTF8.self))
                }
                if let error = outcome.error { print("error: \(error)") }
            }
            if outcome.state != "done" { throw ExitCode(JobctlExit.failure) }
        }
    }

    struct PullOutput: Encodable {
        var id: Int64
        var state: String
        var attempts: Int
        var result: PullStockResult?
        var error: String?
    }
}
