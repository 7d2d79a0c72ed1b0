import FlyingFox
import Foundation

/// `/_control/…`: what tests, the demo and a shell use to steer and inspect
/// the Amazon simulator. No credentials.
extension AmazonRoutes {
    func control(path: String, request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let body = try await request.bodyData
        switch (request.method, path) {
        case (.POST, "/_control/faults"), (.PUT, "/_control/faults"):
            do {
                let faults = body.isEmpty ? AmazonFaults() : try JSONDecoder().decode(AmazonFaults.self, from: body)
                await state.setFaults(faults)
                return Self.encoded(faults)
            } catch {
                return Self.json(["error": "bad faults JSON: \(error)"], status: .badRequest)
            }
        case (.GET, "/_control/faults"):
            return Self.encoded(await state.faults)
        case (.POST, "/_control/sku-errors"), (.PUT, "/_control/sku-errors"):
            do {
                let issues = body.isEmpty ? [] : try JSONDecoder().decode([AmazonSKUIssue].self, from: body)
                await state.setSKUIssues(issues)
                return Self.encoded(issues)
            } catch {
                return Self.json(
                    ["error": "expected [{\"sku\": …, \"severity\": \"ERROR\", \"code\": …, \"message\": …}]: \(error)"],
                    status: .badRequest)
            }
        case (.GET, "/_control/sku-errors"):
            return Self.encoded(await state.skuIssues)
        case (.POST, "/_control/expire-tokens"):
            await state.expireTokens()
            return Self.json(["ok": true])
        case (.POST, "/_control/settings"):
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            if let delay = object["processing_delay_ms"] as? Int { await state.setProcessingDelay(milliseconds: delay) }
            if let lifetime = object["token_lifetime_seconds"] as? Int { await state.setTokenLifetime(seconds: lifetime) }
            if let polls = object["polls_per_stage"] as? Int { await state.setPollsPerStage(polls) }
            let configuration = await state.configuration
            return Self.json([
                "processing_delay_ms": configuration.processingDelayMilliseconds,
                "token_lifetime_seconds": configuration.tokenLifetimeSeconds,
                "polls_per_stage": configuration.pollsPerStage,
            ])
        case (.GET, "/_control/listings"):
            return Self.encoded(await state.allListings())
        case (.GET, "/_control/feeds"):
            return Self.encoded(await state.allFeeds())
        case (.GET, "/_control/stats"):
            return Self.encoded(await state.stats)
        case (.POST, "/_control/reset-stats"):
            await state.resetStats()
            return Self.json(["ok": true])
        default:
            if let response = await salesControl(method: request.method, path: path, body: body) { return response }
            if request.method == .GET, path.hasPrefix("/_control/listings/") {
                let sku = String(path.dropFirst("/_control/listings/".count)).removingPercentEncoding ?? ""
                guard let listing = await state.listing(sku: sku) else {
                    return Self.json(["error": "no listing for SKU \(sku)"], status: .notFound)
                }
                return Self.encoded(listing)
            }
            if request.method == .GET, path.hasPrefix("/_control/feeds/"), path.hasSuffix("/report") {
                let id = String(path.dropFirst("/_control/feeds/".count).dropLast("/report".count))
                guard let report = await state.report(feedID: id) else {
                    return Self.json(["error": "feed \(id) has no report (unknown, or not processed yet)"], status: .notFound)
                }
                return Self.encoded(report)
            }
            return Self.json(["error": "unknown control route \(request.method.rawValue) \(path)"], status: .notFound)
        }
    }
}
