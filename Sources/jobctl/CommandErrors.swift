import ArgumentParser
import Foundation
import JobQueue
import Postgres

/// jobctl's exit codes, documented in the README. Errors become one line on
/// stderr here and nowhere else.
enum JobctlExit {
    static let failure: Int32 = 1
    static let notFound: Int32 = 2
    static let refused: Int32 = 3
    static let badInput: Int32 = 4
    static let databaseUnavailable: Int32 = 5
    // 64 (EX_USAGE) stays argument-parser's for usage errors.
}

/// Errors a command raises about its own input.
struct JobctlError: Error {
    let message: String
    let code: Int32
    static func badInput(_ message: String) -> JobctlError { JobctlError(message: message, code: JobctlExit.badInput) }
    static func notFound(_ message: String) -> JobctlError { JobctlError(message: message, code: JobctlExit.notFound) }
    static func refused(_ message: String) -> JobctlError { JobctlError(message: message, code: JobctlExit.refused) }
}

enum CommandErrors {
    /// Runs a command body, turning every failure into one line on stderr and a distinct exit code.
    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as JobctlError {
            fail(error.message, code: error.code)
        } catch let error as JobAdminError {
            switch error {
            case .notFound: fail(error.description, code: JobctlExit.notFound)
            case .refused: fail(error.description, code: JobctlExit.refused)
            case .invalid: fail(error.description, code: JobctlExit.badInput)
            }
        } catch let error as PostgresError where error.isConnectionProblem {
            fail(
                "cannot reach the database: \(error). Check --database-url, DATABASE_URL or PGHOST/PGDATABASE.",
                code: JobctlExit.databaseUnavailable)
        } catch let error as PostgresError {
            if error.sqlState == PostgresServerError.undefinedTable {
                fail("\(error). Has the database been migrated? Run: jobctl migrate", code: JobctlExit.failure)
            }
            fail("\(error)", code: JobctlExit.failure)
        } catch {
            fail("\(error)", code: JobctlExit.failure)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("jobctl: \(message)\n".utf8))
        exit(code)
    }
}
