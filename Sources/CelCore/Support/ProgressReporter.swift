import Foundation
import Synchronization

/// Progress of a long stage on standard error: a line redrawn in place on a terminal,
/// plain lines every few seconds otherwise (logs, CI), nothing when quiet.
///
/// A caller that shows progress elsewhere (the studio's page) sets `observer` around the
/// work; every reporter made inside it reports each step to it as well.
package final class ProgressReporter: Sendable {
  /// Told the items done so far and the total, when known.
  package typealias Observer = @Sendable (_ done: Int, _ total: Int?) -> Void
  @TaskLocal package static var observer: Observer?

  private struct State {
    var done = 0
    var lastPrint = Date.distantPast
  }

  private let label: String
  private let total: Int?
  private let isQuiet: Bool
  private let isTerminal = isatty(STDERR_FILENO) == 1
  private let start = Date()
  private let state = Mutex(State())
  private let observer = ProgressReporter.observer

  package init(_ label: String, total: Int? = nil, quiet: Bool) {
    self.label = label
    self.total = total
    self.isQuiet = quiet
  }

  /// Counts `count` more items done and redraws when it is time to.
  package func advance(by count: Int = 1, note: @autoclosure () -> String = "") {
    let now = Date()
    let printed: Int? = state.withLock { state in
      state.done += count
      observer?(state.done, total)
      guard !isQuiet, now.timeIntervalSince(state.lastPrint) >= (isTerminal ? 0.2 : 5) else {
        return nil
      }
      state.lastPrint = now
      return state.done
    }
    if let printed { emit(line(done: printed, now: now, note: note()), final: false) }
  }

  /// Prints the closing line.
  package func finish(_ summary: String) {
    guard !isQuiet else { return }
    let seconds = Date().timeIntervalSince(start)
    emit("\(label): \(summary) in \(String(format: "%.1f", seconds)) s", final: true)
  }

  private func line(done: Int, now: Date, note: String) -> String {
    let seconds = now.timeIntervalSince(start)
    let rate = seconds > 0 ? Double(done) / seconds : 0
    var text = "\(label): \(done)"
    if let total {
      text += "/\(total)"
      if rate > 0, done < total {
        text += String(format: ", ETA %.0f s", Double(total - done) / rate)
      }
    }
    text += String(format: " (%.1f/s)", rate)
    if !note.isEmpty { text += " \(note)" }
    return text
  }

  private func emit(_ text: String, final: Bool) {
    let output = isTerminal ? "\r\u{1B}[K" + text + (final ? "\n" : "") : text + "\n"
    FileHandle.standardError.write(Data(output.utf8))
  }
}
