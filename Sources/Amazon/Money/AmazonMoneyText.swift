import Foundation

/// Exact money text for Amazon, both ways, never through `Double`:
/// amounts read from a settlement file's local format (`95,00`, `1.234,56`,
/// `95.00`, `1,234.56`) and amounts written into a feed with the currency's
/// minor unit (`20.00`; `2000` for JPY).
public enum AmazonMoneyText {
    /// Why a text is not an amount.
    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        /// What is wrong, quoting the text.
        public let description: String
    }

    /// Currencies without a minor unit on Amazon's marketplaces.
    static let wholeCurrencies: Set<String> = ["JPY"]

    /// Digits after the decimal separator for `currency`.
    public static func scale(currency: String) -> Int { wholeCurrencies.contains(currency) ? 0 : 2 }

    /// Reads an amount in either local format. The decimal separator is the
    /// last `,` or `.` when one or two digits follow it; a separator followed
    /// by exactly three digits groups thousands, and groups must be three
    /// digits wide. A leading `-` or `+` is a sign. Anything else (letters,
    /// spaces inside, two decimal separators) is refused, quoting the text.
    public static func parse(_ raw: String) throws(Failure) -> Decimal {
        let text = raw.trimmingCharacters(in: .whitespaces)
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        func refuse(_ why: String) -> Failure { Failure(description: "'\(raw.prefix(40))' is not an amount: \(why)") }
        guard !body.isEmpty else { throw refuse("no digits") }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }) else {
            throw refuse("only digits, one sign and ',' or '.' separators are allowed")
        }
        guard let first = body.first, first.isNumber, let last = body.last, last.isNumber else {
            throw refuse("it must start and end with a digit")
        }
        var integer = String(body)
        var fraction = ""
        if let separator = body.lastIndex(where: { $0 == "," || $0 == "." }) {
            let after = body[body.index(after: separator)...]
            if after.count <= 2 {
                integer = String(body[..<separator])
                fraction = String(after)
                let mark = body[separator]
                if integer.contains(mark) { throw refuse("'\(mark)' appears as both the decimal and a group separator") }
            }
        }
        // What is left of the integer part may hold group separators of one kind, every group three digits.
        let groupMarks = Set(integer.filter { $0 == "," || $0 == "." })
        if groupMarks.count > 1 { throw refuse("mixed group separators") }
        if let mark = groupMarks.first {
            let groups = integer.split(separator: mark, omittingEmptySubsequences: false)
            guard let head = groups.first, (1...3).contains(head.count), groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { throw refuse("digit groups must be three digits wide") }
            integer = groups.joined()
        }
        guard !integer.isEmpty, let value = Decimal(string: integer + (fraction.isEmpty ? "" : "." + fraction), locale: posix)
        else { throw refuse("no digits before the decimal separator") }
        return negative ? -value : value
    }

    /// `amount` with exactly the currency's minor unit (`20.00`, `-3.50`,
    /// `2000` for JPY). An amount with more digits than that is refused
    /// rather than rounded: money is never changed on the way out.
    public static func format(_ amount: Decimal, currency: String) throws(Failure) -> String {
        let scale = scale(currency: currency)
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, scale, .plain)
        guard rounded == amount else {
            throw Failure(description: "\(amount) \(currency) has more than \(scale) decimal places")
        }
        let text = NSDecimalNumber(decimal: rounded).description(withLocale: posix)
        guard scale > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction.padding(toLength: scale, withPad: "0", startingAt: 0)
    }

    /// The exact digits of `amount` with at least `minimumScale` decimals
    /// (`95` → `95.00`, `0.125` stays), for numeric columns: the stored value
    /// keeps the cents a person expects to see, and nothing is rounded.
    public static func plain(_ amount: Decimal, minimumScale: Int = 2) -> String {
        let text = NSDecimalNumber(decimal: amount).description(withLocale: posix)
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard fraction.count < minimumScale else { return text }
        return String(parts[0]) + "." + fraction.padding(toLength: minimumScale, withPad: "0", startingAt: 0)
    }

    static let posix = Locale(identifier: "en_US_POSIX")
}
