import Foundation
import Postgres

extension JobExecutor {
    /// Runs several jobs of one batch type and one account in one
    /// `runBatch` call. Each job keeps its own outcome, attempt count, error
    /// history and scrubbing: a payload that does not decode fails only its
    /// job; a batch that throws is a failed, retryable attempt of each job
    /// (a `retryAfter` defers each without spending its attempt).
    func executeBatch(_ jobs: [ClaimedJob], handlerPool: PostgresPool) async -> [Completion] {
        let started = ContinuousClock.now
        let logs = jobs.map(jobLogger)
        // One type and one account for the whole unit: load the account once.
        let handler: AnyJobHandler
        let account: MarketplaceAccount?
        switch await prepare(jobs[0], handlerPool: handlerPool) {
        case .ready(let readyHandler, let readyAccount):
            handler = readyHandler
            account = readyAccount
        case .stopped(let completion):
            return jobs.indices.map { index in
                let own: Completion
                if case .retry(let message, _) = completion { own = retryOrFail(jobs[index], message) } else { own = completion }
                return report(own, job: jobs[index], log: logs[index], started: started, secrets: [])
            }
        }
        let secrets = account?.credentials.secretValues ?? []
        let items = jobs.indices.map { index in
            let job = jobs[index]
            return (
                payload: job.payload,
                context: JobContext(
                    jobID: job.id, jobType: job.jobType, attempt: job.attempt, maxAttempts: job.maxAttempts,
                    account: account, database: handlerPool, logger: logs[index], http: http)
            )
        }
        for log in logs { log.debug("job started", metadata: ["batch_size": "\(jobs.count)"]) }
        do {
            let results = try await handler.runBatch(items)
            return jobs.indices.map { index in
                let completion: Completion
                switch results[index] {
                case .success(let result): completion = .done(result: result)
                case .failure(let error): completion = self.completion(for: error, job: jobs[index])
                }
                return report(completion, job: jobs[index], log: logs[index], started: started, secrets: secrets)
            }
        } catch is CancellationError where Task.isCancelled && jobs.allSatisfy({ running.stopReason(id: $0.id) != .timedOut }) {
            // Stopped from outside; the dispatch loop decides per job from its stop reason.
            return jobs.map { _ in .release }
        } catch {
            return jobs.indices.map { index in
                report(
                    batchCompletion(for: error, job: jobs[index]), job: jobs[index], log: logs[index],
                    started: started, secrets: secrets)
            }
        }
    }

    /// What a thrown batch error means for one job of the batch: never a
    /// permanent failure (one bad job must not fail the others for good).
    private func batchCompletion(for error: any Error, job: ClaimedJob) -> Completion {
        switch completion(for: error, job: job) {
        case .failed(let message) where job.attempt < job.maxAttempts:
            return retryOrFail(job, message)
        case let other:
            return other
        }
    }
}
