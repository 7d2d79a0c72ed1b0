import Foundation
import HTTPClient
import JobQueue

/// How one SP-API call is made and its answer read: rate limit, access token,
/// one refresh on 401/403, status mapping, decoding.
extension SPAPIClient {
    /// Amazon's error body (`ErrorList` in the model).
    private struct ErrorList: Decodable {
        struct Entry: Decodable { let code: String; let message: String?; let details: String? }
        let errors: [Entry]
    }

    /// - Parameters:
    ///   - rateLimited: false when the caller already took this operation's token.
    ///   - query: sent in the URL, never in errors or logs (a page token is long and says nothing to a person).
    func call<Body: Encodable, Answer: Decodable>(
        _ operation: SPAPIOperation, method: String, path: String, body: Body?,
        rateLimited: Bool = true, query: [URLQueryItem] = []
    ) async throws(AmazonError) -> Answer {
        let target = "\(method) \(path)"
        if rateLimited { try await takeRateLimit([operation.rateLimit(settings: account.settings)], target: operation.rawValue) }
        var bodyData: Data?
        if let body {
            do { bodyData = try JSONEncoder().encode(body) } catch {
                throw .unreadable(
                    account: account.label, target: target, status: 0, reason: "a request body that does not encode",
                    snippet: String(describing: error).prefix(80).description)
            }
        }
        var url = URL(string: account.settings.endpoint.absoluteString + path)!
        if !query.isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            // A `+` in a timestamp or token would read as a space: encode it too.
            components.percentEncodedQuery = query.map { item in
                "\(Self.queryEscaped(item.name))=\(Self.queryEscaped(item.value ?? ""))"
            }.joined(separator: "&")
            url = components.url ?? url
        }
        let started = ContinuousClock.now
        var token = try await tokens.accessToken(for: account, http: http)
        var response = try await send(request(method: method, url: url, body: bodyData, token: token))
        if response.status == 401 || response.status == 403 {
            // An expired or revoked token: refresh once and try once more.
            logger?.info(
                "amazon access token refused; refreshing it once",
                metadata: [
                    "operation": "\(operation.rawValue)", "status": "\(response.status)",
                ])
            await tokens.invalidate(token, for: account)
            token = try await tokens.accessToken(for: account, http: http)
            response = try await send(request(method: method, url: url, body: bodyData, token: token))
        }
        let elapsed = ContinuousClock.now - started
        logger?.debug(
            "sp-api call",
            metadata: [
                "operation": "\(operation.rawValue)", "status": "\(response.status)",
                "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
        do {
            return try read(response, operation: operation, target: target, token: token)
        } catch {
            if case .throttled = error, let rateLimiter {
                // Amazon's count is ahead of ours: make every worker wait, not only this job.
                try? await rateLimiter.exhaust(operation.rateLimit(settings: account.settings))
            }
            throw error
        }
    }

    private func request(method: String, url: URL, body: Data?, token: LWAAccessToken) -> HTTPRequest {
        var headers = [
            "x-amz-access-token": token.value, "Accept": "application/json",
            "User-Agent": "marketplace-jobs/1.0 (Language=Swift)",
        ]
        if body != nil { headers["Content-Type"] = "application/json" }
        return HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
    }

    func send(_ request: HTTPRequest) async throws(AmazonError) -> HTTPResponse {
        do {
            return try await http.send(request)
        } catch {
            throw .transport(account: account.label, error: error)
        }
    }

    private func read<Answer: Decodable>(
        _ response: HTTPResponse, operation: SPAPIOperation, target: String,
        token: LWAAccessToken
    ) throws(AmazonError) -> Answer {
        let quoted = { AmazonText.scrub(response.snippet(limit: 120), account.credentials.secrets + [token.value]) }
        if response.isSuccess {
            // confirmShipment answers 204 with no body: nothing to decode.
            if let none = SPAPINoContent() as? Answer { return none }
            do {
                return try JSONDecoder().decode(Answer.self, from: response.body)
            } catch {
                var reason = AmazonText.describeBody(response, expected: "the \(operation.rawValue) answer")
                if case DecodingError.keyNotFound(let key, _) = error { reason += " (no \(key.stringValue))" }
                if operation.answersHoldPersonalData, case DecodingError.dataCorrupted(let context) = error {
                    reason += " (\(context.debugDescription))"
                }
                // An order answer holds buyers' names and addresses: never quote it into a job error or log.
                let snippet = operation.answersHoldPersonalData ? "(body not quoted: it may hold buyer data)" : quoted()
                throw .unreadable(
                    account: account.label, target: target, status: response.status, reason: reason, snippet: snippet)
            }
        }
        if response.status == 429 {
            throw .throttled(
                account: account.label, target: target, retryAt: retryAt(response, operation: operation),
                detail: "HTTP 429" + (response.header("x-amzn-ratelimit-limit").map { ", x-amzn-RateLimit-Limit \($0)/s" } ?? ""))
        }
        let errors = (try? JSONDecoder().decode(ErrorList.self, from: response.body))?.errors ?? []
        let message =
            errors.isEmpty
            ? quoted()
            : AmazonText.scrub(
                errors.prefix(3).map { entry in
                    [entry.code, entry.message, entry.details].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                }.joined(separator: "; "), account.credentials.secrets + [token.value])
        if response.status == 401 || response.status == 403 {
            throw .accessDenied(account: account.label, target: target, status: response.status, message: message)
        }
        if (400..<500).contains(response.status) && response.status != 408 && !errors.isEmpty {
            throw .rejected(account: account.label, target: target, status: response.status, message: message)
        }
        if errors.isEmpty && response.status < 500 {
            // Not Amazon's error JSON: a proxy or load balancer page, worth another try.
            throw .unreadable(
                account: account.label, target: target, status: response.status,
                reason: AmazonText.describeBody(response, expected: "an SP-API error list"), snippet: quoted())
        }
        throw .httpStatus(account: account.label, target: target, status: response.status, message: message)
    }

    /// When a throttled call may go again: one token's refill time at the rate
    /// Amazon applied (`x-amzn-RateLimit-Limit`, requests per second), else at
    /// the account's `rate_limits` rate or the model's default; `Retry-After` wins when it is later.
    func retryAt(_ response: HTTPResponse, operation: SPAPIOperation) -> Date {
        let now = now()
        var rate = NSDecimalNumber(decimal: account.settings.rateLimits[operation.rawValue]?.rate ?? operation.defaultRate)
            .doubleValue
        if let header = response.header("x-amzn-ratelimit-limit"),
            let live = Double(header.trimmingCharacters(in: .whitespaces)), live > 0, live.isFinite
        {
            rate = live
        }
        var wait = min(3600, max(0.1, 1 / rate))
        if let retryAfter = response.retryAfter(now: now) { wait = max(wait, retryAfter.timeIntervalSince(now)) }
        return now.addingTimeInterval(wait)
    }

    /// Takes from the shared limits, sleeping through short waits; a long wait is `.throttled`.
    func takeRateLimit(_ limits: [RateLimit], target: String) async throws(AmazonError) {
        guard let rateLimiter, !limits.isEmpty else { return }
        do {
            try await rateLimiter.acquire(limits, context: "\(target) for \(account.label)")
        } catch let JobError.retryAfter(date, message) {
            throw .throttled(account: account.label, target: target, retryAt: date, detail: message)
        } catch is CancellationError {
            throw .transport(account: account.label, error: .cancelled(target: target))
        } catch {
            throw .rateLimiterUnavailable(account: account.label, reason: String(describing: error).prefix(200).description)
        }
    }

    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A short, scrubbed quote of a storage (upload/download) answer.
    func snippet(_ response: HTTPResponse) -> String {
        AmazonText.scrub(response.snippet(limit: 120), account.credentials.secrets)
    }
}
