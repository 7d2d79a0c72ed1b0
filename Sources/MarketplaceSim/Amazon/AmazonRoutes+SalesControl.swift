import FlyingFox
import Foundation

/// Issue 11's control routes: `GET /_control/packages`, `GET /_control/adjustments`,
/// `POST /_control/settlement-reports` (`AmazonSettlementReportSpec`, plus
/// `"corrupt_gzip": true`), `GET /_control/settlement-reports`.
extension AmazonRoutes {
    func salesControl(method: FlyingFox.HTTPMethod, path: String, body: Data) async -> FlyingFox.HTTPResponse? {
        switch (method, path) {
        case (.GET, "/_control/packages"):
            return Self.encoded(await state.packages())
        case (.GET, "/_control/adjustments"):
            return Self.encoded(await state.allAdjustments())
        case (.POST, "/_control/settlement-reports"):
            do {
                let spec = try JSONDecoder().decode(AmazonSettlementReportSpec.self, from: body)
                let corrupt =
                    ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["corrupt_gzip"] as? Bool ?? false
                return Self.encoded(await state.addSettlementReport(spec, corruptGzip: corrupt), status: .created)
            } catch {
                return Self.json(["error": "bad settlement report spec: \(error)"], status: .badRequest)
            }
        case (.GET, "/_control/settlement-reports"):
            return Self.encoded(await state.settlementReports())
        default:
            return nil
        }
    }
}
