import Foundation

/// What a command returned, copied out of the `PGresult` on the connection's
/// thread so that nothing in Swift holds libpq memory.
public struct PostgresResult: Sendable {
    public let columns: [String]
    public let rows: [PostgresRow]
    /// `PQcmdTuples`: rows inserted, updated or deleted; 0 for other commands.
    public let affectedRows: Int

    public init(columns: [String], cells: [[String?]], affectedRows: Int) {
        self.columns = columns
        let index = ColumnIndex(columns)
        self.rows = cells.map { PostgresRow(index: index, cells: $0) }
        self.affectedRows = affectedRows
    }

    public var first: PostgresRow? { rows.first }
}

/// Column names resolved once per result, shared by its rows.
final class ColumnIndex: Sendable {
    let names: [String]
    let positions: [String: Int]
    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (offset, name) in names.enumerated() where positions[name] == nil { positions[name] = offset }
        self.positions = positions
    }
}

/// One row in text format. Typed access throws `PostgresError.decoding` naming the column.
public struct PostgresRow: Sendable {
    let index: ColumnIndex
    public let cells: [String?]

    public var columns: [String] { index.names }

    /// The raw text of a column, `nil` for NULL or for a column that is not there.
    public subscript(_ column: String) -> String? {
        guard let position = index.positions[column] else { return nil }
        return cells[position]
    }

    public func contains(_ column: String) -> Bool { index.positions[column] != nil }

    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        guard index.positions[column] != nil else {
            throw PostgresError.decoding(column: column, type: String(describing: T.self), value: "(no such column)")
        }
        guard let text = self[column], let value = T(postgresText: text) else {
            throw PostgresError.decoding(column: column, type: String(describing: T.self), value: self[column])
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ type: T?.Type, _ column: String) throws -> T? {
        guard let text = self[column] else { return nil }
        guard let value = T(postgresText: text) else {
            throw PostgresError.decoding(column: column, type: String(describing: T.self), value: text)
        }
        return value
    }
}

/// A Swift type that can be read from a column's text format.
public protocol PostgresDecodable: Sendable {
    init?(postgresText: String)
}

extension String: PostgresDecodable { public init?(postgresText: String) { self = postgresText } }
extension Int: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int64: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int32: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Double: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}
extension Decimal: PostgresDecodable {
    /// `numeric` text is plain decimal notation, which `Decimal(string:)` reads exactly.
    public init?(postgresText: String) {
        guard let value = Decimal(string: postgresText, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self = value
    }
}
extension Date: PostgresDecodable {
    public init?(postgresText: String) {
        guard let date = PostgresTimestamp.parse(postgresText) else { return nil }
        self = date
    }
}
