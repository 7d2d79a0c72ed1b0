import Foundation

/// Why a settlement file cannot be imported. Every case names what to look at:
/// the settlement, the row and column, or both figures of a sum that is off.
public enum SettlementReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A column the import needs is not in the header.
    case missingColumn(String, header: [String])
    /// A row has more fields than the header.
    case badRow(row: Int, reason: String)
    /// A field does not parse (an amount, a date, a quantity).
    case badField(row: Int, column: String, reason: String)
    /// A settlement has no summary row carrying `total-amount`, or more than one.
    case badSummary(settlementID: String, reason: String)
    /// The lines do not add up to `total-amount`.
    case totalMismatch(settlementID: String, linesTotal: Decimal, totalAmount: Decimal, currency: String, lines: Int)
    /// The file holds no settlement at all.
    case empty

    /// One line for job rows and operators.
    public var description: String {
        switch self {
        case .missingColumn(let name, let header):
            return "the settlement file has no '\(name)' column (its header: \(header.prefix(30).joined(separator: ", ")))"
        case .badRow(let row, let reason):
            return "settlement file row \(row): \(reason)"
        case .badField(let row, let column, let reason):
            return "settlement file row \(row), column '\(column)': \(reason)"
        case .badSummary(let settlementID, let reason):
            return "settlement \(settlementID): \(reason)"
        case .totalMismatch(let settlementID, let linesTotal, let totalAmount, let currency, let lines):
            return "settlement \(settlementID): its \(lines) lines sum to \(linesTotal) \(currency), "
                + "but its total-amount is \(totalAmount) \(currency); nothing of it was imported"
        case .empty:
            return "the settlement file holds no settlement (no row with a settlement-id)"
        }
    }
}
