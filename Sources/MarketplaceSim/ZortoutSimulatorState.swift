import Foundation

/// The simulator's mutable state: catalogue, faults and request counters.
/// An actor, because FlyingFox serves each connection in its own task.
actor ZortoutSimulatorState {
    var catalogue: ZortoutCatalogue
    var faults: ZortoutFaults
    let credentials: ZortoutSimulator.Credentials
    private(set) var stats = ZortoutSimulator.Stats()

    init(catalogue: ZortoutCatalogue, faults: ZortoutFaults, credentials: ZortoutSimulator.Credentials) {
        self.catalogue = catalogue
        self.faults = faults
        self.credentials = credentials
    }

    func setFaults(_ faults: ZortoutFaults) { self.faults = faults }

    func setCatalogue(_ catalogue: ZortoutCatalogue) { self.catalogue = catalogue }

    func updateProduct(id: Int, _ change: @Sendable (inout ZortoutCatalogue.Product) -> Void) -> Bool {
        guard let index = catalogue.products.firstIndex(where: { $0.id == id }) else { return false }
        change(&catalogue.products[index])
        return true
    }

    func resetStats() { stats = ZortoutSimulator.Stats() }

    /// Decides the fault for one API request, consuming counters.
    func nextFault() -> (fault: Fault?, delay: Int, quotaNotice: Bool) {
        var fault: Fault?
        if faults.afterRequests > 0 {
            faults.afterRequests -= 1
        } else if faults.internalErrors > 0 {
            faults.internalErrors -= 1
            fault = .internalError
        } else if faults.tooManyRequests > 0 {
            faults.tooManyRequests -= 1
            fault = .tooManyRequests(retryAfter: faults.retryAfterSeconds)
        } else if faults.htmlPages > 0 {
            faults.htmlPages -= 1
            fault = .html
        } else if faults.emptyBodies > 0 {
            faults.emptyBodies -= 1
            fault = .empty
        }
        return (fault, faults.delayMilliseconds, faults.quotaNotice)
    }

    func record(path: String, query: [String: String], outcome: Int) {
        stats.requests += 1
        stats.byPath[path, default: 0] += 1
        if let sku = query["searchsku"] { stats.searchedSKUs.append(sku) }
        if outcome != 200 { stats.errorResponses += 1 }
        stats.warehouseCodes.append(query["warehousecode"] ?? "")
    }

    func authorised(storeName: String?, apiKey: String?, apiSecret: String?) -> Bool {
        !faults.rejectCredentials && storeName == credentials.storeName && apiKey == credentials.apiKey
            && apiSecret == credentials.apiSecret
    }

    enum Fault: Sendable {
        case internalError
        case tooManyRequests(retryAfter: Int)
        case html
        case empty
    }
}
