import CelCore
import Foundation
import Synchronization

/// The studio's heavy work (cartoonizing, regenerating a set), one job at a time.
///
/// The queue holds at most `capacity` waiting jobs and refuses more, so its length, not the
/// number of clients, bounds what the server holds. Each job reports the progress lines its
/// stage would print.
package final class WorkQueue: Sendable {
  package struct Job: Codable, Sendable, Equatable {
    package enum State: String, Codable, Sendable { case queued, running, done, failed }
    package var id: String
    package var title: String
    package var state: State
    /// 1 for the next job to run, while queued.
    package var position: Int?
    package var done = 0
    package var total: Int?
    /// The outcome's summary, or the error.
    package var message: String?
    /// Where the result is fetched from, when the job made a file.
    package var result: String?
  }

  /// What a finished job made.
  package struct Outcome: Sendable {
    package var message: String
    package var file: URL?
    package init(message: String, file: URL? = nil) {
      self.message = message
      self.file = file
    }
  }

  package typealias Work = @Sendable () async throws -> Outcome

  private struct State {
    var jobs: [String: Job] = [:]
    var files: [String: URL] = [:]
    var order: [String] = []
    var waiting: [(id: String, work: Work)] = []
    var isWorking = false
    var count = 0
  }

  private let state = Mutex(State())
  package let capacity: Int
  /// Finished jobs remembered for their pages; older ones are forgotten (their files stay).
  let history = 200

  package init(capacity: Int = 16) { self.capacity = capacity }

  /// Throws `.busy` when a job submitted now would be refused, so that a client is
  /// refused before it sends its upload.
  package func requireRoom() throws {
    guard state.withLock({ $0.waiting.count }) < capacity else { throw full }
  }

  private var full: StudioError {
    .busy("the queue is full (\(capacity) jobs wait); try again shortly")
  }

  /// Queues `work`; refused when `capacity` jobs already wait.
  package func submit(_ title: String, work: @escaping Work) throws -> Job {
    let (job, startsWorker) = try state.withLock { state -> (Job, Bool) in
      guard state.waiting.count < capacity else { throw full }
      state.count += 1
      let id = "\(state.count)"
      let job = Job(id: id, title: title, state: .queued, position: state.waiting.count + 1)
      state.jobs[id] = job
      state.order.append(id)
      state.waiting.append((id, work))
      forgetOldJobs(&state)
      defer { state.isWorking = true }
      return (job, !state.isWorking)
    }
    if startsWorker { Task.detached { await self.work() } }
    return job
  }

  package func job(_ id: String) -> Job? {
    state.withLock { state in
      guard var job = state.jobs[id] else { return nil }
      if job.state == .queued {
        job.position = (state.waiting.firstIndex { $0.id == id } ?? 0) + 1
      }
      return job
    }
  }

  /// Refuses the jobs still waiting and returns once the running one has finished, so a
  /// server that stops never leaves work (libtorch's, say) running while the process exits.
  package func drain() async {
    state.withLock { state in
      for (id, _) in state.waiting {
        state.jobs[id]?.state = .failed
        state.jobs[id]?.message = "the studio stopped before this job ran"
      }
      state.waiting.removeAll()
    }
    while state.withLock({ $0.isWorking }) { try? await Task.sleep(for: .milliseconds(50)) }
  }

  /// The file a finished job made.
  package func file(of id: String) -> URL? { state.withLock { $0.files[id] } }

  private func work() async {
    while let next = takeNext() {
      let id = next.id
      let observer: ProgressReporter.Observer = { [self] done, total in
        state.withLock { state in
          state.jobs[id]?.done = done
          state.jobs[id]?.total = total
        }
      }
      do {
        let outcome = try await ProgressReporter.$observer.withValue(observer) {
          try await next.work()
        }
        finish(id, .done, message: outcome.message, file: outcome.file)
      } catch {
        finish(id, .failed, message: String(describing: error), file: nil)
      }
    }
  }

  private func takeNext() -> (id: String, work: Work)? {
    state.withLock { state in
      guard !state.waiting.isEmpty else {
        state.isWorking = false
        return nil
      }
      let next = state.waiting.removeFirst()
      state.jobs[next.id]?.state = .running
      state.jobs[next.id]?.position = nil
      return next
    }
  }

  private func finish(_ id: String, _ end: Job.State, message: String, file: URL?) {
    state.withLock { state in
      state.jobs[id]?.state = end
      state.jobs[id]?.message = message
      if let file {
        state.files[id] = file
        state.jobs[id]?.result = "/api/jobs/\(id)/result"
      }
    }
  }

  private func forgetOldJobs(_ state: inout State) {
    while state.order.count > history + capacity,
      let index = state.order.firstIndex(where: {
        [.done, .failed].contains(state.jobs[$0]?.state)
      })
    {
      let id = state.order.remove(at: index)
      state.jobs[id] = nil
      state.files[id] = nil
    }
  }
}
