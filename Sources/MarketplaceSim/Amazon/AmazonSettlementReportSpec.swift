import Foundation

/// A settlement report for the simulator to generate: a V2 flat file (tab
/// separated, a summary row with the total, then `lines` transaction lines),
/// amounts and dates in the local format a marketplace uses, gzipped or not.
/// `total_offset` makes the total differ from the lines' sum, as a broken
/// report would.
public struct AmazonSettlementReportSpec: Sendable, Codable, Equatable {
    /// `settlement-id`.
    public var settlementID: String
    /// Transaction lines to write.
    public var lines: Int
    /// Write `1.234,56` (and `15.11.2026` dates) instead of `1234.56`.
    public var decimalComma: Bool
    /// Serve the document gzipped (`compressionAlgorithm: GZIP`).
    public var gzip: Bool
    /// Added to the lines' sum to make total-amount (0: a correct report).
    public var totalOffset: Decimal
    /// `currency`.
    public var currency: String
    /// Append a `promotion-id` column (some files carry it).
    public var promotionColumn: Bool

    /// A report from parts; by default a correct, gzipped, `95,00`-style EUR report.
    public init(
        settlementID: String, lines: Int, decimalComma: Bool = true, gzip: Bool = true, totalOffset: Decimal = 0,
        currency: String = "EUR", promotionColumn: Bool = false
    ) {
        self.settlementID = settlementID
        self.lines = lines
        self.decimalComma = decimalComma
        self.gzip = gzip
        self.totalOffset = totalOffset
        self.currency = currency
        self.promotionColumn = promotionColumn
    }

    enum CodingKeys: String, CodingKey {
        case settlementID = "settlement_id", lines, decimalComma = "decimal_comma", gzip, totalOffset = "total_offset"
        case currency, promotionColumn = "promotion_column"
    }

    /// Every field but `settlement_id` optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            settlementID: try container.decode(String.self, forKey: .settlementID),
            lines: try container.decodeIfPresent(Int.self, forKey: .lines) ?? 10,
            decimalComma: try container.decodeIfPresent(Bool.self, forKey: .decimalComma) ?? true,
            gzip: try container.decodeIfPresent(Bool.self, forKey: .gzip) ?? true,
            totalOffset: Decimal(string: try container.decodeIfPresent(String.self, forKey: .totalOffset) ?? "0") ?? 0,
            currency: try container.decodeIfPresent(String.self, forKey: .currency) ?? "EUR",
            promotionColumn: try container.decodeIfPresent(Bool.self, forKey: .promotionColumn) ?? false)
    }

    /// The line amounts (exact; every fifth a fee, negative), for tests to sum independently.
    public func amounts() -> [Decimal] {
        (1...max(lines, 1)).prefix(lines).map { index in
            let cents = Decimal((index * 7_919) % 150_000 + 1)
            let amount = cents / 100
            return index % 5 == 0 ? -amount : amount
        }
    }

    /// The lines' sum plus `totalOffset`: the file's total-amount.
    public var totalAmount: Decimal { amounts().reduce(0, +) + totalOffset }

    /// The file's text.
    public func tsv(start: Date = Date(timeIntervalSince1970: 1_793_000_000)) -> String {
        let formatter = dateFormatter()
        func date(_ value: Date) -> String { formatter.string(from: value) }
        let end = start.addingTimeInterval(14 * 86_400)
        let deposit = end.addingTimeInterval(2 * 86_400)
        var header = [
            "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
            "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
            "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
            "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
        ]
        if promotionColumn { header.append("promotion-id") }
        var rows = [header.joined(separator: "\t")]
        var summary = Array(repeating: "", count: header.count)
        summary[0] = settlementID
        summary[1] = date(start)
        summary[2] = date(end)
        summary[3] = date(deposit)
        summary[4] = money(totalAmount)
        summary[5] = currency
        rows.append(summary.joined(separator: "\t"))
        for (offset, amount) in amounts().enumerated() {
            let index = offset + 1
            let fee = amount < 0
            var row = [
                settlementID, "", "", "", "", currency, fee ? "Order" : "Order", String(format: "302-%07d-%07d", index, index),
                "", "", "", "Amazon.de", fee ? "ItemFees" : "ItemPrice", fee ? "Commission" : "Principal", money(amount),
                "MFN", date(start.addingTimeInterval(Double(index) * 60)), date(start.addingTimeInterval(Double(index) * 60)),
                String(format: "%014d", index), "", "", "SKU-\(index % 40)", fee ? "" : "1",
            ]
            if promotionColumn { row.append(index % 11 == 0 ? "PROMO-\(index)" : "") }
            rows.append(row.joined(separator: "\t"))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    func money(_ amount: Decimal) -> String {
        let negative = amount < 0
        let cents = NSDecimalNumber(decimal: (negative ? -amount : amount) * 100).int64Value
        let whole = String(cents / 100)
        let fraction = String(format: "%02lld", cents % 100)
        var grouped = ""
        for (position, digit) in whole.reversed().enumerated() {
            if position > 0 && position % 3 == 0 { grouped.append(decimalComma ? "." : ",") }
            grouped.append(digit)
        }
        return (negative ? "-" : "") + String(grouped.reversed()) + (decimalComma ? "," : ".") + fraction
    }

    /// One formatter per file: making one per field is what slows a big file down.
    func dateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = decimalComma ? "dd.MM.yyyy HH:mm:ss 'UTC'" : "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter
    }
}
