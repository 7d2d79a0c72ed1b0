import Foundation

/// A currency and its minor unit (the number of decimal places a price may
/// carry). The authority is the `sell_offer_currency` table (THB, USD, EUR: 2;
/// JPY: 0); the repository loads it with the prices so the pure code never
/// guesses an exponent.
public struct Currency: Sendable, Hashable, Codable {
    public let code: String
    public let minorUnit: Int

    public init(code: String, minorUnit: Int) {
        precondition((0...6).contains(minorUnit), "minor unit \(minorUnit) out of range")
        self.code = code
        self.minorUnit = minorUnit
    }

    /// Rounds half away from zero to the minor unit (`NSDecimalRound` `.plain`
    /// rounds a tie up for positive values and down for negative ones).
    public func round(_ amount: Decimal) -> Decimal {
        Money.round(amount, scale: minorUnit)
    }

    /// Whether `amount` is already expressible in the minor unit.
    public func fits(_ amount: Decimal) -> Bool { round(amount) == amount }

    /// Fixed-point text with exactly `minorUnit` decimals: `813.40`, `1200` for JPY.
    public func format(_ amount: Decimal) -> String { Money.format(amount, scale: minorUnit) }
}
