import Foundation

/// A JSON listings feed processing report (v2), decoded strictly: every field
/// the official schema requires must be there with its type, the version must
/// be "2.0" and severities are the schema's three, so a report that does not
/// follow the schema is an error, not a guess.
public struct ProcessingReport: Sendable, Decodable, Equatable {
    public struct Header: Sendable, Decodable, Equatable {
        public var sellerId: String
        public var version: String
        public var feedId: String
    }

    public enum Severity: String, Sendable, Decodable, Equatable {
        case error = "ERROR", warning = "WARNING", info = "INFO"
    }

    public struct Issue: Sendable, Decodable, Equatable {
        public var messageId: Int?
        public var sku: String?
        public var code: String?
        public var severity: Severity
        public var message: String
        public var attributeName: String?
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var errors: Int
        public var warnings: Int
        public var messagesProcessed: Int
        public var messagesAccepted: Int
        public var messagesInvalid: Int
    }

    public var header: Header
    public var issues: [Issue]
    public var summary: Summary

    /// Why a report could not be read; the raw report is kept on the feed row.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Decodes and checks the report.
    public static func parse(_ data: Data) throws(Invalid) -> ProcessingReport {
        let report: ProcessingReport
        do {
            report = try JSONDecoder().decode(ProcessingReport.self, from: data)
        } catch let error as DecodingError {
            throw Invalid(
                description:
                    "processing report does not follow listings-feed-processing-report-schema-v2: \(Self.describe(error))")
        } catch {
            throw Invalid(description: "processing report is not JSON: \(error)")
        }
        guard report.header.version == "2.0" else {
            throw Invalid(description: "processing report version is '\(report.header.version)', expected '2.0'")
        }
        let counts = [
            report.summary.errors, report.summary.warnings, report.summary.messagesProcessed,
            report.summary.messagesAccepted, report.summary.messagesInvalid,
        ]
        guard counts.allSatisfy({ $0 >= 0 }), report.issues.allSatisfy({ ($0.messageId ?? 1) >= 1 && !$0.message.isEmpty }) else {
            throw Invalid(description: "processing report has a negative count, a messageId below 1 or an empty message")
        }
        return report
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "(root)" : String(text.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing required '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Per message: failed (an ERROR names it) and the issue texts, errors
    /// first, then warnings (kept in the Success message). Issues without a
    /// messageId concern the whole feed and come back in `feedErrors`.
    public func outcomes() -> (byMessage: [Int: (failed: Bool, message: String)], feedErrors: [String]) {
        var byMessage: [Int: (failed: Bool, errors: [String], warnings: [String])] = [:]
        var feedErrors: [String] = []
        for issue in issues {
            let text = [issue.code.map { "[\($0)]" }, issue.attributeName.map { "\($0):" }, Optional(issue.message)]
                .compactMap { $0 }.joined(separator: " ")
            guard let id = issue.messageId else {
                if issue.severity == .error { feedErrors.append(text) }
                continue
            }
            var entry = byMessage[id] ?? (false, [], [])
            switch issue.severity {
            case .error: entry.failed = true; entry.errors.append(text)
            case .warning: entry.warnings.append("warning: " + text)
            case .info: break
            }
            byMessage[id] = entry
        }
        return (
            byMessage.compactMapValues { entry in
                let all = entry.errors + entry.warnings
                return all.isEmpty ? nil : (entry.failed, all.joined(separator: "; "))
            }, feedErrors
        )
    }
}
