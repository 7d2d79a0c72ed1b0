import Foundation

/// Reads a `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2` file: tab-separated,
/// columns found by header name (their order and any extra column, such as
/// `promotion-id`, do not matter), amounts in the marketplace's local format
/// (`95,00` or `95.00`, through `AmazonMoneyText`, never `Double`). A row
/// carrying `total-amount` is the settlement's summary; a row with an
/// `amount` is a line. Rows are grouped by `settlement-id`.
public enum SettlementReportParser {
    /// Columns the import cannot do without.
    static let required = ["settlement-id", "total-amount", "currency", "amount"]
    /// Columns with a place in `SettlementReport` (the rest go to a line's `extra`).
    static let known: Set<String> = [
        "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
        "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
        "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
        "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
        "promotion-id",
    ]

    /// Parses the file's bytes (UTF-8, else Latin-1; a BOM and CRLF endings are fine).
    public static func parse(_ data: Data) throws(SettlementReportError) -> [SettlementReport] {
        var text = String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
        if String(data: data, encoding: .utf8) == nil, let latin = String(data: data, encoding: .isoLatin1) { text = latin }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while let last = rows.last, last.trimmingCharacters(in: .whitespaces).isEmpty { rows.removeLast() }
        guard let headerRow = rows.first else { throw .empty }
        let header = headerRow.split(separator: "\t", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() where index[name] == nil { index[name] = position }
        for name in required where index[name] == nil { throw .missingColumn(name, header: header) }

        var order: [String] = []
        var summaries: [String: SettlementReport] = [:]
        var lines: [String: [SettlementReport.Line]] = [:]
        for (offset, raw) in rows.enumerated().dropFirst() {
            let rowNumber = offset + 1
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = raw.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count <= header.count else {
                throw .badRow(row: rowNumber, reason: "\(fields.count) fields, but the header names \(header.count) columns")
            }
            func field(_ name: String) -> String? {
                guard let position = index[name], position < fields.count else { return nil }
                let value = fields[position].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            func amount(_ name: String) throws(SettlementReportError) -> Decimal? {
                guard let text = field(name) else { return nil }
                do { return try AmazonMoneyText.parse(text) } catch {
                    throw .badField(row: rowNumber, column: name, reason: error.description)
                }
            }
            func date(_ name: String) throws(SettlementReportError) -> Date? {
                guard let text = field(name) else { return nil }
                guard let value = SettlementDate.parse(text) else {
                    throw .badField(row: rowNumber, column: name, reason: "'\(text.prefix(40))' is not a date Amazon writes")
                }
                return value
            }
            guard let settlementID = field("settlement-id") else {
                throw .badRow(row: rowNumber, reason: "no settlement-id")
            }
            if summaries[settlementID] == nil && lines[settlementID] == nil { order.append(settlementID) }
            if let total = try amount("total-amount") {
                guard summaries[settlementID] == nil else {
                    throw .badSummary(settlementID: settlementID, reason: "a second row with total-amount at row \(rowNumber)")
                }
                guard let currency = field("currency") else {
                    throw .badField(row: rowNumber, column: "currency", reason: "the summary row names no currency")
                }
                summaries[settlementID] = SettlementReport(
                    settlementID: settlementID, startDate: try date("settlement-start-date"),
                    endDate: try date("settlement-end-date"), depositDate: try date("deposit-date"), totalAmount: total,
                    currency: currency, lines: [])
            }
            guard let value = try amount("amount") else { continue }
            var postedAt = try date("posted-date-time")
            if postedAt == nil { postedAt = try date("posted-date") }
            var extra: [String: String] = [:]
            for (position, name) in header.enumerated() where !known.contains(name) && position < fields.count {
                let text = fields[position].trimmingCharacters(in: .whitespaces)
                if !text.isEmpty && !name.isEmpty { extra[name] = text }
            }
            var quantity: Int?
            if let text = field("quantity-purchased") {
                guard let number = Int(text), number >= 0 else {
                    throw .badField(row: rowNumber, column: "quantity-purchased", reason: "'\(text.prefix(20))' is not a count")
                }
                quantity = number
            }
            lines[settlementID, default: []].append(
                SettlementReport.Line(
                    row: rowNumber, transactionType: field("transaction-type"), orderID: field("order-id"),
                    merchantOrderID: field("merchant-order-id"), adjustmentID: field("adjustment-id"),
                    shipmentID: field("shipment-id"), marketplaceName: field("marketplace-name"),
                    amountType: field("amount-type"), amountDescription: field("amount-description"), amount: value,
                    fulfillmentID: field("fulfillment-id"),
                    postedAt: postedAt, orderItemCode: field("order-item-code"),
                    merchantOrderItemID: field("merchant-order-item-id"),
                    merchantAdjustmentItemID: field("merchant-adjustment-item-id"), sku: field("sku"),
                    quantityPurchased: quantity, promotionID: field("promotion-id"), extra: extra))
        }
        guard !order.isEmpty else { throw .empty }
        return try order.map { id throws(SettlementReportError) in
            guard var report = summaries[id] else {
                throw .badSummary(settlementID: id, reason: "no summary row carries its total-amount")
            }
            report.lines = lines[id] ?? []
            return report
        }
    }
}
