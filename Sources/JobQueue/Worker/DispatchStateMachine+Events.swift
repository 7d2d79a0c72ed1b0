extension DispatchStateMachine {
    /// Takes one event. Results are only noted here; `.tick` decides what to
    /// launch, so that everything that happened in one turn goes out together
    /// (all jobs that finished during one round trip are written by the next).
    mutating func handle(_ event: Event) -> [Action] {
        guard !exited else { return [] }
        switch event {
        case .tick(let now):
            return tick(now: now)

        case .wake:
            wantClaim = true
            wakeGeneration &+= 1

        case .finished(let records):
            runningJobs -= records.count
            for record in records {
                switch record.completion {
                case .discard: break
                case .done: doneOutcomes.append(record)
                default: otherOutcomes.append(record)
                }
            }
            if configuration.exitWhenIdle {
                wantClaim = true
                wakeGeneration &+= 1
            }

        case .claimed(let lane, let limit, let generation, let jobs, let error):
            claimsInFlight -= 1
            reserved -= limit
            take(jobs, from: lane)
            if let error {
                idleLanes.append(lane)
                noteFailure(error)
            } else {
                noteSuccess()
                afterClaim(on: lane, got: jobs.count, limit: limit, generation: generation)
            }

        case .written(let batch, let error):
            writingDone = false
            if let error {
                doneOutcomes.insert(contentsOf: batch, at: 0)
                noteFailure(error)
            } else {
                noteSuccess()
                // A written outcome may have freed a concurrency slot (0009) that a
                // claim racing the write found taken: a drain looks again before
                // it calls the queue idle.
                if configuration.exitWhenIdle {
                    wantClaim = true
                    wakeGeneration &+= 1
                }
            }

        case .wroteAndClaimed(
            let lane, let written, let limit, let generation, let claimed, let writeError,
            let claimError, let earliestDue):
            writingOther = false
            reserved -= limit
            // Claimed rows are ours even when the write half failed: run them.
            take(claimed, from: lane)
            if let writeError {
                otherOutcomes.insert(contentsOf: written, at: 0)
                idleLanes.append(lane)
                noteFailure(writeError)
            } else {
                if let earliestDue { nextWake = min(nextWake, earliestDue) }
                if let claimError {
                    idleLanes.append(lane)
                    noteFailure(claimError)
                } else if limit > 0 {
                    noteSuccess()
                    afterClaim(on: lane, got: claimed.count, limit: limit, generation: generation)
                } else {
                    noteSuccess()
                    idleLanes.append(lane)
                }
            }

        case .nextDue(let lane, let at):
            lookupsInFlight -= 1
            idleLanes.append(lane)
            nextWake = at

        case .abandoned(let id):
            if let index = buffer.firstIndex(where: { $0.id == id }) {
                buffer.remove(at: index)
                return [.forget([id])]
            }
            for (sequence, jobs) in parked where jobs.contains(where: { $0.id == id }) {
                parked[sequence] = jobs.filter { $0.id != id }
                parkedCount -= 1
                return [.forget([id])]
            }

        case .shutdown:
            shutdownRequested = true

        case .shutdownNow:
            shutdownRequested = true
            shutdownNowRequested = true
        }
        return []
    }

    /// Claimed jobs go to the buffer, in the order the claims were sent; the
    /// tick starts what fits in free slots. Jobs claimed as shutdown began are
    /// released at the tick.
    private mutating func take(_ jobs: [ClaimedJob], from lane: Int) {
        guard let sequence = laneClaimSequence.removeValue(forKey: lane) else {
            buffer.append(contentsOf: jobs)
            return
        }
        claimSequencesInFlight.removeAll { $0 == sequence }
        if !jobs.isEmpty {
            parked[sequence] = jobs
            parkedCount += jobs.count
        }
        let oldestInFlight = claimSequencesInFlight.first ?? .max
        for sequence in parked.keys.sorted() where sequence < oldestInFlight {
            let jobs = parked.removeValue(forKey: sequence) ?? []
            parkedCount -= jobs.count
            buffer.append(contentsOf: jobs)
        }
    }

    /// A claim came back: a full one means more may wait; a short one means
    /// the queue looked drained, so find out when to look again, unless a
    /// wake-up came in while it was in flight (which may be newer).
    private mutating func afterClaim(on lane: Int, got: Int, limit: Int, generation: Int) {
        if got == limit {
            wantClaim = true
            idleLanes.append(lane)
        } else if generation != wakeGeneration {
            wantClaim = true
            idleLanes.append(lane)
        } else {
            wantClaim = false
            if let previous = lookupLane { idleLanes.append(previous) }
            lookupLane = lane
        }
    }

    private mutating func noteFailure(_ error: any Error) {
        failure = error
    }

    private mutating func noteSuccess() {
        if failure == nil { failureBackoff = 0.1 }
    }
}
