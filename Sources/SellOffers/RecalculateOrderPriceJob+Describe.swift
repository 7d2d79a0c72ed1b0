import Foundation

extension RecalculateOrderPriceJob {
    /// For `jobctl show`:
    /// ```
    /// order price 1f0c…e9 (complete, THB)
    ///   SO-A     3 × 95.00 = 285.00   (orderQty tier)
    ///   SO-B     8 × 50.00 = 400.00   (sellOfferQty tier)
    ///   subtotal   685.00
    ///   delivery    95.00
    ///   payment     33.40
    ///   total      813.40
    ///   expires 2026-01-01T10:00:00Z
    /// ```
    public static func describe(result: Data) -> String? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let result = try? decoder.decode(Result.self, from: result) else { return nil }
        var lines = ["order price \(result.orderPriceId) (\(result.status)\(result.currency.map { ", " + $0 } ?? ""))"]
        lines.append("  quantity \(result.orderQuantity)")
        let idWidth = result.lines.map(\.sellOfferId.count).max() ?? 0
        let quantityWidth = result.lines.map { String($0.quantity).count }.max() ?? 0
        let unitWidth = result.lines.map(\.unitPrice.count).max() ?? 0
        let lineWidth = result.lines.map(\.lineTotal.count).max() ?? 0
        for line in result.lines {
            lines.append(
                "  " + pad(line.sellOfferId, idWidth, left: true) + "  " + pad(String(line.quantity), quantityWidth)
                    + " × " + pad(line.unitPrice, unitWidth) + " = " + pad(line.lineTotal, lineWidth)
                    + "  (\(line.basis) tier)")
        }
        let figures = [
            ("subtotal", result.orderSubtotal), ("delivery", result.deliveryPrice),
            ("payment", result.paymentPrice), ("total", result.total),
        ].compactMap { label, value in value.map { (label, $0) } }
        let figureWidth = figures.map(\.1.count).max() ?? 0
        for (label, value) in figures { lines.append("  " + pad(label, 8, left: true) + "  " + pad(value, figureWidth)) }
        for error in result.errors { lines.append("  error: \(error)") }
        lines.append("  calculated \(result.calculatedAt.formatted(.iso8601)), expires \(result.expiresAt.formatted(.iso8601))")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }
}
