import Foundation
import Testing

@testable import SellOffers

struct MoneyTests {
    let thb = Currency(code: "THB", minorUnit: 2)
    let jpy = Currency(code: "JPY", minorUnit: 0)

    func d(_ text: String) -> Decimal { Money.parse(text)! }

    @Test func roundsHalfAwayFromZero() {
        #expect(thb.round(d("0.005")) == d("0.01"))
        #expect(thb.round(d("0.015")) == d("0.02"))
        #expect(thb.round(d("0.0049999")) == d("0"))
        #expect(thb.round(d("-0.005")) == d("-0.01"))
        #expect(jpy.round(d("2.5")) == d("3"))
        #expect(jpy.round(d("-2.5")) == d("-3"))
        #expect(jpy.round(d("30.03")) == d("30"))
        // 0.1 + 0.2 is exact in Decimal, unlike Double.
        #expect(d("0.1") + d("0.2") == d("0.3"))
    }

    @Test func formatsWithExactlyTheMinorUnit() {
        #expect(thb.format(d("813.4")) == "813.40")
        #expect(thb.format(d("0.05")) == "0.05")
        #expect(thb.format(d("0")) == "0.00")
        #expect(thb.format(d("-1.5")) == "-1.50")
        #expect(thb.format(d("1234567890123.455")) == "1234567890123.46")
        #expect(jpy.format(d("1200")) == "1200")
        #expect(jpy.format(d("1199.5")) == "1200")
    }

    @Test func parsesOnlyPlainDecimals() {
        #expect(Money.parse("95.00") == Decimal(95))
        #expect(Money.parse("-3") == Decimal(-3))
        #expect(Money.parse("1e3") == nil)
        #expect(Money.parse("abc") == nil)
        #expect(Money.parse("1,5") == nil)
        #expect(Money.parse("") == nil)
        #expect(Money.parse("-") == nil && Money.parse(".") == nil && Money.parse("1.2.3") == nil)
        #expect(Money.parse("1 2") == nil && Money.parse("٣") == nil && Money.parse("0x10") == nil)
        #expect(Money.parse(" 12.50\t") == Decimal(1250) / 100)
        #expect(Money.parse("\u{00A0}7\u{2003}") == Decimal(7))
        #expect(Money.parse(".5") == Decimal(5) / 10 && Money.parse("+7.") == Decimal(7))
        #expect(Money.parse("-0.00") == Decimal(0))
        #expect(
            Money.parse("0.000000000000000000000000000001") == Decimal(1) / Decimal(sign: .plus, exponent: 30, significand: 1))
    }

    /// The hand-written parser agrees with `Decimal(string:)` (the old path) on
    /// plain decimals of every shape: short, long (past 19 digits), signed,
    /// leading and trailing zeros.
    @Test(arguments: 0..<50)
    func parserAgreesWithFoundation(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        for _ in 0..<40 {
            let whole = String((0..<Int.random(in: 0...24, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let fraction = String((0..<Int.random(in: 0...14, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let sign = ["", "-", "+"].randomElement(using: &rng)!
            let text = sign + (whole.isEmpty && fraction.isEmpty ? "0" : whole) + (fraction.isEmpty ? "" : "." + fraction)
            let expected = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            #expect(Money.parse(text) == expected, "\(text)")
        }
    }

    @Test func fitsChecksTheMinorUnit() {
        #expect(thb.fits(d("95.00")))
        #expect(thb.fits(d("95.5")))
        #expect(!thb.fits(d("95.555")))
        #expect(!jpy.fits(d("1.5")))
    }
}
