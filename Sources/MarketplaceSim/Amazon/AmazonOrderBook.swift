import Foundation

/// The simulator's orders and `searchOrders` as the model describes it:
/// exactly one of `createdAfter`/`lastUpdatedAfter`, no mixing of the two
/// families, an end at least two minutes before the request, results in
/// time order, and real paging: the first page fixes the result set, and each
/// `nextToken` names the rest of it (the same parameters must come with it,
/// except `maxResultsPerPage` and `includedData`; it lives 24 hours).
struct AmazonOrderBook {
    /// One recorded `searchOrders` request, for tests.
    struct SearchCall: Codable, Equatable {
        var after: String?
        var before: String?
        var basis: String?
        var paginationToken: String?
        var returned: Int
        var status: Int

        enum CodingKeys: String, CodingKey {
            case after, before, basis, paginationToken = "pagination_token", returned, status
        }
    }

    /// The rest of a result set behind a token.
    struct Cursor {
        let fingerprint: String
        let ids: [String]
        let offset: Int
        let createdAt: Date
    }

    /// An answer: a status and a JSON object.
    struct Answer {
        var status: Int
        var body: [String: Any]
    }

    private(set) var orders: [String: AmazonSimOrder] = [:]
    private var order: [String] = []
    private var cursors: [String: Cursor] = [:]
    private(set) var searches: [SearchCall] = []
    private var nextOrderNumber = 1
    private var nextItemNumber = 10_000_000_000_001
    /// Page requests served before a hold starts; nil: no hold.
    var holdAfter: Int?
    /// Page requests served since the hold was set.
    var servedSinceHold = 0

    static let twoMinutes: TimeInterval = 120

    // MARK: Orders

