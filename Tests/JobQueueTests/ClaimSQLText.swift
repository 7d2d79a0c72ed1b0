import Foundation

/// Cuts a claim statement into its two parts, with comments dropped and
/// whitespace normalised so that only a change of meaning is a difference.
enum ClaimSQLText {
    struct Unrecognised: Error, CustomStringConvertible {
        var missing: String
        var description: String { "no '\(missing)' in the claim statement" }
    }

    static func normalised(_ sql: String) -> String {
        let uncommented = sql.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }
            .joined(separator: " ")
        return uncommented.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
    }

    /// `pick`: the body of `WITH next AS (…)`; `update`: from
    /// `UPDATE marketplace_job j` through `WHERE j.id = next.id`.
    static func parts(of sql: String) throws -> (pick: String, update: String) {
        let text = normalised(sql)
        guard let open = text.range(of: "WITH next AS (") else { throw Unrecognised(missing: "WITH next AS (") }
        var depth = 1
        var index = open.upperBound
        while index < text.endIndex, depth > 0 {
            if text[index] == "(" { depth += 1 } else if text[index] == ")" { depth -= 1 }
            index = text.index(after: index)
        }
        guard depth == 0 else { throw Unrecognised(missing: "the ) closing WITH next AS (") }
        let pick = String(text[open.upperBound..<text.index(before: index)]).trimmingCharacters(in: .whitespaces)
        guard let update = text.range(of: "UPDATE marketplace_job j") else {
            throw Unrecognised(missing: "UPDATE marketplace_job j")
        }
        guard let end = text.range(of: "WHERE j.id = next.id", range: update.lowerBound..<text.endIndex) else {
            throw Unrecognised(missing: "WHERE j.id = next.id")
        }
        return (pick, String(text[update.lowerBound..<end.upperBound]))
    }
}
