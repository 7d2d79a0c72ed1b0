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

    /// `pick`: everything before the claim UPDATE (the `WITH` list that
    /// chooses the jobs and fills their concurrency slots; a script's trailing
    /// `, claimed AS (` dropped); `update`: from `UPDATE marketplace_job j`
    /// through `WHERE j.id = next.id`.
    static func parts(of sql: String) throws -> (pick: String, update: String) {
        let text = normalised(sql)
        guard let open = text.range(of: "WITH ") else { throw Unrecognised(missing: "WITH ") }
        guard let update = text.range(of: "UPDATE marketplace_job j", range: open.upperBound..<text.endIndex) else {
            throw Unrecognised(missing: "UPDATE marketplace_job j")
        }
        var pick = String(text[open.lowerBound..<update.lowerBound]).trimmingCharacters(in: .whitespaces)
        if pick.hasSuffix(", claimed AS (") { pick.removeLast(", claimed AS (".count) }
        guard pick.contains("next AS (") else { throw Unrecognised(missing: "next AS (") }
        guard let end = text.range(of: "WHERE j.id = next.id", range: update.lowerBound..<text.endIndex) else {
            throw Unrecognised(missing: "WHERE j.id = next.id")
        }
        return (pick.trimmingCharacters(in: .whitespaces), String(text[update.lowerBound..<end.upperBound]))
    }
}