    /// Adds `count` orders; returns their ids.
    mutating func add(
        count: Int, status: String, updatedAt: Date, itemsPerOrder: Int, unitPrice: String, currency: String,
        marketplaceID: String, skuPrefix: String
    ) -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let number = nextOrderNumber
            nextOrderNumber += 1
            let id = String(format: "902-%07d-%07d", number / 10_000_000, number % 10_000_000)
            let items = (0..<max(1, itemsPerOrder)).map { line -> AmazonSimOrder.Item in
                defer { nextItemNumber += 1 }
                return AmazonSimOrder.Item(
                    orderItemID: String(nextItemNumber), sellerSKU: "\(skuPrefix)-\(line + 1)", quantityOrdered: line + 1,
                    quantityFulfilled: 0, unitPrice: unitPrice, buyerCancelReason: nil)
            }
            // A millisecond apart, so the time order is the insertion order.
            let at = updatedAt.addingTimeInterval(Double(index) / 1000)
            orders[id] = AmazonSimOrder(
                orderID: id, marketplaceID: marketplaceID, status: status, createdTime: at, lastUpdatedTime: at,
                shipByLatest: at.addingTimeInterval(2 * 86_400), currency: currency, items: items,
                buyerName: "Pat Buyer-\(number)")
            order.append(id)
            ids.append(id)
        }
        return ids
    }

    /// Moves orders to `status` (SHIPPED ships every unit; a buyer cancel
    /// request marks the items), stamping `lastUpdatedTime`. Unknown ids are returned.
    mutating func transition(ids: [String], status: String?, updatedAt: Date, buyerCancelReason: String?) -> [String] {
        var unknown: [String] = []
        for (index, id) in ids.enumerated() {
            guard var current = orders[id] else { unknown.append(id); continue }
            if let status {
                current.status = status
                if status == "SHIPPED" {
                    for line in current.items.indices {
                        current.items[line].quantityFulfilled = current.items[line].quantityOrdered
                    }
                }
            }
            if let buyerCancelReason {
                for line in current.items.indices { current.items[line].buyerCancelReason = buyerCancelReason }
            }
            current.lastUpdatedTime = updatedAt.addingTimeInterval(Double(index) / 1000)
            orders[id] = current
        }
        return unknown
    }

    /// Ids of orders in `status`, in insertion order.
    func ids(status: String) -> [String] { order.filter { orders[$0]?.status == status } }

    /// Every order, in insertion order.
    var all: [AmazonSimOrder] { order.compactMap { orders[$0] } }

    mutating func update(_ changed: AmazonSimOrder) { orders[changed.orderID] = changed }

    /// Every page token stops working, as after Amazon's 24 hours.
    mutating func expireCursors() { cursors.removeAll() }

    // MARK: searchOrders

    mutating func search(query: [String: String], now: Date) -> Answer {
        let answer = answer(query: query, now: now)
        searches.append(
            SearchCall(
                after: query["lastUpdatedAfter"] ?? query["createdAfter"],
                before: query["lastUpdatedBefore"] ?? query["createdBefore"],
                basis: query["createdAfter"] != nil ? "created" : query["lastUpdatedAfter"] != nil ? "last_updated" : nil,
                paginationToken: query["paginationToken"], returned: (answer.body["orders"] as? [Any])?.count ?? 0,
                status: answer.status))
        return answer
    }

    private mutating func answer(query: [String: String], now: Date) -> Answer {
        func invalid(_ message: String) -> Answer {
            Answer(status: 400, body: ["errors": [["code": "InvalidInput", "message": message, "details": ""]]])
        }
        let createdAfter = query["createdAfter"].map(Self.date)
        let updatedAfter = query["lastUpdatedAfter"].map(Self.date)
        let createdBefore = query["createdBefore"].map(Self.date)
        let updatedBefore = query["lastUpdatedBefore"].map(Self.date)
        for (name, value) in [
            ("createdAfter", createdAfter), ("lastUpdatedAfter", updatedAfter), ("createdBefore", createdBefore),
            ("lastUpdatedBefore", updatedBefore),
        ] where value != nil && value! == nil {
            return invalid("\(name) must be an ISO 8601 date-time.")
        }
        if (createdAfter == nil) == (updatedAfter == nil) {
            return invalid("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
        }
        let byCreated = createdAfter != nil
        if byCreated && updatedBefore != nil || !byCreated && createdBefore != nil {
            return invalid("createdAfter/createdBefore cannot be combined with lastUpdatedAfter/lastUpdatedBefore.")
        }
        let after = (byCreated ? createdAfter : updatedAfter)!!
        let latest = now.addingTimeInterval(-Self.twoMinutes)
        let before = (byCreated ? createdBefore : updatedBefore).flatMap { $0 } ?? latest
        if before > latest {
            return invalid(
                "\(byCreated ? "createdBefore" : "lastUpdatedBefore") must be at least two minutes before the time of the request."
            )
        }
        if before < after {
            return invalid("\(byCreated ? "createdBefore" : "lastUpdatedBefore") must be equal to or after the start.")
        }
        guard let marketplaces = query["marketplaceIds"]?.split(separator: ",").map(String.init), !marketplaces.isEmpty else {
            return invalid("marketplaceIds is required.")
        }
        let size = query["maxResultsPerPage"].map { Int($0) ?? -1 } ?? 100
        guard (1...100).contains(size) else { return invalid("maxResultsPerPage must be between 1 and 100.") }
        // Every parameter but the page size, the datasets and the token.
        let fingerprint = query.filter { !["maxResultsPerPage", "includedData", "paginationToken"].contains($0.key) }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")

        let ids: [String]
        let offset: Int
        if let token = query["paginationToken"] {
            guard let cursor = cursors[token], now.timeIntervalSince(cursor.createdAt) < 86_400 else {
                return invalid("The paginationToken is invalid or has expired.")
            }
            guard cursor.fingerprint == fingerprint else {
                return invalid("The paginationToken must come with the same parameters as the request that returned it.")
            }
            (ids, offset) = (cursor.ids, cursor.offset)
        } else {
            let fulfilledBy = query["fulfilledBy"]?.split(separator: ",").map(String.init)
            if let fulfilledBy, !fulfilledBy.contains("MERCHANT") { return Answer(status: 200, body: ["orders": [] as [Any]]) }
            let key = { (o: AmazonSimOrder) in byCreated ? o.createdTime : o.lastUpdatedTime }
            ids = order.compactMap { orders[$0] }
                .filter { marketplaces.contains($0.marketplaceID) && key($0) >= after && key($0) <= before }
                .sorted { key($0) == key($1) ? $0.orderID < $1.orderID : key($0) < key($1) }
                .map(\.orderID)
            offset = 0
        }
        let slice = ids[offset..<min(ids.count, offset + size)]
        var body: [String: Any] = ["orders": slice.compactMap { orders[$0]?.json() }]
        body[byCreated ? "createdBefore" : "lastUpdatedBefore"] = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            .format(before)
        if offset + size < ids.count {
            let token = "ord-" + UUID().uuidString.lowercased()
            cursors[token] = Cursor(fingerprint: fingerprint, ids: ids, offset: offset + size, createdAt: now)
            body["pagination"] = ["nextToken": token]
        }
        return Answer(status: 200, body: body)
    }

    static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date(text, strategy: .iso8601))
    }
}
