import CelCore
import Foundation
import Studio
import Synchronization
import Testing

@Suite struct WorkQueueTests {
  /// Waits for a job to finish, or ten seconds.
  func finished(_ queue: WorkQueue, _ id: String) async throws -> WorkQueue.Job? {
    for _ in 0..<1000 {
      if let job = queue.job(id), job.state == .done || job.state == .failed { return job }
      try await Task.sleep(for: .milliseconds(10))
    }
    return queue.job(id)
  }

  @Test func jobsRunOneAtATimeInOrderAndTheQueueRefusesPastItsCapacity() async throws {
    let queue = WorkQueue(capacity: 3)
    let running = Mutex((now: 0, most: 0, order: [Int]()))
    let gate = Mutex(false)
    var jobs: [WorkQueue.Job] = []
    for index in 0..<4 {
      jobs.append(
        try queue.submit("job \(index)") {
          running.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
            $0.order.append(index)
          }
          while !gate.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
          running.withLock { $0.now -= 1 }
          return .init(message: "job \(index) done")
        })
      if index == 0 {  // the first is taken off the queue before the others arrive
        while queue.job(jobs[0].id)?.state != .running {
          try await Task.sleep(for: .milliseconds(5))
        }
      }
    }
    #expect(queue.job(jobs[3].id)?.position == 3)
    #expect(throws: StudioError.self) { try queue.submit("one too many") { .init(message: "") } }
    gate.withLock { $0 = true }
    for job in jobs { #expect(try await finished(queue, job.id)?.message == "\(job.title) done") }
    #expect(running.withLock { $0.most } == 1)
    #expect(running.withLock { $0.order } == [0, 1, 2, 3])
  }

  /// A stopping server drains its queue: waiting jobs are refused, and draining returns
  /// only after the running job has finished.
  @Test func drainingRefusesTheWaitingAndWaitsForTheRunning() async throws {
    let queue = WorkQueue()
    let isFinished = Mutex(false)
    let running = try queue.submit("slow") {
      try await Task.sleep(for: .milliseconds(300))
      isFinished.withLock { $0 = true }
      return .init(message: "slow done")
    }
    while queue.job(running.id)?.state != .running { try await Task.sleep(for: .milliseconds(5)) }
    let waiting = try queue.submit("never") { .init(message: "ran") }
    await queue.drain()
    #expect(isFinished.withLock { $0 })
    #expect(queue.job(running.id)?.state == .done)
    #expect(queue.job(waiting.id)?.state == .failed)
    #expect(queue.job(waiting.id)?.message == "the studio stopped before this job ran")
  }

  @Test func aJobShowsItsStagesProgressAndAFailureKeepsItsMessage() async throws {
    let queue = WorkQueue()
    let counted = try queue.submit("count") {
      let progress = ProgressReporter("count", total: 7, quiet: true)
      for _ in 0..<7 { progress.advance() }
      return .init(message: "counted")
    }
    let job = try await finished(queue, counted.id)
    #expect(job?.done == 7 && job?.total == 7)
    let failing = try queue.submit("fail") {
      throw CelError.invalidInput("photo.jpg", reason: "not an image OpenCV can decode")
    }
    let failed = try await finished(queue, failing.id)
    #expect(failed?.state == .failed)
    #expect(failed?.message == "photo.jpg: not an image OpenCV can decode")
    #expect(queue.job("no such job") == nil)
  }
}
