import Foundation
import JobQueue

/// `zortout.list_warehouses`: the guide's "View Warehouse List" and "Test
/// Warehouse Code", and the console's "Test connection" for a Zortout account,
/// run as a job because only the worker may read the account's credentials.
/// With `check_code` it also says whether Zortout has that code and which
/// stock location a pull with it fills (`ZortoutOperations.checkWarehouse`).
public struct ListWarehousesJob: JobHandler {
    /// The `job_type` the console enqueues.
    public static let jobType = "zortout.list_warehouses"
    /// One or two small requests.
    public static var timeout: Duration { .seconds(60) }
    /// It lists one account's warehouses.
    public static var requiresAccount: Bool { true }

    /// What to do besides listing.
    public struct Payload: Decodable, Sendable {
        /// A warehouse code to test.
        public var checkCode: String?
        enum CodingKeys: String, CodingKey { case checkCode = "check_code" }
    }

    /// Zortout's warehouses, and the check of `check_code` when one was given.
    public struct Result: Codable, Sendable {
        /// Every warehouse Zortout has for the account.
        public var warehouses: [ZortoutWarehouse]
        /// The code tested, when one was.
        public var checkedCode: String?
        /// Whether Zortout has that code.
        public var codeExists: Bool?
        /// The local stock location a pull with the code writes to, if any.
        public var fillsLocation: String?
        enum CodingKeys: String, CodingKey {
            case warehouses, checkedCode = "checked_code", codeExists = "code_exists", fillsLocation = "fills_location"
        }
    }

    /// The handler; it holds nothing.
    public init() {}

    /// Lists (and checks); Zortout errors map to job outcomes as the stock pull maps them.
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try context.requireAccount(marketplace: "zortout")
        let operations = ZortoutOperations(database: context.database, http: context.http)
        do {
            guard let code = payload.checkCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
                return Result(warehouses: try await operations.warehouses(of: account))
            }
            let check = try await operations.checkWarehouse(code, account: account)
            return Result(
                warehouses: try await operations.warehouses(of: account), checkedCode: code, codeExists: check.exists,
                fillsLocation: check.target.map { "location \($0.id) (\($0.name))" })
        } catch let error as ZortoutError {
            throw error.jobError(context: "warehouse list")
        }
    }

    /// The list, and the check, for `jobctl show` and the console.
    public static func describe(result: Data) -> String? {
        guard let result = try? JSONDecoder().decode(Result.self, from: result) else { return nil }
        var lines = ["connection OK: \(result.warehouses.count) warehouse(s) in Zortout"]
        for warehouse in result.warehouses { lines.append("  \(warehouse.code)  \(warehouse.name ?? "")") }
        if let code = result.checkedCode {
            lines.append(
                result.codeExists == true ? "warehouse \(code) exists in Zortout" : "warehouse \(code) does NOT exist in Zortout")
            lines.append(result.fillsLocation.map { "a pull with it writes to \($0)" } ?? "no stock location takes it")
        }
        return lines.joined(separator: "\n")
    }
}
